#!/usr/bin/python3
"""Runs a private Podman service for Tandem's container tests, with a store of its own.

    podman_service.py start --dir DIR [--tcp] [--image-cache FILE]
    podman_service.py stop --dir DIR
    podman_service.py env --dir DIR

`start` writes DIR/containers.conf (runc, cgroupfs, file events, soft == hard ulimits: the
settings this kind of machine needs), makes sure the sandbox image is in the store under DIR
(building its root file system once with packaging/build-sandbox-image.sh, cached at
--image-cache), starts `podman system service` on unix://DIR/podman.sock (and, with --tcp, a
second one on tcp://127.0.0.1 at a free port), waits until each answers /_ping, and writes
DIR/service.env with one NAME=value a line:

    TANDEM_PODMAN_SOCKET=unix:///.../podman.sock
    TANDEM_PODMAN_TCP=tcp://127.0.0.1:PORT
    CONTAINERS_CONF=/.../containers.conf
    TANDEM_PODMAN_STORE=--root /... --runroot /...

The services run in a session of their own and outlive this script; `stop` removes every
container in the store and ends the services by the pids it recorded. Every wait is bounded.
"""

import argparse
import hashlib
import http.client
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
IMAGE = "tandem-sandbox:1"
PING_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10

CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=8192:8192"]
http_proxy = false
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "{dir}/events.log"
# Each exec's conmon otherwise lingers for five minutes after the exec ends.
exit_command_delay = 5
tmp_dir = "{dir}/tmp"
network_config_dir = "{dir}/networks"
"""


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


def ping(url):
    try:
        if url.startswith("unix://"):
            conn = UnixHTTPConnection(url[len("unix://"):], timeout=2)
        else:
            host, port = url[len("tcp://"):].rsplit(":", 1)
            conn = http.client.HTTPConnection(host, int(port), timeout=2)
        conn.request("GET", "/_ping")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def paths(directory):
    d = pathlib.Path(directory).resolve()
    # Podman refuses a run root longer than 50 characters, and a Unix socket's path may not
    # pass 107: both live under a short folder named for the long one.
    short = pathlib.Path("/tmp") / ("tandem-podman-" + hashlib.sha1(bytes(d)).hexdigest()[:12])
    return {
        "dir": d,
        "short": short,
        "root": d / "root",
        "runroot": short / "runroot",
        "conf": d / "containers.conf",
        "env": d / "service.env",
        "pids": d / "service.pids",
        "log": d / "service.log",
        "socket": short / "podman.sock",
    }


def podman_env(p):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env["CONTAINERS_CONF"] = str(p["conf"])
    return env


def store_args(p):
    return ["--root", str(p["root"]), "--runroot", str(p["runroot"])]


def ensure_image(p, cache):
    cache.parent.mkdir(parents=True, exist_ok=True)
    script = SOURCE_DIR / "packaging" / "build-sandbox-image.sh"
    args = [str(script), "--tarball", str(cache), "--root", str(p["root"]), "--runroot",
            str(p["runroot"])]
    subprocess.run(args, env=podman_env(p), check=True, stdout=sys.stderr, timeout=300)


def start_service(p, url, log):
    args = ["podman", *store_args(p), "system", "service", "--time=0", url]
    # In DIR: conmon leaves files (an "oom" marker after an out-of-memory kill) in its folder.
    proc = subprocess.Popen(args, env=podman_env(p), stdin=subprocess.DEVNULL, stdout=log,
                            stderr=log, start_new_session=True, cwd=p["dir"])
    with open(p["pids"], "a") as f:
        f.write(f"{proc.pid}\n")
    deadline = time.monotonic() + PING_TIMEOUT_S
    while time.monotonic() < deadline:
        if ping(url):
            return
        if proc.poll() is not None:
            sys.exit(f"podman_service: podman exited with {proc.returncode}; see {p['log']}")
        time.sleep(0.1)
    sys.exit(f"podman_service: {url} did not answer within {PING_TIMEOUT_S} s; see {p['log']}")


def start(args):
    p = paths(args.dir)
    stop(args, quiet=True)
    # A store made with another run root cannot be opened with this one: start it afresh.
    marker = p["dir"] / "runroot.path"
    if p["root"].exists() and (not marker.exists() or marker.read_text() != str(p["runroot"])):
        shutil.rmtree(p["root"], ignore_errors=True)
    for key in ("root", "runroot"):
        p[key].mkdir(parents=True, exist_ok=True)
    marker.write_text(str(p["runroot"]))
    (p["dir"] / "tmp").mkdir(exist_ok=True)
    (p["dir"] / "networks").mkdir(exist_ok=True)
    p["conf"].write_text(CONTAINERS_CONF.format(dir=p["dir"]))
    if p["socket"].exists():
        p["socket"].unlink()

    cache = pathlib.Path(args.image_cache) if args.image_cache else p["dir"] / "rootfs.tar"
    ensure_image(p, cache)

    urls = {"TANDEM_PODMAN_SOCKET": f"unix://{p['socket']}"}
    if args.tcp:
        urls["TANDEM_PODMAN_TCP"] = f"tcp://127.0.0.1:{free_port()}"
    with open(p["log"], "a") as log:
        for url in urls.values():
            start_service(p, url, log)

    lines = [f"{k}={v}" for k, v in urls.items()]
    lines.append(f"CONTAINERS_CONF={p['conf']}")
    lines.append("TANDEM_PODMAN_STORE=" + " ".join(store_args(p)))
    p["env"].write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def store_users(p):
    """Processes of this store: podman clean-up commands and conmon, started by the service."""
    users = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                line = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(p["root"]) in line and "podman_service" not in line:
            users.append(int(entry))
    return users


def unmount_store(p):
    with open("/proc/self/mounts") as mounts:
        points = [line.split()[1] for line in mounts]
    ours = [m for m in points if m.startswith((str(p["root"]) + "/", str(p["short"]) + "/"))]
    for point in sorted(ours, key=len, reverse=True):
        subprocess.run(["umount", "-l", point], stderr=subprocess.DEVNULL, check=False)


def stop(args, quiet=False):
    p = paths(args.dir)
    if not p["pids"].exists():
        return
    if p["conf"].exists():
        # Containers first, while the store is still served: nothing of a test may outlive it.
        subprocess.run(["podman", *store_args(p), "rm", "--all", "--force", "--time", "0"],
                       env=podman_env(p), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60, check=False)
    pids = [int(x) for x in p["pids"].read_text().split()]
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    p["pids"].unlink()
    p["env"].unlink(missing_ok=True)
    # The store's overlay mounts outlive the service, and the clean-up commands conmon starts
    # for containers that just ended may mount the store again a moment later: wait for those
    # (they name our store on their command line), then take down our mounts, deepest first.
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while store_users(p) and time.monotonic() < deadline:
        time.sleep(0.1)
    unmount_store(p)
    shutil.rmtree(p["short"], ignore_errors=True)
    if not quiet:
        print(f"podman_service: stopped {len(pids)} service(s)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["start", "stop", "env"])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tcp", action="store_true")
    parser.add_argument("--image-cache")
    args = parser.parse_args()
    if args.command == "start":
        start(args)
    elif args.command == "stop":
        stop(args)
    else:
        print(paths(args.dir)["env"].read_text(), end="")


if __name__ == "__main__":
    main()
