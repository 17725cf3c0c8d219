#!/usr/bin/python3
"""Makes resources/screenshots/computermonitor-vscode.png: Tandem's window with the
computer-use monitor pane, during the same VS Code run as test_vscode.py.

The X screen is two RandR monitors side by side: VS Code on the left one, Tandem's window on
the right one, so the computer tool works on the left monitor only. The task is typed into
Tandem's prompt like a user would; the picture is taken once the file is fixed on disk.

  TANDEM_BIN=build/bin/tandem TANDEM_MODEL_SERVER_BIN=build/bin/tandem-model-server \\
      /usr/bin/python3 tests/computer/capture_vscode_monitor.py OUTPUT.png
"""

import os
import subprocess
import sys
import time
import unittest

import test_vscode

OUTPUT = sys.argv.pop(1) if len(sys.argv) > 1 else "computermonitor-vscode.png"
TASK = "In VS Code, fix the greeting on line 7 of greeting.py and save the file"


class CaptureMonitor(test_vscode.FixInVsCode):
    screen = (3200, 900)
    browser = (1600, 900)

    def x(self, *command):
        return subprocess.run(list(command), env=dict(os.environ, DISPLAY=self.display),
                              check=True, capture_output=True, text=True, timeout=30).stdout

    def test_fixes_the_greeting_and_saves(self):
        self.x("xrandr", "--setmonitor", "vscode", "1600/0x900/0+0+0", "none")
        self.x("xrandr", "--setmonitor", "tandem", "1600/0x900/0+1600+0", "none")
        env = dict(self.environment(), TANDEM_MODEL_SERVER=os.environ["TANDEM_MODEL_SERVER_BIN"],
                   QT_QPA_PLATFORM="xcb")
        tandem = subprocess.Popen([os.environ["TANDEM_BIN"], "--repo", self.project, "--model",
                                   "scripted:" + os.path.join(test_vscode.HERE,
                                                              "fix_in_vscode.json"),
                                   "--computer-window", "code-server"], env=env)
        self.addCleanup(self.stop, tandem)

        window = self.wait_for_window("Tandem")
        self.x("xdotool", "windowmove", window, "1600", "0")
        self.x("xdotool", "windowsize", window, "1600", "900")
        time.sleep(1)
        self.x("xdotool", "mousemove", "1780", "810", "click", "1")
        self.x("xdotool", "type", "--delay", "20", TASK)
        self.x("xdotool", "key", "Return")

        deadline = time.monotonic() + 150
        path = os.path.join(self.project, "greeting.py")
        while time.monotonic() < deadline and "Hello" not in open(path).read():
            time.sleep(0.5)
        if "Hello" not in open(path).read():
            self.x("import", "-window", "root", OUTPUT + ".failed.png")
            self.fail("the greeting was not fixed; the screen is in " + OUTPUT + ".failed.png")
        time.sleep(2)
        self.x("import", "-window", window, OUTPUT)

    def wait_for_window(self, name):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^" + name],
                                   env=dict(os.environ, DISPLAY=self.display),
                                   capture_output=True, text=True).stdout.split()
            if found:
                return found[0]
            time.sleep(0.5)
        self.fail("Tandem's window did not appear")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "CaptureMonitor"])
