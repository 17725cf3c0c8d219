#!/usr/bin/python3
"""Kills the real Tandem window with SIGKILL at random instants and checks its session store.

The window runs offscreen against Tandem's scripted model server, which streams a long task:
each turn a paragraph of text and a file view, turn after turn. Each round starts the window
with `--task`, so it reopens the session of the round before and sends one more message in it,
waits a random time and kills it. Then the store must open, pass PRAGMA integrity_check and
hold every message the window had sent to the model (the server records each request): at
most the reply that was streaming, or waiting to be saved, may be missing. The next round's
first request must carry the saved history, which shows the window resumed it.

Needs TANDEM_BIN and TANDEM_MODEL_SERVER_BIN (CTest sets them). TANDEM_CRASH_ROUNDS and
TANDEM_CRASH_SEED change the number of rounds (30) and the random seed.
"""

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

TANDEM = os.environ["TANDEM_BIN"]
MODEL_SERVER = os.environ["TANDEM_MODEL_SERVER_BIN"]
ROUNDS = int(os.environ.get("TANDEM_CRASH_ROUNDS", "30"))
SEED = int(os.environ.get("TANDEM_CRASH_SEED", str(random.randrange(1 << 30))))
BUDGET_SECONDS = 50  # no new round starts after this; CTest's timeout is the hard stop
FIRST_REQUEST_SECONDS = 20
TURNS = 40

PARAGRAPH = ("Reading the project one file at a time, and noting what each part does: the "
             "line items, the discounts, the tax and the plain-text report. Amounts stay "
             "decimal and are rounded half-up to the cent. ") * 3


def scenario():
    turn = {"reply": [{"text": PARAGRAPH},
                      {"tool_use": {"name": "str_replace_based_edit_tool",
                                    "input": {"command": "view", "path": "README.md"}}}]}
    return {"scenarios": [{"name": "long-task", "match": "(?i)keep working",
                           "turns": [turn] * TURNS + [{"reply": [{"text": "All done."}]}]}],
            "fallback": "Say: keep working."}


def start_server(root):
    path = os.path.join(root, "scenario.json")
    with open(path, "w") as f:
        json.dump(scenario(), f)
    record = os.path.join(root, "requests.jsonl")
    server = subprocess.Popen([MODEL_SERVER, "--scenario", path, "--port", "0",
                               "--split-seed", str(SEED), "--max-chunk", "24",
                               "--record", record],
                              stdout=subprocess.PIPE, text=True,
                              stderr=open(os.path.join(root, "model-server.stderr"), "w"))
    line = server.stdout.readline().strip()
    match = re.match(r"^listening on (http://\S+)$", line)
    if not match:
        server.kill()
        sys.exit(f"model server did not start: {line!r}")
    return server, match.group(1), record


