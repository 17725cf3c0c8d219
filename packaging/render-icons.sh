#!/usr/bin/env bash
# Renders Tandem's icon (resources/icons/dev.tandem.Tandem.svg) into the PNG sizes the desktop
# looks for. The PNGs are committed, so a build needs no SVG renderer; run this after changing
# the SVG.
set -euo pipefail
cd "$(dirname "$0")/../resources/icons"

for size in 16 24 32 48 64 128 256 512; do
    rsvg-convert -w "$size" -h "$size" dev.tandem.Tandem.svg -o "dev.tandem.Tandem-$size.png"
done
echo "render-icons: $(ls dev.tandem.Tandem-*.png | wc -l) sizes written"
