#!/usr/bin/python3
"""Keeps the demo repository and the demo's fix-the-bug scenario in step.

Two checks, each on a fresh copy of resources/demo/invoicing:

1. Without the server: the repository's tests fail, the scenario's str_replace applies exactly
   once, and then the tests pass.
2. With tandem-model-server --demo: a small client plays the whole conversation, running each
   tool call for real on the copy the way Tandem's tools do, until the model ends its turn. The
   server must accept every request (its expectations hold for real tool output), the first test
   run must fail, the last must pass, and the report must list the scenario as completed.

Standard library only; run with Debian's /usr/bin/python3.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SCENARIO = "fix-failing-test"
PROMPT = "Fix the failing test"
EDITOR = "str_replace_based_edit_tool"
MAX_REQUESTS = 12


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def copy_repository(source, into):
    require(not os.path.exists(os.path.join(source, ".git")),
            f"{source} must not be a git repository itself")
    workspace = os.path.join(into, "workspace")
    shutil.copytree(source, workspace, ignore=shutil.ignore_patterns("__pycache__"))
    return workspace


def run_shell(command, workspace):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PATH="/usr/bin:/bin:" + os.environ["PATH"])
    done = subprocess.run(["bash", "-c", command], cwd=workspace, env=env, timeout=120,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return done.returncode, done.stdout


def run_tests(workspace):
    return run_shell("python3 -m unittest 2>&1", workspace)


def fix_scenario(scenarios):
    for scenario in scenarios["scenarios"]:
        if scenario["name"] == SCENARIO:
            return scenario
    raise CheckFailed(f"no scenario named {SCENARIO}")


def scripted_edits(scenario):
    return [block["tool_use"]["input"]
            for turn in scenario["turns"] for block in turn["reply"]
            if "tool_use" in block and block["tool_use"]["input"].get("command") == "str_replace"]


def resolve(workspace, path):
    resolved = os.path.realpath(os.path.join(workspace, path))
    root = os.path.realpath(workspace)
    require(resolved == root or resolved.startswith(root + os.sep),
            f"the path {path!r} leaves the workspace")
    return resolved


def list_folder(workspace, folder):
    entries = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in dirs + [f for f in files if not f.startswith(".")]:
            full = os.path.join(current, name)
            entries.append(os.path.relpath(full, workspace) + ("/" if os.path.isdir(full) else ""))
        if current != folder:
            dirs[:] = []
    return "\n".join(sorted(entries)) + "\n"


def edit_file(workspace, tool_input):
    """Returns (text, is_error) like a text editor tool on the workspace."""
    command = tool_input.get("command")
    path = resolve(workspace, tool_input["path"])
    if command == "view" and os.path.isdir(path):
        return "Files and folders up to 2 levels deep:\n" + list_folder(workspace, path), False
    if command == "view":
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        return "\n".join(f"{n:6}\t{line}" for n, line in enumerate(lines, 1)) + "\n", False
    if command == "str_replace":
        with open(path, encoding="utf-8") as f:
            text = f.read()
        count = text.count(tool_input["old_str"])
        if count != 1:
            return f"old_str occurs {count} times in {tool_input['path']}, not once", True
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(tool_input["old_str"], tool_input["new_str"]))
        return f"The file {tool_input['path']} has been edited.", False
    return f"unsupported editor command {command!r}", True


def check_without_server(repository, scenario, scratch):
    workspace = copy_repository(repository, scratch)
    code, output = run_tests(workspace)
    require(code != 0 and "FAILED (failures=1)" in output,
            "before the fix exactly one test must fail:\n" + output)

    edits = scripted_edits(scenario)
    require(len(edits) == 1, f"the scenario should make one edit, not {len(edits)}")
    text, is_error = edit_file(workspace, edits[0])
    require(not is_error, text)

    code, output = run_tests(workspace)
    require(code == 0 and output.rstrip().endswith("OK"), "after the fix all tests must pass:\n"
            + output)
    print("without the server: tests fail, the scripted edit applies once, tests pass")


class Server:
    def __init__(self, binary, scratch):
        self.report = os.path.join(scratch, "report.json")
        self.errors = open(os.path.join(scratch, "server-stderr.txt"), "w+")
        self.process = subprocess.Popen(
            [binary, "--demo", "--split-seed", "11", "--max-chunk", "16", "--report", self.report,
             "--exit-with-parent"],
            stdout=subprocess.PIPE, stderr=self.errors, text=True)
        line = self.process.stdout.readline()
        match = re.fullmatch(r"listening on http://127\.0\.0\.1:(\d+)\n", line)
        require(match, f"unexpected first line from the server: {line!r}")
        self.port = int(match.group(1))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.errors.close()


def parse_events(body):
    """Rebuilds the assistant's content blocks and stop reason from the event stream."""
    blocks, partial, stop_reason = {}, {}, None
    text = body.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    for raw_event in text.split("\n\n"):
        data = "\n".join(line[len("data: "):] for line in raw_event.split("\n")
                         if line.startswith("data: "))
        if not data:
            continue
        event = json.loads(data)
        kind = event["type"]
        if kind == "content_block_start":
            blocks[event["index"]] = dict(event["content_block"])
            partial[event["index"]] = ""
        elif kind == "content_block_delta" and event["delta"]["type"] == "text_delta":
            blocks[event["index"]]["text"] += event["delta"]["text"]
        elif kind == "content_block_delta":
            partial[event["index"]] += event["delta"]["partial_json"]
        elif kind == "content_block_stop" and blocks[event["index"]]["type"] == "tool_use":
            blocks[event["index"]]["input"] = json.loads(partial[event["index"]])
        elif kind == "message_delta":
            stop_reason = event["delta"]["stop_reason"]
    return [blocks[i] for i in sorted(blocks)], stop_reason


