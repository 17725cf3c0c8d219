#!/usr/bin/env bash
# Installs what is missing, builds, and runs the benchmarks in tests/bench on a quiet machine.
# `run-bench.sh computer` runs only the computer-use step benchmark (its own Xvfb, no Podman).
# The sandbox benchmark measures a trivial command every way Tandem can run it, side by side:
# a private Podman service (with the sandbox image) is started for the container variants and
# `podman run`, and stopped again by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/build.sh
if [ "${1:-}" = computer ]; then
    exec build/bench/bench_computer
fi
build/bench/bench_computer

service_dir=build/bench-podman
tests/support/podman_service.py start --dir "$service_dir" \
    --image-cache build/sandbox-image/rootfs.tar
trap 'tests/support/podman_service.py stop --dir "$service_dir"' EXIT

# One NAME=value a line; values may hold spaces (the store's --root and --runroot).
while IFS='=' read -r name value; do
    export "$name=$value"
done < "$service_dir/service.env"
DOCKER_HOST=$TANDEM_PODMAN_SOCKET build/bench/bench_sandbox
