#!/usr/bin/python3
"""`tandem run` with nobody to approve: a guarded command is refused with a message that says
how to allow it, without waiting; with --approve-all it runs. The guard comes from the user's
approvals.json, and each decision is an `approval` line in the audit log.

Needs TANDEM_BIN and TANDEM_SOURCE_DIR in the environment (CTest sets them).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

TANDEM = os.environ["TANDEM_BIN"]
SCENARIO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "headless_approvals.json")


class HeadlessApprovals(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="tandem-approvals-")
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.data = os.path.join(self.root, "data")
        os.makedirs(os.path.join(self.data, "tandem"))
        with open(os.path.join(self.data, "tandem", "approvals.json"), "w") as f:
            json.dump({"commands": [r"\bguarded-step\b"]}, f)
        self.repo = os.path.join(self.root, "repo")
        os.makedirs(self.repo)
        for args in (["init", "-q"], ["add", "."], ["commit", "-q", "--allow-empty", "-m", "init"]):
            subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.test", *args],
                           cwd=self.repo, check=True, timeout=30)

    def run_tandem(self, task, *extra):
        env = dict(os.environ, XDG_DATA_HOME=self.data, ANTHROPIC_API_KEY="")
        started = time.monotonic()
        result = subprocess.run([TANDEM, "run", "--repo", self.repo, "--task", task,
                                 "--model", "scripted:" + SCENARIO, *extra],
                                capture_output=True, text=True, env=env, timeout=120)
        elapsed = time.monotonic() - started
        print(result.stdout)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        workspace = re.search(r"^== Workspace (.+)$", result.stdout, re.M).group(1)
        return result.stdout, workspace, elapsed

    def approval_lines(self):
        with open(os.path.join(self.data, "tandem", "audit.jsonl")) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        return [line for line in lines if line["kind"] == "approval"]

    def test_refused_without_the_flag(self):
        out, workspace, elapsed = self.run_tandem("refused run")
        self.assertIn("--approve-all", out)
        self.assertIn("It was refused.", out)
        self.assertFalse(os.path.exists(os.path.join(workspace, "proof.txt")))
        self.assertLess(elapsed, 60)
        [line] = self.approval_lines()
        self.assertEqual(line["decision"], "deny")
        self.assertEqual(line["by"], "rule")
        self.assertIn("guarded-step", line["summary"])

    def test_runs_with_approve_all(self):
        out, workspace, _ = self.run_tandem("allowed run", "--approve-all")
        self.assertIn("It ran.", out)
        with open(os.path.join(workspace, "proof.txt")) as f:
            self.assertEqual(f.read().strip(), "guarded-step")
        [line] = self.approval_lines()
        self.assertEqual(line["decision"], "allow_once")


if __name__ == "__main__":
    unittest.main()
