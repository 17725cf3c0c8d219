#!/usr/bin/env bash
# Installs what is missing and builds Tandem into build/. Extra arguments go to cmake's
# configure step.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > build-configure.log ||
    { cat build-configure.log; exit 1; }
rm -f build-configure.log
cmake --build build
