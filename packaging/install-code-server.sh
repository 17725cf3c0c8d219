#!/usr/bin/env bash
# Installs code-server (VS Code served over HTTP) for the end-to-end computer-use test, into a
# cache folder outside the source tree. Safe to run again: an install that finished is kept.
#
#   packaging/install-code-server.sh [DIR]     prints the path of the code-server executable
#
# DIR defaults to $TANDEM_CACHE_DIR/code-server, where TANDEM_CACHE_DIR is /var/cache/tandem
# for root and ~/.cache/tandem for anyone else. Needs Debian's nodejs, npm, libkrb5-dev and
# ripgrep (packaging/install-deps.sh).
set -euo pipefail

version=4.100.3 # the newest code-server that declares the Node.js 20 Debian 12 ships
ripgrep_tag=v13.0.0-10
ripgrep_cache=vscode-ripgrep-cache-1.15.11

default_cache=/var/cache/tandem
[ "$(id -u)" -eq 0 ] || default_cache="${XDG_CACHE_HOME:-$HOME/.cache}/tandem"
dir="${1:-${TANDEM_CACHE_DIR:-$default_cache}/code-server}"
binary="$dir/node_modules/.bin/code-server"
stamp="$dir/installed-$version"

if [ -f "$stamp" ] && [ -x "$binary" ]; then
    echo "$binary"
    exit 0
fi

for tool in node npm rg; do
    command -v "$tool" > /dev/null || {
        echo "install-code-server: $tool is missing; run packaging/install-deps.sh" >&2
        exit 1
    }
done

mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The ripgrep dependency downloads a prebuilt rg in its postinstall step unless its download
# cache already holds the archive; Debian's rg serves as well and needs no other host.
mkdir -p "$work/$ripgrep_cache"
cp "$(command -v rg)" "$work/rg"
archive="ripgrep-$ripgrep_tag-x86_64-unknown-linux-musl.tar.gz"
tar -C "$work" -czf "$work/$ripgrep_cache/$archive" rg

# A local install (a global one breaks in code-server's postinstall); node-gyp builds the
# native modules against Debian's Node.js headers instead of downloading them. node-pty's own
# install step fetches node-gyp with npx, which would otherwise stop to ask.
cd "$dir"
[ -f package.json ] || echo '{"name": "tandem-code-server", "private": true}' > package.json
echo "install-code-server: installing code-server $version into $dir" >&2
TMPDIR="$work" npm_config_nodedir=/usr npm_config_yes=true \
    npm install --unsafe-perm --no-audit --no-fund --loglevel=error "code-server@$version" >&2

[ -x "$binary" ] || {
    echo "install-code-server: npm finished but $binary is missing" >&2
    exit 1
}
touch "$stamp"
echo "$binary"
