"""What every attack on Tandem's sandbox needs on the host side.

A Context owns one attack's world: a temporary folder with workspaces, a home folder and a
data folder full of planted secrets, listeners on loopback that record whatever reaches them,
and the environment the product runs with. It runs `tandem sandbox run --json`, and at the end
checks that the host is as it was: no listener heard anything, no process carrying the
attack's marker is left, no file carrying it appeared outside the workspaces, the planted
folders are unchanged, and no planted secret ever showed up in the product's output.

Two tokens keep the checks honest. `mark` is known to the probe, which uses it to name the
files and processes it creates, so that they can be found afterwards. `secret` is never given
to the probe: it is the value of every planted credential, and seeing it in any output means
a credential crossed into the sandbox.
"""

import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import struct
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SKIP_CODE = 77  # CTest's SKIP_RETURN_CODE for this suite

# What `--backend` the product takes for each backend name of the suite.
BACKEND_OPTIONS = {"bwrap": "bubblewrap", "container": "container"}

# Folders of the planted home that the product itself may write (its logs and caches).
DIGEST_SKIP = (".local/share/tandem", ".cache")

# The name the DNS stub answers, the host the HTTP stand-in plays and the proxy may reach.
ALLOWED_HOST = "allowed.test"
# Where it lives in the suite's own network namespace: an address of the documentation range
# put on loopback there. Not a loopback address, since the proxy rightly refuses a name that
# resolves to one (DNS rebinding onto the host's own services).
ALLOWED_ADDRESS = "192.0.2.80"


class Escaped(AssertionError):
    """The attack worked: the sandbox let something through that it must not."""


class Skip(Exception):
    """The attack cannot run meaningfully on this machine; says why."""


class Unmet(AssertionError):
    """The sandbox lacks something the issue demands (a proxy, a limit's report), so the
    attack could not be judged the way it must be."""


class Broken(AssertionError):
    """The test itself could not do what it needed; not a verdict on the sandbox."""


# ---------------------------------------------------------------------------------------------
# Listeners that record what arrives.


class Recorder:
    """A listener's log of what reached it, safe to read from the test thread."""

    def __init__(self, name):
        self.name = name
        self.events = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []

    def record(self, event):
        with self._lock:
            self.events.append(event)

    def snapshot(self):
        with self._lock:
            return list(self.events)

    def _spawn(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)


class TcpRecorder(Recorder):
    """Accepts TCP connections and keeps the first bytes of each."""

    def __init__(self, name, address, port=0):
        super().__init__(name)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, port))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.address = address
        self.port = self.sock.getsockname()[1]
        self._spawn(self._serve)

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, peer = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            conn.settimeout(1.0)
            data = b""
            try:
                data = conn.recv(4096)
            except OSError:
                pass
            self.record({"peer": str(peer), "data": data[:200]})
            conn.close()
        self.sock.close()


class UdpRecorder(Recorder):
    """Receives UDP datagrams and keeps each one."""

    def __init__(self, name, address, port=0):
        super().__init__(name)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((address, port))
        self.sock.settimeout(0.2)
        self.address = address
        self.port = self.sock.getsockname()[1]
        self._spawn(self._serve)

    def _serve(self):
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except (socket.timeout, OSError):
                continue
            self.record({"peer": str(peer), "data": data[:200]})
        self.sock.close()


class UnixRecorder(Recorder):
    """A Unix stream socket (a path, or an abstract name starting with NUL) that records."""

    def __init__(self, name, path):
        super().__init__(name)
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if not path.startswith("\0"):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        self.sock.bind(path)
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self._spawn(self._serve)

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            conn.settimeout(1.0)
            data = b""
            try:
                data = conn.recv(4096)
            except OSError:
                pass
            self.record({"data": data[:200]})
            conn.close()
        self.sock.close()
        if not self.path.startswith("\0"):
            try:
                os.unlink(self.path)
            except OSError:
                pass


