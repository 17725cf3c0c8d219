#!/usr/bin/env bash
# Fails when a C++ file differs from what clang-format makes of it (.clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."

bad=()
while IFS= read -r file; do
    clang-format --dry-run --Werror "$file" > /dev/null 2>&1 || bad+=("$file")
done < <(git ls-files '*.cpp' '*.h')

if [ ${#bad[@]} -gt 0 ]; then
    echo "check-format: these files need clang-format -i:" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi
echo "check-format: all files formatted"
