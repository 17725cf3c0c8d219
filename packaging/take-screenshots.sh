#!/usr/bin/env bash
# Takes the README's screenshots of the main window, light and dark, from the real app on a
# private Xvfb: it starts build/bin/tandem with the demo model and a theme chosen in a private
# settings folder, asks for the sales dashboard, waits for it to render, and captures the
# screen. Writes resources/screenshots/mainwindow-light.png and mainwindow-dark.png.
set -euo pipefail
cd "$(dirname "$0")/.."

display=:${TANDEM_SCREENSHOT_DISPLAY:-93}
work=$(mktemp -d)
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp > /dev/null 2>&1 &
xvfb=$!
app=
cleanup() {
    [ -n "$app" ] && kill "$app" 2> /dev/null || true
    kill "$xvfb" 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export DISPLAY=$display
for _ in $(seq 50); do xdpyinfo > /dev/null 2>&1 && break; sleep 0.1; done

shoot() {
    local theme=$1
    mkdir -p "$work/$theme/config/tandem"
    printf '[appearance]\ntheme=%s\n' "$theme" > "$work/$theme/config/tandem/Tandem.conf"
    XDG_CONFIG_HOME="$work/$theme/config" XDG_DATA_HOME="$work/$theme/data" \
        GTK_THEME= build/bin/tandem > "$work/$theme.log" 2>&1 &
    app=$!

    local window=
    for _ in $(seq 150); do
        window=$(xdotool search --onlyvisible --name '^Tandem$' 2> /dev/null | head -1) || true
        [ -n "$window" ] && break
        sleep 0.2
    done
    [ -n "$window" ] || { cat "$work/$theme.log"; echo "no Tandem window" >&2; exit 1; }
    xdotool windowmove "$window" 0 0 windowsize "$window" 1440 900
    sleep 2
    # The prompt has the focus after Ctrl+K; Enter sends.
    xdotool mousemove 300 400
    xdotool windowfocus --sync "$window"
    xdotool key ctrl+k
    xdotool type --delay 20 "Build a sales dashboard"
    xdotool key Return
    sleep 12
    import -window root "resources/screenshots/mainwindow-$theme.png"
    kill "$app"
    wait "$app" 2> /dev/null || true
    app=
}

shoot light
shoot dark
echo "take-screenshots: resources/screenshots/mainwindow-light.png and mainwindow-dark.png"
