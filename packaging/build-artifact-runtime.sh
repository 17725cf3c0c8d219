#!/usr/bin/env bash
# Builds the artifact runtime: installs the pinned npm packages of resources/artifact-runtime
# (package-lock.json, no install scripts) into OUT/npm, then bundles them into OUT/dist for the
# app to serve offline. The install is kept while the lock file is unchanged, so a rebuild only
# bundles again. Usage: build-artifact-runtime.sh OUT
set -euo pipefail
source_dir="$(cd "$(dirname "$0")/../resources/artifact-runtime" && pwd)"
out="${1:?usage: build-artifact-runtime.sh OUT}"
npm_dir="$out/npm"

mkdir -p "$npm_dir"
lock_sum=$(cat "$source_dir/package.json" "$source_dir/package-lock.json" | sha256sum |
    cut -d' ' -f1)
if [ "$(cat "$npm_dir/.installed" 2>/dev/null || true)" != "$lock_sum" ]; then
    echo "artifact runtime: installing the pinned npm packages"
    cp "$source_dir/package.json" "$source_dir/package-lock.json" "$source_dir/.npmrc" "$npm_dir/"
    (cd "$npm_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" > "$npm_dir/.installed"
fi

rm -rf "$out/dist.new"
(cd "$npm_dir" && node "$source_dir/build.mjs" "$out/dist.new")
rm -rf "$out/dist"
mv "$out/dist.new" "$out/dist"
