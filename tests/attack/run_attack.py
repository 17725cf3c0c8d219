#!/usr/bin/python3
"""Runs one attack on Tandem's sandbox, or lists them.

    run_attack.py --tandem build/bin/tandem --backend bwrap tiocsti
    run_attack.py --list [--backend container]

Each attack runs in a mount namespace of its own (so that it can plant files over /root, /home
and /etc/resolv.conf without touching the machine's; the resolver there is the suite's DNS stub
on 127.0.0.1). Against bubblewrap it runs in a network namespace of its own too: only loopback
exists there, the DNS stub and the allowed host's stand-in can take ports 53 and 80, and
nothing any attack sends can leave the machine, even with a protection removed. Against the
container backend it stays in the host's network namespace (--host-network), where the
engine's containers are, so that the listeners are where a leak would arrive.

Exit status: 0 the attack failed (good), 1 it worked or left the host changed, 77 it does not
apply here (CTest's skip), 2 the test itself broke.
"""

import argparse
import os
import subprocess
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import attacks  # noqa: E402  (after the path is set)
import harness  # noqa: E402

ISOLATED_FLAG = "TANDEM_ATTACK_ISOLATED"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tandem", help="the tandem binary")
    parser.add_argument("--backend", default="bwrap", choices=sorted(harness.BACKEND_OPTIONS))
    parser.add_argument("--list", action="store_true", help="print the attacks' names")
    parser.add_argument("--timeouts", action="store_true",
                        help="with --list: each name followed by its CTest timeout")
    parser.add_argument("--describe", action="store_true",
                        help="print name, technique and protection of every attack")
    parser.add_argument("--host-network", action="store_true",
                        help="stay in the host's network namespace (the default for the "
                             "container backend)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("name", nargs="?")
    return parser.parse_args()


def reexec_isolated(arguments):
    """Starts this script again inside new namespaces and returns its exit status."""
    unshare = ["unshare", "--mount", "--propagation", "private"]
    if not arguments.host_network:
        unshare.append("--net")
    env = dict(os.environ, **{ISOLATED_FLAG: "1", "TANDEM_ATTACK_PRIVATE_MOUNTS": "1"})
    address = harness.host_address()
    if address:
        env["TANDEM_ATTACK_HOST_ADDRESS"] = address
    command = unshare + [sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    return subprocess.call(command, env=env)


def prepare_namespaces(arguments):
    """Inside the new namespaces: bring loopback up, give it the host's own address too, and
    make the DNS stub the resolver of everything that runs here, the product included."""
    if not arguments.host_network:
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        address = os.environ.get("TANDEM_ATTACK_HOST_ADDRESS")
        if address:
            subprocess.run(["ip", "addr", "add", f"{address}/32", "dev", "lo"], check=True)
        subprocess.run(["ip", "addr", "add", f"{harness.ALLOWED_ADDRESS}/32", "dev", "lo"],
                       check=True)
    resolv = os.path.join("/run", f"tandem-attack-resolv-{os.getpid()}.conf")
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    try:
        harness.mount(resolv, "/etc/resolv.conf", None, harness.MS_BIND)
    finally:
        os.unlink(resolv)


def use_test_engine():
    """The container backend talks to the Podman service the test fixture started (its folder
    in TANDEM_PODMAN_DIR), unless DOCKER_HOST already names an engine."""
    folder = os.environ.get("TANDEM_PODMAN_DIR")
    if os.environ.get("DOCKER_HOST") or not folder:
        return
    with open(os.path.join(folder, "service.env")) as env:
        for line in env:
            name, _, value = line.strip().partition("=")
            if name == "TANDEM_PODMAN_SOCKET":
                os.environ["DOCKER_HOST"] = value


def main():
    arguments = parse_arguments()
    if arguments.list or arguments.describe:
        for attack in attacks.for_backend(arguments.backend):
            if arguments.describe:
                print(f"{attack.name}\t{attack.technique}\t{attack.protection}")
            elif arguments.timeouts:
                print(f"{attack.name} {attack.timeout}")
            else:
                print(attack.name)
        return 0

    if not arguments.name or not arguments.tandem:
        print("run_attack.py: give --tandem PATH and an attack name (or --list)")
        return 2
    attack = attacks.ATTACKS.get(arguments.name)
    if attack is None:
        print(f"run_attack.py: no attack named {arguments.name}; see --list")
        return 2
    if arguments.backend not in attack.backends:
        print(f"SKIP: {attack.name} does not apply to the {arguments.backend} backend")
        return harness.SKIP_CODE

    if arguments.backend == "container":
        arguments.host_network = True
        use_test_engine()
    if os.environ.get(ISOLATED_FLAG) != "1":
        if os.geteuid() != 0:
            print("run_attack.py: needs root (namespaces, mounts and the pids cgroup)")
            return 2
        return reexec_isolated(arguments)
    prepare_namespaces(arguments)
    return run(attack, arguments)


def run(attack, arguments):
    print(f"attack {attack.name} on {arguments.backend}: {attack.technique}")
    print(f"protection expected: {attack.protection}")
    tandem = os.path.abspath(arguments.tandem)
    try:
        with harness.Context(tandem, arguments.backend, not arguments.host_network,
                             arguments.keep) as context:
            attack.function(context)
    except harness.Skip as why:
        print(f"SKIP: {why}")
        return harness.SKIP_CODE
    except harness.Escaped as what:
        print(f"FAIL: the attack worked.\n{what}")
        return 1
    except harness.Unmet as what:
        print(f"FAIL: the sandbox does not do what issue 3 demands.\n{what}")
        return 1
    except harness.Broken as what:
        print(f"BROKEN: {what}")
        return 2
    except Exception:
        traceback.print_exc()
        return 2
    print("PASS: the attack failed and the host is unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
