#!/usr/bin/python3
"""End to end: `tandem run` fixes the demo repository's bug and pushes a review branch.

Everything is real except the model: the scripted model server, bubblewrap, libgit2, and a
git remote served over HTTP on loopback that demands a password. Canaries planted in the
environment and the home folder must never show up in anything the sandbox produced.

Needs TANDEM_BIN, TANDEM_MODEL_SERVER_BIN and TANDEM_SOURCE_DIR in the environment (CTest sets
them).
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

API_CANARY = "sk-ant-TEST-CANARY-7f3a"
GIT_CANARY = "ghp_TESTCANARY0000000000000000000000000"
SSH_CANARY = "CANARY-SSH-KEY"
NETRC_CANARY = "TESTCANARYNETRC"
TASK = "Fix the failing test"
BRANCH = "tandem/fix-the-failing-test"

SOURCE = os.environ["TANDEM_SOURCE_DIR"]
TANDEM = os.environ["TANDEM_BIN"]
MODEL_SERVER = os.environ["TANDEM_MODEL_SERVER_BIN"]
HERE = os.path.dirname(os.path.abspath(__file__))


def git(*args, cwd=None, check=True):
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                            timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {result.stderr}")
    return result.stdout.strip()


class Sandboxed(unittest.TestCase):
    """A user's machine in a temp folder: a home with secrets, a checkout, an HTTP remote."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="tandem-e2e-")
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.home = os.path.join(self.root, "home")
        self.plant_secrets()
        self.env = self.user_environment()
        self.repo = self.make_checkout()
        self.server = None

    def plant_secrets(self):
        os.makedirs(os.path.join(self.home, ".ssh"))
        with open(os.path.join(self.home, ".ssh", "id_canary"), "w") as f:
            f.write(f"-----BEGIN KEY-----\n{SSH_CANARY}\n-----END KEY-----\n")
        with open(os.path.join(self.home, ".netrc"), "w") as f:
            f.write(f"machine example.test login u password {NETRC_CANARY}\n")
        with open(os.path.join(self.home, ".gitconfig"), "w") as f:
            f.write("[user]\n\tname = Dana Developer\n\temail = dana@example.test\n"
                    "[init]\n\tdefaultBranch = main\n")

    def user_environment(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "XDG_"))}
        env.update(HOME=self.home, XDG_DATA_HOME=os.path.join(self.root, "data"),
                   XDG_CONFIG_HOME=os.path.join(self.home, ".config"),
                   GIT_CONFIG_NOSYSTEM="1", ANTHROPIC_API_KEY=API_CANARY,
                   TANDEM_GIT_USERNAME="dana", TANDEM_GIT_TOKEN=GIT_CANARY,
                   SSH_AUTH_SOCK=os.path.join(self.root, "agent.sock"))
        return env

    def make_checkout(self):
        repo = os.path.join(self.root, "checkout")
        shutil.copytree(os.path.join(SOURCE, "resources", "demo", "invoicing"), repo)
        old_home = os.environ.get("HOME")
        os.environ["HOME"] = self.home
        try:
            git("init", "-q", "-b", "main", cwd=repo)
            git("add", "-A", cwd=repo)
            git("commit", "-qm", "Invoicing library", cwd=repo)
        finally:
            os.environ["HOME"] = old_home
        # Work in progress the user has not committed: it must survive the run untouched.
        with open(os.path.join(repo, "NOTES.md"), "w") as f:
            f.write("my uncommitted notes\n")
        return repo

    def serve_remote(self, hook=None):
        remotes = os.path.join(self.root, "remotes")
        bare = os.path.join(remotes, "invoicing.git")
        os.makedirs(remotes)
        git("init", "-q", "--bare", bare)
        git("push", "-q", bare, "main", cwd=self.repo)
        if hook:
            path = os.path.join(bare, "hooks", "pre-receive")
            with open(path, "w") as f:
                f.write(hook)
            os.chmod(path, 0o755)

        self.server_log = os.path.join(self.root, "http.log")
        self.server = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(SOURCE, "tests", "support", "git_http_server.py"),
             "--root", remotes, "--user", "dana", "--password", GIT_CANARY,
             "--log", self.server_log],
            stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.stop_server)
        url = self.server.stdout.readline().split()[-1]
        git("remote", "add", "origin", f"{url}/invoicing.git", cwd=self.repo)
        return bare

    def stop_server(self):
        self.server.kill()
        self.server.wait(timeout=10)

    def model_server_wrapper(self):
        """Tandem starts the model server itself; a wrapper adds the recording options."""
        self.record = os.path.join(self.root, "requests.jsonl")
        self.report = os.path.join(self.root, "report.json")
        wrapper = os.path.join(self.root, "model-server")
        with open(wrapper, "w") as f:
            f.write(f"#!/bin/sh\nexec '{MODEL_SERVER}' --record '{self.record}' "
                    f"--report '{self.report}' \"$@\"\n")
        os.chmod(wrapper, 0o755)
        return wrapper

    def tandem(self, *args, env=None, timeout=180):
        run_env = dict(self.env if env is None else env)
        run_env["TANDEM_MODEL_SERVER"] = self.model_server_wrapper()
        return subprocess.run([TANDEM, *args], env=run_env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def snapshot(self):
        """Everything of the user's checkout that a run must leave as it was."""
        files = {}
        for folder, dirs, names in os.walk(self.repo):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    files[os.path.relpath(path, self.repo)] = hashlib.sha256(f.read()).hexdigest()
        return {"head": git("rev-parse", "HEAD", cwd=self.repo),
                "branch": git("symbolic-ref", "HEAD", cwd=self.repo),
                "status": git("status", "--porcelain", cwd=self.repo),
                "files": files}


class FixBugEndToEnd(Sandboxed):

    def test_fix_is_pushed_and_nothing_leaks(self):
        bare = self.serve_remote()
        before = self.snapshot()

        run = self.tandem("run", "--repo", self.repo, "--task", TASK, "--model",
                          "scripted:" + os.path.join(HERE, "fix_with_probe.json"),
                          "--push", "origin")
        self.assertEqual(run.returncode, 0, run.stderr + run.stdout)
        self.assertIn("Pushed", run.stdout)

        # The scripted model saw what a real one would have needed at every step.
        with open(self.report) as f:
            report = json.load(f)
        self.assertEqual(report["failures"], [])
        self.assertEqual(report["completed"], ["fix-with-secret-probe"])

        # The remote's branch holds the fix, by the user's identity, and its tests pass.
        clone = os.path.join(self.root, "fresh-clone")
        git("clone", "-q", "--branch", BRANCH, bare, clone)
        self.assertEqual(git("log", "-1", "--format=%an <%ae>", cwd=clone),
                         "Dana Developer <dana@example.test>")
        self.assertIn("invoicing/invoice.py",
                      git("diff", "--name-only", "origin/main", BRANCH, cwd=clone))
        tests = subprocess.run(["/usr/bin/python3", "-m", "unittest"], cwd=clone,
                               capture_output=True, text=True, timeout=120)
        self.assertEqual(tests.returncode, 0, tests.stderr)
        self.assertIn("OK", tests.stderr)

        # The user's checkout is exactly as it was, uncommitted notes included.
        self.assertEqual(self.snapshot(), before)

        # The remote got the credential; the sandbox saw no secret at all.
        with open(self.server_log) as f:
            self.assertIn("Basic", f.read())
        with open(self.record) as f:
            seen_by_model = f.read()
        self.assertIn("probe-finished", seen_by_model)
        for canary in (API_CANARY, GIT_CANARY, SSH_CANARY, NETRC_CANARY, "agent.sock"):
            self.assertNotIn(canary, seen_by_model)

        self.assert_audit_chain(["model_request", "tool_call", "tool_result", "git_commit",
                                 "git_push", "sandbox_policy", "sandbox_start", "sandbox_exec",
                                 "sandbox_exit", "sandbox_stop"])

    def test_rejected_push_is_reported(self):
        bare = self.serve_remote(hook="#!/bin/sh\n"
                                      "echo 'tandem/* branches need a review ticket' >&2\n"
                                      "exit 1\n")
        before = self.snapshot()

        run = self.tandem("run", "--repo", self.repo, "--task", TASK, "--model",
                          "scripted:" + os.path.join(HERE, "fix_with_probe.json"),
                          "--push", "origin")
        self.assertNotEqual(run.returncode, 0)
        reason = run.stderr.strip().splitlines()
        self.assertEqual(len(reason), 1, run.stderr)
        self.assertIn("rejected", reason[0])
        self.assertIn("review ticket", reason[0])
        self.assertNotIn(GIT_CANARY, run.stderr + run.stdout)
        self.assertEqual(git("branch", "--list", "tandem/*", cwd=bare), "")
        self.assertEqual(self.snapshot(), before)

    def test_model_cannot_replace_the_test_gate(self):
        bare = self.serve_remote()
        scenario = os.path.join(self.root, "cheat.json")
        with open(scenario, "w") as f:
            json.dump({"scenarios": [{"name": "cheat", "match": "(?i)fix", "turns": [
                {"reply": [{"tool_use": {"name": "bash", "input": {
                    "command": "mkdir -p .tandem && echo true > .tandem/test-command"}}}]},
                {"expect": [{"tool_result_is_error": False}],
                 "reply": [{"text": "Done: the tests pass now."}]}]}]}, f)

        run = self.tandem("run", "--repo", self.repo, "--task", TASK, "--model",
                          "scripted:" + scenario, "--push", "origin")
        # The sandbox undoes the write at once and says so; nothing reaches the remote.
        self.assertIn("removed .tandem", run.stdout)
        self.assertEqual(git("branch", "--list", "tandem/*", cwd=bare), "")

    def assert_audit_chain(self, kinds):
        path = os.path.join(self.root, "data", "tandem", "audit.jsonl")
        previous = "0" * 64
        seen = set()
        with open(path, "rb") as f:
            for number, line in enumerate(f, 1):
                entry = json.loads(line)
                self.assertEqual(entry["prev"], previous, f"audit line {number}")
                previous = hashlib.sha256(line.rstrip(b"\n")).hexdigest()
                seen.add(entry["kind"])
                if entry["kind"].startswith("sandbox_"):
                    self.assertTrue(entry.get("session"), f"audit line {number} has no session")
                self.assertNotIn(GIT_CANARY, line.decode())
                self.assertNotIn(API_CANARY, line.decode())
        for kind in kinds:
            self.assertIn(kind, seen)


class BadInput(Sandboxed):
    """Each mistake gives one line that says what to do, and the user's files stay as they were."""

    def expect_one_line(self, run, *fragments):
        self.assertNotEqual(run.returncode, 0)
        lines = run.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, run.stderr)
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def test_not_a_repository(self):
        folder = os.path.join(self.root, "plain-folder")
        os.makedirs(folder)
        run = self.tandem("run", "--repo", folder, "--task", TASK)
        self.expect_one_line(run, "not a git repository", "--repo")

    def test_missing_folder(self):
        run = self.tandem("run", "--repo", os.path.join(self.root, "nowhere"), "--task", TASK)
        self.expect_one_line(run, "does not exist", "--repo")

    def test_bare_repository(self):
        bare = os.path.join(self.root, "shared.git")
        git("clone", "-q", "--bare", self.repo, bare)
        run = self.tandem("run", "--repo", bare, "--task", TASK)
        self.expect_one_line(run, "bare repository")
        self.assertEqual(git("branch", "--list", "tandem/*", cwd=bare), "")

    def test_unknown_push_remote(self):
        run = self.tandem("run", "--repo", self.repo, "--task", TASK, "--model",
                          "scripted:" + os.path.join(HERE, "fix_with_probe.json"),
                          "--push", "nosuchremote")
        self.expect_one_line(run, "no remote named nosuchremote")
        self.assertNotIn("probe-finished", run.stdout)
        self.assertEqual(git("branch", "--list", "tandem/*", cwd=self.repo), "")

    def test_missing_api_key(self):
        env = dict(self.env)
        del env["ANTHROPIC_API_KEY"]
        run = self.tandem("run", "--repo", self.repo, "--task", TASK, "--model",
                          "anthropic:claude-sonnet-4-5", env=env)
        self.expect_one_line(run, "ANTHROPIC_API_KEY")

    def test_unreachable_model(self):
        env = dict(self.env, ANTHROPIC_BASE_URL="http://127.0.0.1:9")
        before = self.snapshot()
        run = self.tandem("run", "--repo", self.repo, "--task", TASK, "--model",
                          "anthropic:claude-sonnet-4-5", env=env, timeout=60)
        self.expect_one_line(run, "Cannot reach the model", "ANTHROPIC_BASE_URL")
        self.assertEqual(self.snapshot(), before)
        # Nothing was done, so nothing is left behind in the user's repository.
        self.assertEqual(git("branch", "--list", "tandem/*", cwd=self.repo), "")
        self.assertEqual(len(git("worktree", "list", cwd=self.repo).splitlines()), 1)

    def test_wrong_api_key(self):
        model = subprocess.Popen([MODEL_SERVER, "--demo", "--port", "0"],
                                 stdout=subprocess.PIPE, text=True)
        self.addCleanup(model.wait, 10)
        self.addCleanup(model.kill)
        url = model.stdout.readline().split()[-1]
        # The scripted server refuses a request without a key, as the real API does.
        env = dict(self.env, ANTHROPIC_BASE_URL=url, ANTHROPIC_API_KEY="")
        run = self.tandem("run", "--repo", self.repo, "--task", TASK, "--model",
                          "anthropic:claude-sonnet-4-5", env=env)
        self.expect_one_line(run, "ANTHROPIC_API_KEY")

    def test_bubblewrap_missing(self):
        env = dict(self.env, PATH=os.path.join(self.root, "empty-path"))
        run = self.tandem("run", "--repo", self.repo, "--task", TASK, env=env)
        self.expect_one_line(run, "bubblewrap", "apt-get install bubblewrap")

    def test_no_git_identity(self):
        os.remove(os.path.join(self.home, ".gitconfig"))
        env = dict(self.env, GIT_CONFIG_GLOBAL=os.path.join(self.root, "no-config"))
        before = self.snapshot()
        run = self.tandem("run", "--repo", self.repo, "--task", TASK, "--model",
                          "scripted:" + os.path.join(HERE, "fix_with_probe.json"), env=env)
        self.expect_one_line(run, "git config --global user.name")
        self.assertNotIn("probe-finished", run.stdout)
        self.assertEqual(self.snapshot(), before)

    def test_unknown_model_kind(self):
        run = self.tandem("run", "--repo", self.repo, "--task", TASK, "--model", "gpt:4")
        self.expect_one_line(run, "anthropic:NAME", "scripted:FILE")

    def test_missing_task(self):
        run = self.tandem("run", "--repo", self.repo)
        self.expect_one_line(run, "--task")


if __name__ == "__main__":
    unittest.main(verbosity=2)
