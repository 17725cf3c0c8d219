#!/usr/bin/env bash
# Installs what is missing, builds, and runs the benchmarks in tests/bench on a quiet machine.
# The JSX benchmark compares the transforms an artifact preview could run in the page, on the
# same components; the artifact benchmark times an edit to new pixels, Tandem's way and with
# Babel standalone in the page (offscreen, real Chromium). The sandbox benchmark measures a trivial command every way Tandem can run
# it, side by side: a private Podman service (with the sandbox image) is started for the
# container variants and `podman run`, and stopped again by its pid.
# Usage: run-bench.sh [jsx|artifact|sandbox]   (all three when no argument is given)
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}

packaging/build.sh
if [ "$which" = all ] || [ "$which" = jsx ]; then
    node tests/bench/jsx_transforms.mjs build/artifact-runtime/npm
fi
if [ "$which" = all ] || [ "$which" = artifact ]; then
    QT_QPA_PLATFORM=offscreen build/bench/bench_artifact 2> build/bench-artifact.log
fi
[ "$which" = all ] || [ "$which" = sandbox ] || exit 0

service_dir=build/bench-podman
tests/support/podman_service.py start --dir "$service_dir" \
    --image-cache build/sandbox-image/rootfs.tar
trap 'tests/support/podman_service.py stop --dir "$service_dir"' EXIT

# One NAME=value a line; values may hold spaces (the store's --root and --runroot).
while IFS='=' read -r name value; do
    export "$name=$value"
done < "$service_dir/service.env"
DOCKER_HOST=$TANDEM_PODMAN_SOCKET build/bench/bench_sandbox
