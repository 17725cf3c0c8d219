#!/usr/bin/env python3
"""Installs Tandem's .deb into a clean Debian 12 root and starts `tandem --version` there.

The root is a debootstrap minbase of bookworm, made once and kept as a tarball in the cache
folder (TANDEM_PACKAGE_CACHE, default /var/cache/tandem/package-test) with the .deb files apt
fetched, so later runs fetch only the package lists. apt inside the root resolves the
package's dependencies from the same Debian mirror the machine's apt uses. Commands run in
the root through bubblewrap, whose mount namespace leaves nothing mounted behind.
Needs root. Environment: TANDEM_DEB (the package).
"""

import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUITE = "bookworm"
CACHE = Path(os.environ.get("TANDEM_PACKAGE_CACHE", "/var/cache/tandem/package-test"))
BASE_TARBALL = CACHE / f"{SUITE}-minbase.tar"
ARCHIVES = CACHE / "archives"


def log(message):
    print(f"[package {time.strftime('%H:%M:%S')}] {message}", flush=True)


def host_mirror():
    """The first Debian mirror of the host's apt sources (deb822 or one-line format)."""
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for source in sources:
        if not source.is_file():
            continue
        text = source.read_text()
        for match in re.finditer(r"^URIs:\s*(\S+)|^deb\s+(?:\[[^]]*\]\s+)?(\S+)", text, re.M):
            uri = match.group(1) or match.group(2)
            if "security" not in uri:
                return uri
    sys.exit("package test: no Debian mirror in the host's apt sources")


def make_base_root(mirror):
    """debootstrap once; later runs unpack the tarball (seconds instead of a minute)."""
    if BASE_TARBALL.exists():
        return
    log(f"debootstrap --variant=minbase {SUITE} from {mirror} (once; cached afterwards)")
    with tempfile.TemporaryDirectory(dir=CACHE) as work:
        root = Path(work) / "root"
        subprocess.run(["debootstrap", "--variant=minbase", SUITE, str(root), mirror],
                       check=True, stdout=subprocess.DEVNULL)
        partial = BASE_TARBALL.with_suffix(".tar.partial")
        subprocess.run(["tar", "-C", str(root), "-cf", str(partial), "."], check=True)
        partial.rename(BASE_TARBALL)


def copy_apt_setup(root):
    """The host's sources and the settings that say how to fetch from them, nothing else
    (not, for example, a hook that empties the download cache)."""
    apt = root / "etc/apt"
    (apt / "sources.list").unlink(missing_ok=True)
    shutil.rmtree(apt / "sources.list.d", ignore_errors=True)
    (apt / "sources.list.d").mkdir()
    if Path("/etc/apt/sources.list").is_file():
        shutil.copy("/etc/apt/sources.list", apt / "sources.list")
    for source in Path("/etc/apt/sources.list.d").glob("*"):
        shutil.copy(source, apt / "sources.list.d" / source.name)
    for setting in Path("/etc/apt/apt.conf.d").glob("*"):
        if setting.is_file() and "Acquire::" in setting.read_text(errors="replace"):
            shutil.copy(setting, apt / "apt.conf.d" / setting.name)


def in_root(root, command, check=True, capture=False):
    """Runs a command as root inside the root: its own mounts, the host's network (for the
    mirror), the cache of fetched packages bound in."""
    argv = ["bwrap", "--bind", str(root), "/", "--proc", "/proc", "--dev", "/dev",
            "--ro-bind", "/etc/resolv.conf", "/etc/resolv.conf",
            "--bind", str(ARCHIVES), "/var/cache/apt/archives",
            "--setenv", "DEBIAN_FRONTEND", "noninteractive",
            "--setenv", "PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
            "--unsetenv", "LD_LIBRARY_PATH", "--"] + command
    return subprocess.run(argv, check=check, text=True,
                          stdout=subprocess.PIPE if capture else None,
                          stderr=subprocess.STDOUT if capture else None)


def expect(condition, message):
    assert condition, f"package test: {message}"


def check_installed(root):
    version = in_root(root, ["tandem", "--version"], check=False, capture=True)
    log(f"tandem --version: {version.stdout.strip()!r} (exit {version.returncode})")
    expect(version.returncode == 0 and re.fullmatch(r"tandem \d+\.\d+\.\d+\s*", version.stdout),
           f"tandem --version failed in the clean root: {version.stdout}")

    # What the app looks for next to its binary at run time, in the installed layout.
    for path in ["usr/libexec/tandem/tandem-sandbox-init", "usr/bin/tandem-model-server",
                 "usr/share/tandem/artifact-runtime/react.js",
                 "usr/share/tandem/artifact-runtime/react-artifact.js",
                 "usr/share/applications/dev.tandem.Tandem.desktop",
                 "usr/share/metainfo/dev.tandem.Tandem.metainfo.xml",
                 "usr/share/icons/hicolor/scalable/apps/dev.tandem.Tandem.svg",
                 "usr/share/icons/hicolor/256x256/apps/dev.tandem.Tandem.png",
                 "usr/share/doc/tandem/copyright"]:
        expect((root / path).is_file(), f"/{path} is not installed")

    # The runtime programs Tandem starts came in as dependencies.
    for program in ["bwrap", "git", "python3"]:
        found = in_root(root, ["sh", "-c", f"command -v {program}"], check=False, capture=True)
        expect(found.returncode == 0, f"{program} was not installed with the package")

    audit = in_root(root, ["tandem", "audit", "verify", "/nonexistent.jsonl"], check=False,
                    capture=True)
    expect(audit.returncode == 3, f"tandem audit verify in the root: {audit.stdout}")


def main():
    deb = Path(os.environ["TANDEM_DEB"]).resolve()
    expect(deb.is_file(), f"no package at {deb}: run cpack first")
    expect(os.geteuid() == 0, "needs root (debootstrap and dpkg)")
    started = time.monotonic()
    CACHE.mkdir(parents=True, exist_ok=True)
    ARCHIVES.mkdir(exist_ok=True)
    (ARCHIVES / "partial").mkdir(exist_ok=True)

    # Two runs at once would share the cache: one at a time.
    with open(CACHE / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        make_base_root(host_mirror())
        with tempfile.TemporaryDirectory(dir=CACHE, prefix="root-") as work:
            root = Path(work)
            subprocess.run(["tar", "-C", str(root), "-xf", str(BASE_TARBALL)], check=True)
            copy_apt_setup(root)
            shutil.copy(deb, root / "tmp/tandem.deb")
            log(f"clean root ready after {time.monotonic() - started:.0f} s")

            quiet = ["-q", "-o", "APT::Sandbox::User=root"]
            in_root(root, ["apt-get", *quiet, "update"], capture=True)
            installed = in_root(root, ["apt-get", *quiet, "install", "-y",
                                       "--no-install-recommends", "/tmp/tandem.deb"],
                                check=False, capture=True)
            tail = "\n".join(installed.stdout.splitlines()[-15:])
            expect(installed.returncode == 0, f"apt-get install ./tandem.deb failed:\n{tail}")
            newly = re.search(r"(\d+) newly installed", installed.stdout)
            log(f"installed tandem and {int(newly.group(1)) - 1 if newly else '?'} dependencies")
            check_installed(root)

    log(f"package {deb.name} ({deb.stat().st_size / 1e6:.1f} MB) installs and starts in a clean "
        f"Debian 12 root; {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
