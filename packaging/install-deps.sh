#!/usr/bin/env bash
# Installs every Debian package Tandem's build, app and tests need. Safe to run again: it only
# asks apt for what is missing.
set -euo pipefail

packages=(
    # build
    build-essential cmake ninja-build pkg-config git clang-format
    qt6-base-dev qt6-base-dev-tools qt6-webengine-dev qt6-webengine-dev-tools
    qt6-webchannel-dev libqscintilla2-qt6-dev libcurl4-openssl-dev nlohmann-json3-dev
    libopencv-dev libgit2-dev libxtst-dev libx11-dev libseccomp-dev libqt6sql6-sqlite
    libgl-dev libxkbcommon-dev libxrandr-dev libxext-dev zlib1g-dev
    # the API key in the desktop keyring (Secret Service, through QtKeychain)
    qtkeychain-qt6-dev
    # run: the bubblewrap backend, and the container backend's local engine (Podman with runc,
    # since crun cannot run with the hybrid cgroups these machines have)
    bubblewrap python3 ca-certificates podman runc conmon
    # the sandbox image copies these from the host (packaging/build-sandbox-image.sh); node also
    # bundles the artifact runtime at build time (packaging/build-artifact-runtime.sh)
    nodejs git
    # tests: a display, screenshots, the git server behind the push tests
    xvfb xauth imagemagick x11-utils curl poppler-utils
    # computer-use tests and benchmark: layouts, key state, and the reference method's tools
    x11-xkb-utils x11-xserver-utils xdotool scrot
    # the end-to-end test on a real VS Code: code-server (packaging/install-code-server.sh)
    # builds a native module against Kerberos, needs ripgrep, and is shown by chromium; the
    # scripted model finds its targets in the screenshots with OpenCV and Tesseract
    chromium libkrb5-dev ripgrep iproute2 python3-opencv tesseract-ocr
    # packaging: the .deb (cpack with dpkg-shlibdeps), its metadata checks, the icon's PNG
    # sizes, and the clean Debian root the package test installs it into
    dpkg-dev appstream desktop-file-utils librsvg2-bin debootstrap
    # the keyring test: a Secret Service in a private D-Bus session
    dbus-daemon gnome-keyring
)

# npm installs the artifact runtime's pinned packages at build time. A Node.js from elsewhere
# brings its own npm, which Debian's package would conflict with.
command -v npm > /dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done

install_packages() {
    if [ ${#missing[@]} -eq 0 ]; then
        echo "install-deps: all ${#packages[@]} packages present"
        return
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-deps: missing ${missing[*]}; run this script as root (or with sudo)" >&2
        exit 1
    fi

    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_packages

# code-server for the end-to-end test on a real VS Code, cached outside the source tree.
"$(dirname "$0")/install-code-server.sh" > /dev/null