def environment(root, url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ANTHROPIC_"))}
    env.update(HOME=os.path.join(root, "home"), XDG_DATA_HOME=os.path.join(root, "data"),
               XDG_CONFIG_HOME=os.path.join(root, "config"),
               XDG_RUNTIME_DIR=os.path.join(root, "runtime"), QT_QPA_PLATFORM="offscreen",
               ANTHROPIC_API_KEY="test-key", ANTHROPIC_BASE_URL=url)
    for folder in ("home", "config", "runtime"):
        os.makedirs(os.path.join(root, folder), mode=0o700, exist_ok=True)
    return env


def without_cache_marks(messages):
    """A request's messages as the conversation holds them: prompt caching marks a block of
    the newest turn with cache_control, which belongs to the request, not to the message."""
    for message in messages:
        if isinstance(message.get("content"), list):
            for block in message["content"]:
                block.pop("cache_control", None)
    return messages


def requests(record):
    if not os.path.exists(record):
        return []
    with open(record) as f:
        # A line still being written has no newline yet.
        return [without_cache_marks(json.loads(line)["messages"]) for line in f
                if line.endswith("\n")]


def store(root):
    """The open session's messages, after SQLite's own integrity check."""
    path = os.path.join(root, "data", "tandem", "sessions.sqlite")
    if not os.path.exists(path):
        return None, []
    db = sqlite3.connect(path, timeout=5)
    try:
        check = db.execute("PRAGMA integrity_check").fetchall()
        assert check == [("ok",)], f"integrity_check: {check}"
        row = db.execute("SELECT value FROM state WHERE key = 'current_session'").fetchone()
        if row is None:
            return None, []
        rows = db.execute("SELECT seq, content FROM messages WHERE session_id = ? ORDER BY seq",
                          (int(row[0]),)).fetchall()
    finally:
        db.close()
    assert [seq for seq, _ in rows] == list(range(len(rows))), "gaps in the saved messages"
    return int(row[0]), [json.loads(content) for _, content in rows]


def stable_prefix(messages):
    """What a later round may not change: all but a trailing user message, which the next
    message the user sends is added to."""
    if messages and messages[-1]["role"] == "user":
        return messages[:-1]
    return messages


def recovered_turns(previous, saved):
    """Messages saved since the last kill: new rows, and the user's text when the window
    added it to the trailing user message of the round before."""
    merged = (previous and previous[-1]["role"] == "user" and len(saved) >= len(previous)
              and saved[len(previous) - 1] != previous[-1])
    return len(saved) - len(previous) + (1 if merged else 0)


def kill_round(env, record, rng, log):
    """Starts the window, kills it at a random instant; returns the requests it made."""
    before = len(requests(record))
    window = subprocess.Popen([TANDEM, "--task", "Keep working, please."], env=env,
                              stdout=subprocess.DEVNULL, stderr=log)
    started = time.monotonic()
    if rng.random() < 0.2:
        # Anywhere in start-up, resuming and sending.
        time.sleep(rng.uniform(0.0, 1.0))
    else:
        while len(requests(record)) == before and window.poll() is None:
            if time.monotonic() - started > FIRST_REQUEST_SECONDS:
                window.kill()
                sys.exit("the window sent no request to the model")
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 2.0))
    alive = window.poll() is None
    window.send_signal(signal.SIGKILL)
    window.wait(timeout=10)
    time.sleep(0.05)  # for the server to finish recording a request that just came in
    return requests(record)[before:], alive


def main():
    rng = random.Random(SEED)
    root = tempfile.mkdtemp(prefix="tandem-crash-")
    server, url, record = start_server(root)
    env = environment(root, url)
    log = open(os.path.join(root, "tandem.stderr"), "w")
    # A turn is a message: the user's, a reply, a set of tool results. Recovered: completed
    # while the killed window ran and found in the store after the kill. Lost: replies that
    # were streaming (or asked for) when the kill came.
    figures = dict(kills=0, kills_mid_stream=0, kills_between_turns=0,
                   kills_before_first_request=0, turns_recovered=0, turns_lost=0)
    began = time.monotonic()
    previous = []
    session = None
    try:
        for _ in range(ROUNDS):
            if time.monotonic() - began > BUDGET_SECONDS:
                break
            made, alive = kill_round(env, record, rng, log)
            assert alive, "the window ended on its own before the kill"
            figures["kills"] += 1

            session_now, saved = store(root)
            assert session is None or session_now == session, "another session was opened"
            session = session_now
            kept = stable_prefix(previous)
            assert saved[:len(kept)] == kept, "a message saved earlier changed or vanished"

            figures["turns_recovered"] += recovered_turns(previous, saved)
            if not made:
                figures["kills_before_first_request"] += 1
                previous = saved
                continue
            # The window resumed: its first request starts with the saved history.
            assert made[0][:len(kept)] == kept, "the window did not resume the saved session"
            sent = made[-1]
            assert saved[:len(sent)] == sent, "a message sent to the model was not saved"
            assert len(saved) <= len(sent) + 2, "more saved than the model ever answered"
            if len(saved) == len(sent):
                figures["kills_mid_stream"] += 1
                figures["turns_lost"] += 1
            else:
                assert saved[len(sent)]["role"] == "assistant"
                figures["kills_between_turns"] += 1
            previous = saved

        assert figures["kills"] >= min(10, ROUNDS), f"only {figures['kills']} kills in the budget"
        check_export(env, session, previous)
    except BaseException:
        print(f"seed {SEED}; the window's and the model server's output are kept in {root}")
        raise
    finally:
        server.kill()
        server.wait()
        log.close()
    figures["messages_in_session"] = len(previous)
    figures["seconds"] = round(time.monotonic() - began, 1)
    figures["seed"] = SEED
    print("crash figures: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    shutil.rmtree(root, ignore_errors=True)


def check_export(env, session, saved):
    """The command line reads the same session back after all those kills."""
    out = subprocess.run([TANDEM, "session", "export", str(session), "--format", "json"],
                         env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["messages"] == saved, "the export differs from the store"


if __name__ == "__main__":
    main()