def dns_question_name(message):
    """The first question's name of a DNS message, or None if it has none."""
    if len(message) < 13:
        return None
    labels, offset = [], 12
    while offset < len(message):
        length = message[offset]
        if length == 0:
            return ".".join(labels)
        if length & 0xC0:
            return None
        labels.append(message[offset + 1:offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    return None


def dns_answer(query, address):
    """NXDOMAIN for any name, or one A record when `address` is given."""
    name_end = query.index(b"\0", 12) + 5
    question = query[12:name_end]
    flags = 0x8180 if address else 0x8183
    header = query[:2] + struct.pack(">HHHHH", flags, 1, 1 if address else 0, 0, 0)
    answer = b""
    if address:
        answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 5, 4) + socket.inet_aton(address)
    return header + question + answer


class DnsStub(Recorder):
    """A resolver on loopback (UDP and TCP) that logs every name asked and answers only the
    allowed host. Port 53 if it is free, so that a libc resolver aimed at 127.0.0.1 lands here."""

    def __init__(self, answers):
        super().__init__("dns stub")
        self.answers = answers
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.port = self._bind_both()
        self.tcp.listen(8)
        for sock in (self.udp, self.tcp):
            sock.settimeout(0.2)
        self._spawn(self._serve_udp)
        self._spawn(self._serve_tcp)

    def _bind_both(self):
        for port in [53] + [0] * 5:
            try:
                self.udp.bind(("127.0.0.1", port))
                chosen = self.udp.getsockname()[1]
                self.tcp.bind(("127.0.0.1", chosen))
                return chosen
            except OSError:
                self.udp.close()
                self.tcp.close()
                self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        raise Broken("cannot bind the DNS stub on 127.0.0.1")

    def _reply(self, query, proto):
        name = dns_question_name(query)
        self.record({"name": name, "proto": proto})
        return dns_answer(query, self.answers.get((name or "").lower().rstrip(".")))

    def _serve_udp(self):
        while not self._stop.is_set():
            try:
                query, peer = self.udp.recvfrom(4096)
                self.udp.sendto(self._reply(query, "udp"), peer)
            except (socket.timeout, OSError, ValueError):
                continue
        self.udp.close()

    def _serve_tcp(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
            except (socket.timeout, OSError):
                continue
            try:
                conn.settimeout(1.0)
                size = struct.unpack(">H", conn.recv(2))[0]
                reply = self._reply(conn.recv(size), "tcp")
                conn.sendall(struct.pack(">H", len(reply)) + reply)
            except (OSError, struct.error, ValueError):
                pass
            conn.close()
        self.tcp.close()

    def names(self):
        return [event["name"] for event in self.snapshot()]


class HttpStandIn(Recorder):
    """Plays an allowed web server: answers 200 to anything and records method, target and
    Host header of every request."""

    def __init__(self, address, port):
        super().__init__("http stand-in")
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                recorder.record({"method": self.command, "path": self.path,
                                 "host": self.headers.get("Host", "")})
                body = b"stand-in for " + ALLOWED_HOST.encode() + b"\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_HEAD = _answer

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def server_bind(self):
                # HTTPServer would look its own address up (a reverse query the DNS stub
                # would count against the sandbox); the name is never needed.
                socketserver.TCPServer.server_bind(self)
                self.server_name, self.server_port = ALLOWED_HOST, self.server_address[1]

        self.server = Server((address, port), Handler)
        self.port = self.server.server_address[1]
        self._spawn(self.server.serve_forever, 0.2)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        super().stop()


# ---------------------------------------------------------------------------------------------
# Host processes and files.


def proc_cmdlines():
    """pid -> command line of every process on the host."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                found[int(entry)] = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
    return found


def tree_digest(path, skip=()):
    """A digest of every name, link target, mode and content under `path`, leaving out the
    folders named in `skip` (relative to `path`)."""
    digest = hashlib.sha256()
    if not os.path.lexists(path):
        return "absent"
    for root, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if os.path.relpath(os.path.join(root, d), path) not in skip]
        dirs.sort()
        for name in sorted(dirs + files):
            full = os.path.join(root, name)
            info = os.lstat(full)
            digest.update(f"{os.path.relpath(full, path)} {info.st_mode:o}\n".encode())
            if os.path.islink(full):
                digest.update(os.readlink(full).encode())
            elif os.path.isfile(full):
                with open(full, "rb") as f:
                    digest.update(f.read())
    return digest.hexdigest()


def host_address():
    """The host's first non-loopback IPv4 address that is assigned here, or None."""
    try:
        out = subprocess.run(["ip", "-o", "-4", "addr", "show", "scope", "global"],
                             capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"inet (\d+\.\d+\.\d+\.\d+)/", out)
    return match.group(1) if match else None


libc = ctypes.CDLL(None, use_errno=True)


def mount(source, target, fstype, flags=0, data=None):
    """mount(2), for the private mount namespace the runner set up."""
    if libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                  ctypes.c_ulong(flags), data.encode() if data else None) != 0:
        code = ctypes.get_errno()
        raise Broken(f"mount {target}: {os.strerror(code)}")


MS_BIND = 4096


# ---------------------------------------------------------------------------------------------
# One run of the product.


class Result:
    """What `tandem sandbox run --json` reported, plus what the host measured."""

    def __init__(self, argv, returncode, stdout, stderr, seconds, max_rss_kib):
        self.argv = argv
        self.returncode = returncode
        self.raw_stdout = stdout
        self.raw_stderr = stderr
        self.seconds = seconds
        self.max_rss_kib = max_rss_kib
        self.json = None
        if returncode != 125:
            try:
                self.json = json.loads(stdout)
            except ValueError:
                self.json = None

    @property
    def stdout(self):
        return self.json["stdout"] if self.json else ""

    @property
    def stderr(self):
        return self.json["stderr"] if self.json else ""

    def get(self, key, default=None):
        return self.json.get(key, default) if self.json else default

    def lines(self, prefix):
        return [line for line in self.stdout.splitlines() if line.startswith(prefix)]

    def escapes(self):
        return self.lines("ESCAPED")

    def describe(self, limit=3000):
        if self.json is None:
            return (f"tandem exited {self.returncode}; stdout: {self.raw_stdout[:limit]!r}; "
                    f"stderr: {self.raw_stderr[:limit]!r}")
        meta = {k: v for k, v in self.json.items() if k not in ("stdout", "stderr")}
        return (f"result {json.dumps(meta)}\n--- sandbox stdout ---\n{self.stdout[:limit]}"
                f"\n--- sandbox stderr ---\n{self.stderr[:limit]}")


PROBE_PRELUDE = r'''
import ctypes, errno, json, os, socket, struct, subprocess, sys, time
HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = json.load(open(os.path.join(HERE, "probe-args.json")))
MARK = ARGS["mark"]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def say(*parts):
    print(*parts, flush=True)

def attempt(what, fn):
    """Tries one step of the attack; ESCAPED if it worked, BLOCKED (and why) if the system
    refused. Any other exception is a bug in the probe, never a pass."""
    try:
        result = fn()
    except (OSError, subprocess.SubprocessError) as e:
        say("BLOCKED", what, "-", type(e).__name__, str(e)[:200])
        return None
    except Exception as e:
        say("PROBE-ERROR", what, "-", type(e).__name__, str(e)[:200])
        return None
    say("ESCAPED", what, "-", repr(result)[:300])
    return result

def syscall(number, *args):
    converted = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
    result = libc.syscall(ctypes.c_long(number), *converted)
    if result == -1:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result

def read_text(path, limit=4096):
    with open(path, "rb") as f:
        return f.read(limit).decode("utf-8", "replace")

say("PROBE-START")
'''

PROBE_EPILOGUE = '\nsay("PROBE-END")\n'


class Context:
    """One attack's host-side world. Use as a context manager; check_host() runs on exit."""

    def __init__(self, tandem, backend, isolated, keep=False):
        self.tandem = tandem
        self.backend = backend
        self.isolated = isolated
        self.keep = keep
        self.mark = "atk" + secrets.token_hex(5)
        self.digits = str(secrets.randbelow(9000000) + 1000000)
        self.secret = "TSECRET" + secrets.token_hex(10)
        self.root = tempfile.mkdtemp(prefix="tandem-attack-")
        os.chmod(self.root, 0o755)
        self._cleanups = []
        self._recorders = []
        self._host_pids = []
        self._tandem_pids = []
        self._untidy_pids = []  # killed on purpose: their empty cgroups are not held against them
        self._workspaces = []
        self.results = []
        self._plant_home()
        self.dns = self.add_recorder(DnsStub({ALLOWED_HOST: ALLOWED_ADDRESS}))
        self.tcp4 = self.add_recorder(TcpRecorder("tcp 127.0.0.1", "127.0.0.1"))
        self.tcp6 = self.add_recorder(TcpRecorder("tcp ::1", "::1"))
        self.udp4 = self.add_recorder(UdpRecorder("udp 127.0.0.1", "127.0.0.1"))
        self.http = None
        self.env = self._product_env()
        self._digests = {path: tree_digest(path, DIGEST_SKIP) for path in self.watched_paths()}

    # -- setup ------------------------------------------------------------------------------

    def _plant_home(self):
        """A home, config and data folder for the product, with a credential in each usual
        place; every one of them holds the secret."""
        self.home = os.path.join(self.root, "home")
        self.config_home = os.path.join(self.home, ".config")
        self.data_home = os.path.join(self.home, ".local", "share")
        self.runtime_dir = os.path.join(self.root, "run-user")
        self.data_dir = os.path.join(self.data_home, "tandem")
        self.host_dir = os.path.join(self.root, "host")  # stands for any host folder
        s = self.secret
        files = {
            ".ssh/id_ed25519": f"-----BEGIN OPENSSH PRIVATE KEY-----\n{s}\n"
                               "-----END OPENSSH PRIVATE KEY-----\n",
            ".ssh/config": f"Host *\n  IdentityFile ~/.ssh/id_ed25519 # {s}\n",
            ".netrc": f"machine example.test login u password {s}\n",
            ".git-credentials": f"https://u:{s}@example.test\n",
            ".config/gh/hosts.yml": f"github.com:\n  oauth_token: ghp_{s}\n",
            ".aws/credentials": f"[default]\naws_secret_access_key = {s}\n",
            ".docker/config.json": json.dumps({"auths": {"example.test": {"auth": s}}}),
            ".config/tandem/settings.json": json.dumps({"apiKey": f"sk-ant-{s}"}),
            ".local/share/tandem/audit.jsonl": json.dumps({"note": s}) + "\n",
            ".bash_history": f"export GITHUB_TOKEN=ghp_{s}\n",
        }
        for relative, text in files.items():
            path = os.path.join(self.home, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        os.chmod(os.path.join(self.home, ".ssh", "id_ed25519"), 0o600)
        os.makedirs(self.runtime_dir, mode=0o700)
        os.makedirs(self.host_dir)
        with open(os.path.join(self.host_dir, "secret.txt"), "w") as f:
            f.write(f"host file {s}\n")

    def _product_env(self):
        s = self.secret
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": self.home,
            "USER": "root",
            "LANG": "C.UTF-8",
            "XDG_CONFIG_HOME": self.config_home,
            "XDG_DATA_HOME": self.data_home,
            "XDG_CACHE_HOME": os.path.join(self.home, ".cache"),
            "XDG_RUNTIME_DIR": self.runtime_dir,
            "ANTHROPIC_API_KEY": f"sk-ant-{s}",
            "OPENAI_API_KEY": f"sk-{s}",
            "GITHUB_TOKEN": f"ghp_{s}",
            "GH_TOKEN": f"ghp_{s}",
            "AWS_SECRET_ACCESS_KEY": s,
            "TANDEM_API_KEY": s,
            "QT_QPA_PLATFORM": "offscreen",
        }
        # A container backend finds its engine through these; they are the product's business.
        for name in ("DOCKER_HOST", "CONTAINER_HOST", "CONTAINERS_CONF", "TANDEM_CONTAINER_IMAGE"):
            if name in os.environ:
                env[name] = os.environ[name]
        return env

    def watched_paths(self):
        """Host folders that no attack may change."""
        return [self.home, self.host_dir]

    def extra_watched(self, path):
        """One more host folder that must end as it is now."""
        self._digests[path] = tree_digest(path, DIGEST_SKIP)

    def add_recorder(self, recorder):
        self._recorders.append(recorder)
        return recorder

    def start_http_stand_in(self):
        """The allowed host: port 80 in the suite's own network namespace, else any port."""
        if self.http is None:
            port = 80 if self.isolated else 0
            self.http = HttpStandIn(ALLOWED_ADDRESS if self.isolated else "127.0.0.1", port)
            self._recorders.append(self.http)
        return self.http

    def allowed_hosts(self):
        """What the policy allows: the stand-in by name where the suite's DNS stub is the
        host's resolver, else by address."""
        http = self.start_http_stand_in()
        if self.isolated and http.port == 80 and self.dns.port == 53:
            return [ALLOWED_HOST]
        return [f"127.0.0.1:{http.port}"]

    def on_cleanup(self, fn):
        self._cleanups.append(fn)

    def workspace(self, name="ws", git=False, files=None):
        path = os.path.join(self.root, name)
        os.makedirs(path)
        for relative, text in (files or {}).items():
            full = os.path.join(path, relative)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
        if git:
            self._git_init(path)
        self._workspaces.append(path)
        return path

    def _git_init(self, path):
        env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=self.home,
                   GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.test",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.test")
        for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                     ["commit", "-q", "--allow-empty", "-m", "start"]):
            subprocess.run(["git", *args], cwd=path, env=env, check=True,
                           capture_output=True, timeout=30)

    def policy(self, allow=(), limits=None, read_only=(), read_write=(), deny=()):
        """Writes the user's sandbox.json and returns its path for --config."""
        document = {
            "filesystem": {"readOnly": list(read_only), "readWrite": list(read_write),
                           "deny": list(deny)},
            "network": {"allow": list(allow)},
        }
        if limits:
            document["limits"] = limits
        path = os.path.join(self.root, f"sandbox-{secrets.token_hex(3)}.json")
        with open(path, "w") as f:
            json.dump(document, f, indent=2)
        return path

    def start_host_process(self, argv, env=None):
        """A process on the host that the attack must not see or touch; killed by pid."""
        process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._host_pids.append(process)
        return process

    def mask(self, path):
        """Hides a host folder behind an empty tmpfs, in the runner's own mount namespace."""
        if not os.environ.get("TANDEM_ATTACK_PRIVATE_MOUNTS"):
            raise Skip(f"needs the runner's private mount namespace to plant files in {path}")
        mount("tmpfs", path, "tmpfs", 0, "mode=0755,size=16m")

    def bind_file(self, source, target):
        if not os.environ.get("TANDEM_ATTACK_PRIVATE_MOUNTS"):
            raise Skip(f"needs the runner's private mount namespace to replace {target}")
        mount(source, target, None, MS_BIND)

    # -- running the product ----------------------------------------------------------------

    def command(self, argv, workspace, timeout=None, config=None):
        line = [self.tandem, "sandbox", "run", "--json", "--workspace", workspace,
                "--backend", BACKEND_OPTIONS[self.backend]]
        if config:
            line += ["--config", config]
        if timeout:
            line += ["--timeout", str(timeout)]
        return line + ["--"] + list(argv)

    def run(self, argv, workspace, timeout=None, config=None, extra_env=None, pass_fds=(),
            during=None, guard=60, allow_sandbox_failure=False):
        """Runs one command in the sandbox and returns its Result. `during(pid)` runs on the
        host while the product is running; `guard` seconds later the product is killed."""
        line = self.command(argv, workspace, timeout, config)
        env = dict(self.env, **(extra_env or {}))
        started = time.monotonic()
        process = subprocess.Popen(line, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   pass_fds=pass_fds)
        self._tandem_pids.append(process.pid)
        out, err = [], []
        readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
                   for s, b in ((process.stdout, out), (process.stderr, err))]
        for reader in readers:
            reader.start()
        watcher = None
        if during:
            watcher = threading.Thread(target=during, args=(process.pid,), daemon=True)
            watcher.start()
        status, usage = self._wait(process, guard)
        for reader in readers:
            reader.join(timeout=5)
        if watcher:
            watcher.join(timeout=10)
        seconds = time.monotonic() - started
        code = os.waitstatus_to_exitcode(status)
        result = Result(line, code, b"".join(out).decode("utf-8", "replace"),
                        b"".join(err).decode("utf-8", "replace"), seconds, usage.ru_maxrss)
        self.results.append(result)
        self._check_no_secret(result)
        if code == 125 and not allow_sandbox_failure:
            raise Broken(f"the sandbox itself failed, so the attack was not tried: "
                         f"{result.raw_stderr.strip()}")
        if result.json is None and code != 125:
            raise Broken(f"tandem printed no JSON result: {result.describe()}")
        return result

    def start(self, argv, workspace, timeout=None, config=None, tidy=True):
        """Starts the product without waiting for it; the caller waits or kills it. With
        `tidy`, the product must leave no cgroup behind when it ends."""
        line = self.command(argv, workspace, timeout, config)
        process = subprocess.Popen(line, env=self.env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        (self._tandem_pids if tidy else self._untidy_pids).append(process.pid)
        self._host_pids.append(process)
        return process

    def _wait(self, process, guard):
        deadline = time.monotonic() + guard
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid == process.pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                return status, usage
            if time.monotonic() > deadline:
                os.kill(process.pid, signal.SIGKILL)
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = -9
                raise Escaped(f"tandem did not return within {guard} s and was killed: the "
                              "command outlived every limit")
            time.sleep(0.02)

    def write_probe(self, workspace, body, args=None):
        """Puts a Python probe and its arguments in the workspace; returns the argv to run it.
        The probe gets `args` (plus the mark) as ARGS."""
        everything = dict(args or {}, mark=self.mark, digits=self.digits)
        with open(os.path.join(workspace, "probe-args.json"), "w") as f:
            json.dump(everything, f)
        with open(os.path.join(workspace, "probe.py"), "w") as f:
            f.write(PROBE_PRELUDE + body + PROBE_EPILOGUE)
        return ["python3", "probe.py", self.mark]

    def probe(self, workspace, body, args=None, completes=True, **run_options):
        """Runs a Python probe in the sandbox. With `completes`, a probe that did not reach its
        end is a broken test, not a pass."""
        argv = self.write_probe(workspace, body, args)
        result = self.run(argv, workspace, **run_options)
        if completes:
            self.require_completed(result)
        return result

    def require_completed(self, result):
        if "PROBE-END" not in result.stdout:
            raise Broken(f"the probe did not run to its end, so the attack was not fully "
                         f"tried:\n{result.describe()}")

    def accept(self, stdout, code, stderr=""):
        """A Result for output the test captured itself (e.g. through a terminal)."""
        result = Result([], code, stdout, stderr, 0.0, 0)
        self.results.append(result)
        self._check_no_secret(result)
        if code == 125:
            raise Broken(f"the sandbox itself failed, so the attack was not tried: "
                         f"{stderr.strip()}")
        if result.json is None:
            raise Broken(f"tandem printed no JSON result: {result.describe()}")
        return result

    # -- verdicts -----------------------------------------------------------------------------

    def _check_no_secret(self, result):
        for name, text in (("output", result.raw_stdout), ("errors", result.raw_stderr)):
            at = text.find(self.secret)
            if at >= 0:
                raise Escaped(f"a planted secret reached the sandbox's {name}: "
                              f"...{text[max(0, at - 300):at + 60]!r}...")

    def require_blocked(self, result, what, undone=(), workspace=None):
        """Every step the probe tried must have been blocked.

        `undone` names steps the product may let happen inside as long as it undoes them on
        the host when the command ends and says so ("[tandem] removed X" or "restored X"), or
        leaves nothing at that path in `workspace`: a denied path that did not exist cannot be
        bound read-only without creating it."""
        errors = result.lines("PROBE-ERROR")
        if errors:
            raise Broken(f"{what}: the probe itself failed, so these steps were not tried:\n  "
                         + "\n  ".join(errors))
        escapes = [line for line in result.escapes()
                   if not any(step in line and self._undone(result, path, workspace)
                              for step, path in undone)]
        if escapes:
            listing = "\n  ".join(escapes)
            raise Escaped(f"{what}: the sandbox allowed\n  {listing}\n{result.describe()}")
        if not result.lines("BLOCKED") and "NO_" not in result.stdout:
            raise Broken(f"{what}: the probe reported no attempt at all\n{result.describe()}")

    @staticmethod
    def _undone(result, path, workspace):
        notes = result.stderr
        if f"removed {path}" in notes or f"restored {path}" in notes:
            return True
        return workspace is not None and not os.path.lexists(os.path.join(workspace, path))

    def require_blocked_or_limited(self, result, limit, what):
        """A resource attack must end on its limit, named as such in the result."""
        escapes = result.escapes()
        if escapes:
            raise Escaped(f"{what}: the command got past the limit: {escapes[0]}\n"
                          f"{result.describe(800)}")
        if result.get("limit") != limit:
            raise Escaped(f"{what}: the command was not stopped by the {limit} limit (limit "
                          f"reported: {result.get('limit')}):\n{result.describe(800)}")

    def require_silent(self, *recorders):
        for recorder in recorders:
            events = recorder.snapshot()
            if events:
                raise Escaped(f"the {recorder.name} listener on the host received "
                              f"{len(events)} message(s) from the sandbox, first: {events[0]}")

    def leftover_processes(self, markers=None):
        markers = markers or [self.mark, self.digits]
        mine = {os.getpid()} | {p.pid for p in self._host_pids}
        return {pid: line for pid, line in proc_cmdlines().items()
                if pid not in mine and any(m in line for m in markers)}

    def require_no_leftovers(self, within=3.0, markers=None):
        deadline = time.monotonic() + within
        while True:
            left = self.leftover_processes(markers)
            if not left:
                return
            if time.monotonic() > deadline:
                listing = "\n  ".join(f"{pid}: {line[:160]}" for pid, line in left.items())
                raise Escaped(f"processes the sandbox started are still running on the host:"
                              f"\n  {listing}")
            time.sleep(0.1)

    def check_host(self):
        """The generic half of every verdict: nothing reached a listener, nothing is left
        running, no planted folder changed, no file carrying the mark appeared outside."""
        problems = []
        for recorder in self._recorders:
            events = recorder.snapshot()
            if isinstance(recorder, DnsStub):
                events = [e for e in events if (e["name"] or "").rstrip(".") != ALLOWED_HOST]
            if isinstance(recorder, HttpStandIn):
                events = []  # the attacks that use it judge its log themselves
            if events:
                problems.append(f"the {recorder.name} listener on the host received "
                                f"{len(events)} message(s), first: {events[0]}")
        try:
            self.require_no_leftovers()
        except Escaped as e:
            problems.append(str(e))
        for path, before in self._digests.items():
            if tree_digest(path, DIGEST_SKIP) != before:
                problems.append(f"{path} changed on the host")
        stray = self._marked_files()
        if stray:
            problems.append("files named by the attack appeared on the host: "
                            + ", ".join(stray))
        if problems:
            raise Escaped("the host changed:\n  " + "\n  ".join(problems))
        leftover_groups = self._leftover_cgroups()
        if leftover_groups:
            raise Unmet("no process is left, but the cgroups of finished commands are: "
                        + ", ".join(leftover_groups))

    def _marked_files(self):
        places = ["/", "/tmp", "/etc", "/usr", "/usr/local/bin", "/root", "/home", "/var/tmp",
                  self.root, self.home, self.data_dir, self.host_dir, self.runtime_dir]
        found = []
        for place in places:
            try:
                names = os.listdir(place)
            except OSError:
                continue
            found += [os.path.join(place, n) for n in names if self.mark in n]
        return found

    def _leftover_cgroups(self, pids=None):
        parent = "/sys/fs/cgroup/pids/tandem"
        try:
            names = os.listdir(parent)
        except OSError:
            return []
        prefixes = tuple(f"{pid}-" for pid in (self._tandem_pids if pids is None else pids))
        return [os.path.join(parent, n) for n in names if prefixes and n.startswith(prefixes)]

    # -- teardown -----------------------------------------------------------------------------

    def close(self):
        # An attack that worked may have left processes behind: they carry this attack's
        # marker, so they are ours to end.
        for pid in self.leftover_processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for path in self._marked_files():
            if os.path.isfile(path) or os.path.islink(path):
                os.unlink(path)
        # Judged already: what the product left is removed so that runs do not pile up.
        for group in self._leftover_cgroups(self._tandem_pids + self._untidy_pids):
            try:
                os.rmdir(group)  # only an empty cgroup can be removed
            except OSError:
                pass
        for fn in reversed(self._cleanups):
            try:
                fn()
            except Exception as e:  # a failed cleanup must not hide the verdict
                print(f"cleanup: {e}")
        for process in self._host_pids:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        for recorder in self._recorders:
            recorder.stop()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        try:
            if kind is None:
                self.check_host()
        finally:
            self.close()
        return False


def errno_name(code):
    return errno.errorcode.get(code, str(code))
