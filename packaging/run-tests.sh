#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, checks formatting, and runs every
# test: unit, sandbox, gui (offscreen WebEngine) and the end-to-end fix-a-bug flow.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/build.sh -DTANDEM_WERROR=ON
packaging/check-format.sh
ctest --test-dir build --output-on-failure --parallel 2
