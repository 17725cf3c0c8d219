#!/usr/bin/env bash
# Installs what is missing, builds, and runs the benchmarks in tests/bench on a quiet machine:
#   packaging/run-bench.sh            all three, the sandbox's first
#   packaging/run-bench.sh sandbox    a trivial command every way Tandem can run it
#   packaging/run-bench.sh ptc        tool calls from a sandboxed script to the host
#   packaging/run-bench.sh computer   one computer-use step against the reference demo's method
#                                     (its own Xvfb, no Podman)
# Each prints every variant it measured; its last line is its headline. For the sandbox's, a
# private Podman service (with the sandbox image) is started for the container variants and
# `podman run`, and stopped again by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-all}
case $which in
    all | sandbox | ptc | computer) ;;
    *) echo "usage: packaging/run-bench.sh [sandbox|ptc|computer]" >&2; exit 2 ;;
esac

packaging/build.sh

if [[ $which == all || $which == sandbox ]]; then
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

if [[ $which == all || $which == ptc ]]; then
    build/bench/bench_ptc
fi

if [[ $which == all || $which == computer ]]; then
    build/bench/bench_computer
fi
