#!/usr/bin/env bash
# Installs what is missing, builds, and opens the Tandem window on its defaults: the bundled
# demo repository, the bubblewrap sandbox, and the scripted demo model unless
# ANTHROPIC_API_KEY is set. Arguments go to tandem (see build/bin/tandem --help).
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/build.sh
exec build/bin/tandem "$@"
