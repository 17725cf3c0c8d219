#!/usr/bin/env bash
# Installs what is missing, builds, and runs the benchmarks in tests/bench on a quiet machine:
#   packaging/run-bench.sh             all of them, in this order
#   packaging/run-bench.sh jsx         the JSX transforms an artifact preview could run, on the
#                                      same components
#   packaging/run-bench.sh artifact    an edit to new pixels, Tandem's way and with Babel
#                                      standalone in the page (offscreen, real Chromium)
#   packaging/run-bench.sh sandbox     a trivial command every way Tandem can run it
#   packaging/run-bench.sh ptc         tool calls from a sandboxed script to the host
#   packaging/run-bench.sh computer    one computer-use step against the reference demo's method
#                                      (its own Xvfb, no Podman)
# Each prints every variant it measured; its last line is its headline. For the sandbox's, a
# private Podman service (with the sandbox image) is started for the container variants and
# `podman run`, and stopped again by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-all}
case $which in
    all | jsx | artifact | sandbox | ptc | computer) ;;
    *) echo "usage: packaging/run-bench.sh [jsx|artifact|sandbox|ptc|computer]" >&2; exit 2 ;;
esac
wants() { [[ $which == all || $which == "$1" ]]; }

packaging/build.sh

if wants jsx; then
    node tests/bench/jsx_transforms.mjs build/artifact-runtime/npm
fi
if wants artifact; then
    QT_QPA_PLATFORM=offscreen build/bench/bench_artifact 2> build/bench-artifact.log
fi
if wants sandbox; then
    service_dir=build/bench-podman
    tests/support/podman_service.py start --dir "$service_dir" \
        --image-cache build/sandbox-image/rootfs.tar
    trap 'tests/support/podman_service.py stop --dir "$service_dir"' EXIT

    # One NAME=value a line; values may hold spaces (the store's --root and --runroot).
    while IFS='=' read -r name value; do
        export "$name=$value"
    done < "$service_dir/service.env"
    DOCKER_HOST=$TANDEM_PODMAN_SOCKET build/bench/bench_sandbox
fi
if wants ptc; then
    build/bench/bench_ptc
fi
if wants computer; then
    build/bench/bench_computer
fi
