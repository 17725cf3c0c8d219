#!/usr/bin/python3
"""`tandem run --computer-window`: the computer tool wired into the agent's tool registry.

A private Xvfb with the probe window, its red square at a place drawn anew for each run; the
scripted model takes a screenshot, finds the square on it (OpenCV) and clicks it, then finds
the window and tries a click beside it, which must be refused. Checks the clicks the
probe really received and the audit log. Needs TANDEM_BIN, TANDEM_MODEL_SERVER_BIN and
PROBE_WINDOW_BIN in the environment (CTest sets them).
"""

import json
import os
import random
import shutil
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TANDEM = os.environ["TANDEM_BIN"]


class RunWithComputer(unittest.TestCase):

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="tandem-computer-")
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.display = self.start_xvfb()
        self.probe_log = os.path.join(self.root, "probe.log")
        self.start_probe()
        self.home = os.path.join(self.root, "home")
        os.makedirs(self.home)
        with open(os.path.join(self.home, ".gitconfig"), "w") as f:
            f.write("[user]\n\tname = Dana Developer\n\temail = dana@example.test\n")
        self.repo = os.path.join(self.root, "repo")
        os.makedirs(self.repo)
        with open(os.path.join(self.repo, "README"), "w") as f:
            f.write("A project\n")
        env = self.environment()
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "Start"]):
            subprocess.run(["git", *args], cwd=self.repo, env=env, check=True, timeout=30)

    def start_xvfb(self):
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24",
                                 "-nolisten", "tcp", "-noreset"], stdout=subprocess.PIPE)
        self.addCleanup(self.stop, xvfb)
        number = xvfb.stdout.readline().decode().strip()
        self.assertTrue(number, "Xvfb did not start")
        return ":" + number

    def start_probe(self):
        env = dict(os.environ, DISPLAY=self.display, LC_ALL="C.UTF-8")
        self.square = (random.randrange(20, 550), random.randrange(20, 350))
        probe = subprocess.Popen([os.environ["PROBE_WINDOW_BIN"], "--log", self.probe_log,
                                  "--text", os.path.join(self.root, "probe.txt"),
                                  "--geometry", "600x400+100+100",
                                  "--square", "%d,%d,24" % self.square], env=env)
        self.addCleanup(self.stop, probe)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.path.exists(self.probe_log) and "ready" in open(self.probe_log).read():
                return
            time.sleep(0.05)
        self.fail("the probe window did not come up")

    @staticmethod
    def stop(process):
        process.kill()  # by its own pid
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()

    def environment(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "XDG_"))}
        env.update(HOME=self.home, DISPLAY=self.display, GIT_CONFIG_NOSYSTEM="1",
                   XDG_DATA_HOME=os.path.join(self.root, "data"),
                   XDG_CONFIG_HOME=os.path.join(self.home, ".config"),
                   TANDEM_MODEL_SERVER=os.environ["TANDEM_MODEL_SERVER_BIN"])
        env.pop("ANTHROPIC_API_KEY", None)
        return env

    def clicks(self):
        with open(self.probe_log) as f:
            return [line.split()[1:] for line in f if line.startswith("click ")]

    def test_clicks_the_square_and_is_refused_outside(self):
        run = subprocess.run([TANDEM, "run", "--repo", self.repo, "--task",
                              "Click the red square", "--model",
                              "scripted:" + os.path.join(HERE, "click_the_square.json"),
                              "--computer-window", "Tandem probe"],
                             env=self.environment(), capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn("Computer use confined to \"Tandem probe\"", run.stdout)
        self.assertIn("outside the window", run.stdout)
        self.assertIn("Press Control+Shift+Escape anywhere to stop.", run.stdout)

        time.sleep(0.2)
        clicks = self.clicks()
        self.assertEqual(len(clicks), 1, clicks)
        button, x, y, _ = clicks[0]
        left, top = 100 + self.square[0], 100 + self.square[1]
        self.assertEqual(button, "1")
        self.assertTrue(left <= int(x) < left + 24 and top <= int(y) < top + 24,
                        "click at %s,%s misses the square at %d,%d" % (x, y, left, top))

        audit = os.path.join(self.root, "data", "tandem", "audit.jsonl")
        with open(audit) as f:
            actions = [json.loads(line) for line in f if '"computer_action"' in line]
        self.assertEqual([a["input"]["action"] for a in actions],
                         ["screenshot", "left_click", "left_click"])
        self.assertTrue(all("thumbnail_jpeg" in a for a in actions[:2]))
        self.assertTrue(actions[2]["is_error"])

    def test_unknown_window_is_a_clear_error(self):
        run = subprocess.run([TANDEM, "run", "--repo", self.repo, "--task", "Anything",
                              "--computer-window", "No such window"],
                             env=self.environment(), capture_output=True, text=True, timeout=60)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("No window's title contains \"No such window\"", run.stdout + run.stderr)
        self.assertIn("\"Tandem probe\"", run.stdout + run.stderr)

    def test_no_display_is_a_clear_error(self):
        env = self.environment()
        env.pop("DISPLAY")
        run = subprocess.run([TANDEM, "run", "--repo", self.repo, "--task", "Anything",
                              "--computer-window", "Tandem probe"],
                             env=env, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("Cannot open the X display", run.stdout + run.stderr)


if __name__ == "__main__":
    unittest.main()