def ask(port, messages):
    body = json.dumps({
        "model": "demo",
        "max_tokens": 4096,
        "stream": True,
        "system": "You are a coding agent working in a repository.",
        "tools": [{"type": "bash_20250124", "name": "bash"},
                  {"type": "text_editor_20250728", "name": EDITOR}],
        "messages": messages,
    })
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", "/v1/messages", body=body.encode("utf-8"), headers={
        "x-api-key": "demo", "anthropic-version": "2023-06-01",
        "content-type": "application/json"})
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    require(response.status == 200, f"the server refused a request: {payload.decode()}")
    return parse_events(payload)


def run_tool(workspace, call, test_runs):
    if call["name"] == "bash":
        code, output = run_shell(call["input"]["command"], workspace)
        if "unittest" in call["input"]["command"]:
            test_runs.append((code, output))
        return (output + (f"\n[exit code {code}]" if code else "")), False
    require(call["name"] == EDITOR, f"unknown tool {call['name']}")
    return edit_file(workspace, call["input"])


def play_conversation(workspace, port):
    messages = [{"role": "user", "content": PROMPT}]
    test_runs = []
    for _ in range(MAX_REQUESTS):
        content, stop_reason = ask(port, messages)
        messages.append({"role": "assistant", "content": content})
        if stop_reason != "tool_use":
            return content, test_runs

        results = []
        for call in (block for block in content if block["type"] == "tool_use"):
            text, is_error = run_tool(workspace, call, test_runs)
            results.append({"type": "tool_result", "tool_use_id": call["id"], "content": text,
                            "is_error": is_error})
        messages.append({"role": "user", "content": results})
    raise CheckFailed(f"the conversation did not end within {MAX_REQUESTS} requests")


def check_with_server(repository, binary, scratch):
    workspace = copy_repository(repository, scratch)
    server = Server(binary, scratch)
    try:
        final, test_runs = play_conversation(workspace, server.port)
    finally:
        server.stop()

    require(len(test_runs) >= 2, "the scenario should run the tests before and after the fix")
    require(test_runs[0][0] != 0, "the first test run should fail:\n" + test_runs[0][1])
    require(test_runs[-1][0] == 0, "the last test run should pass:\n" + test_runs[-1][1])

    final_text = "".join(block.get("text", "") for block in final)
    ran = re.search(r"Ran (\d+) tests", test_runs[-1][1])
    require(ran and f"All {ran.group(1)} tests pass" in final_text,
            f"the final answer should report the real test count: {final_text!r}")
    require("invoicing/invoice.py" in final_text, "the final answer should name the fixed file")

    with open(server.report) as f:
        report = json.load(f)
    require(report["failures"] == [], f"the server reported failures: {report['failures']}")
    require(report["completed"] == [SCENARIO], f"unexpected report: {report}")
    print(f"with the server: {report['requests']} requests, scenario completed, tests pass")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", required=True)
    parser.add_argument("--scenarios", required=True)
    parser.add_argument("--server", required=True)
    args = parser.parse_args()

    with open(args.scenarios, encoding="utf-8") as f:
        scenario = fix_scenario(json.load(f))
    require(re.search(scenario["match"], PROMPT), f"{PROMPT!r} must match the scenario")

    try:
        with tempfile.TemporaryDirectory() as scratch:
            check_without_server(args.repository, scenario, os.path.join(scratch, "a"))
            check_with_server(args.repository, args.server, os.path.join(scratch, "b"))
    except CheckFailed as failure:
        print(f"check_demo_scenario: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
