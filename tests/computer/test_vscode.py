#!/usr/bin/python3
"""Computer use on a real VS Code: code-server shown by chromium in app mode on a private Xvfb
with no window manager, both inside a network namespace that has only loopback. The folder
holds greeting.py, whose line 7 says Goodbye where it should say Hello. `tandem run` gets the
task and the computer tool confined to the browser's window; the scripted model decides every
step from the screenshots Tandem sends (look/vscode_look.py: OpenCV and Tesseract). The test
checks the file on disk and prints how long it took.

Needs TANDEM_BIN and TANDEM_MODEL_SERVER_BIN (CTest sets them); code-server comes from
packaging/install-code-server.sh, which keeps it in a cache outside the source tree.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "look"))

from screenlook import Look  # noqa: E402

SCREEN = (1600, 900)
GREETING = '''"""Greets people by name."""


def greet(name):
    if not name:
        name = "world"
    return "Goodbye, " + name + "!"


if __name__ == "__main__":
    print(greet("Dana"))
'''

# Runs inside the namespace: loopback up, code-server, and chromium once code-server answers.
LAUNCH = r'''
ip link set lo up
"$CODE_SERVER" --auth none --disable-telemetry --disable-update-check \
    --disable-workspace-trust --bind-addr 127.0.0.1:8765 --user-data-dir "$ROOT/vscode-data" \
    --extensions-dir "$ROOT/vscode-extensions" "$PROJECT" > "$ROOT/code-server.log" 2>&1 &
for i in $(seq 1 300); do
    curl -sf http://127.0.0.1:8765/healthz > /dev/null && break
    sleep 0.1
done
exec chromium --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --password-store=basic --no-default-browser-check --window-position=0,0 \
    --window-size=$WIDTH,$HEIGHT --user-data-dir="$ROOT/chromium" \
    --app="http://127.0.0.1:8765/?folder=$PROJECT" > "$ROOT/chromium.log" 2>&1
'''


class FixInVsCode(unittest.TestCase):
    # The X screen, and the browser's window at its top left.
    screen = SCREEN
    browser = SCREEN

    def setUp(self):
        self.started = time.monotonic()
        self.code_server = self.install_code_server()
        self.root = tempfile.mkdtemp(prefix="tandem-vscode-")
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.home = os.path.join(self.root, "home")
        for folder in ("home", "tmp", "config", "data", "cache", "project"):
            os.makedirs(os.path.join(self.root, folder))
        self.project = os.path.join(self.root, "project")
        self.write_project()
        self.write_user_settings()
        self.display = self.start_xvfb()
        self.start_vscode()
        self.wait_for_explorer()
        self.ready_after = time.monotonic() - self.started

    def install_code_server(self):
        # Normally a no-op: packaging/install-deps.sh has put it into the cache already.
        run = subprocess.run([os.path.join(SOURCE, "packaging", "install-code-server.sh")],
                             capture_output=True, text=True, timeout=900)
        self.assertEqual(run.returncode, 0, "code-server is not installed: " + run.stderr[-500:])
        return run.stdout.strip().splitlines()[-1]

    def write_project(self):
        with open(os.path.join(self.project, "greeting.py"), "w") as f:
            f.write(GREETING)
        with open(os.path.join(self.home, ".gitconfig"), "w") as f:
            f.write("[user]\n\tname = Dana Developer\n\temail = dana@example.test\n")
        env = self.environment()
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "Start"]):
            subprocess.run(["git", *args], cwd=self.project, env=env, check=True, timeout=30)

    def write_user_settings(self):
        # The browser build saves a second after typing unless told not to: the save must be
        # the model's own ctrl+s.
        user = os.path.join(self.root, "vscode-data", "User")
        os.makedirs(user)
        with open(os.path.join(user, "settings.json"), "w") as f:
            f.write('{"files.autoSave": "off", "workbench.startupEditor": "none",\n'
                    ' "security.workspace.trust.enabled": false,\n'
                    ' "workbench.tips.enabled": false, "telemetry.telemetryLevel": "off"}\n')

    def environment(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "XDG_"))}
        env.update(HOME=self.home, TMPDIR=os.path.join(self.root, "tmp"),
                   XDG_CONFIG_HOME=os.path.join(self.root, "config"),
                   XDG_DATA_HOME=os.path.join(self.root, "data"),
                   XDG_CACHE_HOME=os.path.join(self.root, "cache"), GIT_CONFIG_NOSYSTEM="1")
        if hasattr(self, "display"):
            env["DISPLAY"] = self.display
        env.pop("ANTHROPIC_API_KEY", None)
        return env

    def start_xvfb(self):
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0",
                                 "%dx%dx24" % self.screen, "-nolisten", "tcp", "-noreset"],
                                stdout=subprocess.PIPE)
        self.addCleanup(self.stop, xvfb)
        number = xvfb.stdout.readline().decode().strip()
        self.assertTrue(number, "Xvfb did not start")
        return ":" + number

    def start_vscode(self):
        env = self.environment()
        env.update(CODE_SERVER=self.code_server, ROOT=self.root, PROJECT=self.project,
                   WIDTH=str(self.browser[0]), HEIGHT=str(self.browser[1]))
        # unshare --net: a namespace whose only interface is loopback, so neither program can
        # reach past the machine. Its own process group lets the clean-up end all of it.
        vscode = subprocess.Popen(["unshare", "--net", "--", "/bin/sh", "-c", LAUNCH], env=env,
                                  start_new_session=True)
        self.addCleanup(self.stop_group, vscode)

    def screenshot(self, path):
        subprocess.run(["import", "-display", self.display, "-window", "root", path],
                       check=True, timeout=30, capture_output=True)

    def wait_for_explorer(self):
        """Until the workbench lists greeting.py: code-server and chromium take a few seconds."""
        shot = os.path.join(self.root, "ready.png")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            self.screenshot(shot)
            look = Look(["ready", "--screenshot", shot, "--display", "%dx%d" % self.screen])
            if look.find_word("greeting.py", (0, 0, self.browser[0] // 4, self.browser[1])):
                time.sleep(1)  # the workbench restores its layout just after it appears
                return
            time.sleep(1)
        self.fail("VS Code did not show the project within 120 s; see " + self.root)

    @staticmethod
    def stop(process):
        process.kill()  # by its own pid
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()

    @staticmethod
    def stop_group(process):
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the group this test started
        except ProcessLookupError:
            pass
        process.wait(timeout=10)

    def test_fixes_the_greeting_and_saves(self):
        run = subprocess.run([os.environ["TANDEM_BIN"], "run", "--repo", self.project,
                              "--task", "In VS Code, fix the greeting on line 7 of greeting.py "
                              "and save the file", "--model",
                              "scripted:" + os.path.join(HERE, "fix_in_vscode.json"),
                              "--computer-window", "code-server"],
                             env=dict(self.environment(),
                                      TANDEM_MODEL_SERVER=os.environ["TANDEM_MODEL_SERVER_BIN"]),
                             capture_output=True, text=True, timeout=150)
        elapsed = time.monotonic() - self.started
        print("\nVS Code test: ready after %.1f s, finished after %.1f s"
              % (self.ready_after, elapsed), file=sys.stderr)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

        with open(os.path.join(self.project, "greeting.py")) as f:
            fixed = f.read()
        self.assertEqual(fixed, GREETING.replace("Goodbye", "Hello"))
        self.assertLess(elapsed, 240)


if __name__ == "__main__":
    unittest.main()
