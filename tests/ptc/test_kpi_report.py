#!/usr/bin/env python3
"""The seed's example, for real: `tandem run` on a repository with sales.csv. The scripted
model sends one script to the code tool; in the sandbox it reads the CSV and calls the host
tools compute_kpis and generate_report, which draws a PDF with Qt. The test opens the PDF and
checks its figures against the CSV, and checks that the model saw only the script's output.

A second test plays Anthropic's server-side form: the model's own code execution calls the
same host tool from its container, and Tandem answers in that container.

Needs TANDEM_BIN, TANDEM_MODEL_SERVER_BIN and TANDEM_SOURCE_DIR in the environment (CTest sets
them).
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from collections import defaultdict

SOURCE = os.environ["TANDEM_SOURCE_DIR"]
TANDEM = os.environ["TANDEM_BIN"]
MODEL_SERVER = os.environ["TANDEM_MODEL_SERVER_BIN"]
SCENARIOS = os.path.join(SOURCE, "resources", "scenarios", "demo.json")
CSV = os.path.join(SOURCE, "resources", "demo", "sales", "sales.csv")


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def expected_figures():
    revenue, units = 0.0, 0
    by_region = defaultdict(float)
    with open(CSV, newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        revenue += float(row["revenue"])
        units += int(row["units"])
        by_region[row["region"]] += float(row["revenue"])
    return {"rows": len(rows), "revenue_total": round(revenue, 2), "units_total": units,
            "average_price": round(revenue / units, 2),
            "by_region": {k: round(v, 2) for k, v in by_region.items()},
            "top_region": max(by_region, key=by_region.get)}


class KpiReport(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="tandem-kpi-")
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.repo = os.path.join(self.root, "shop")
        os.makedirs(self.repo)
        shutil.copy(CSV, self.repo)
        home = os.path.join(self.root, "home")
        os.makedirs(home)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "XDG_"))}
        self.env.update(HOME=home, XDG_DATA_HOME=os.path.join(self.root, "data"),
                        XDG_CONFIG_HOME=os.path.join(home, ".config"), GIT_CONFIG_NOSYSTEM="1",
                        GIT_AUTHOR_NAME="Dana", GIT_AUTHOR_EMAIL="dana@example.test",
                        GIT_COMMITTER_NAME="Dana", GIT_COMMITTER_EMAIL="dana@example.test")
        with open(os.path.join(home, ".gitconfig"), "w") as f:
            f.write("[user]\n\tname = Dana\n\temail = dana@example.test\n")
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=self.repo, check=True,
                       env=self.env)
        subprocess.run(["git", "add", "-A"], cwd=self.repo, check=True, env=self.env)
        subprocess.run(["git", "commit", "-qm", "Sales"], cwd=self.repo, check=True,
                       env=self.env)

    def test_script_calls_host_tools_and_the_pdf_matches_the_csv(self):
        run = subprocess.run(
            [TANDEM, "run", "--repo", self.repo, "--model", f"scripted:{SCENARIOS}",
             "--task", "Build the KPI report from sales.csv"],
            env=self.env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        self.assertEqual(run.returncode, 0, run.stderr + run.stdout)

        workspace = None
        for line in run.stdout.splitlines():
            if line.startswith("== Workspace "):
                workspace = line.split(" ", 2)[2].strip()
        self.assertIsNotNone(workspace, run.stdout)
        pdf = os.path.join(workspace, "reports", "sales-kpi-report.pdf")
        print("demo report:", pdf)
        self.assertTrue(os.path.isfile(pdf), run.stdout)
        with open(pdf, "rb") as f:
            self.assertEqual(f.read(5), b"%PDF-")

        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                              text=True, check=True, timeout=60).stdout
        figures = expected_figures()
        self.assertIn("Sales KPI report", text)
        self.assertRegex(text, rf"Revenue total\s+{figures['revenue_total']:.2f}")
        self.assertRegex(text, rf"Units total\s+{figures['units_total']}\s")
        self.assertRegex(text, rf"Average price\s+{figures['average_price']:.2f}")
        self.assertRegex(text, rf"Rows\s+{figures['rows']}\b")
        self.assertRegex(text, rf"Top region\s+{figures['top_region']}")
        for region, revenue in figures["by_region"].items():
            self.assertRegex(text, rf"{region}\s+{revenue:.2f}")

        # The model saw the script's summary, not the rows or the KPIs object.
        self.assertIn(f"rows: {figures['rows']} revenue: {figures['revenue_total']}", run.stdout)
        self.assertNotIn("revenue_by_month", run.stdout)

        # Each host call is in the audit log, tied to the script's run, from code.
        audit = os.path.join(self.root, "data", "tandem", "audit.jsonl")
        calls = [json.loads(line) for line in open(audit) if '"kind":"ptc_call"' in line]
        self.assertEqual([c["tool"] for c in calls], ["compute_kpis", "generate_report"])
        self.assertTrue(all(c["caller"] == "code_execution" and c["outcome"] == "ok"
                            for c in calls))
        self.assertEqual(len({c["run"] for c in calls}), 1)


    def test_anthropic_code_execution_calls_the_host_tool_in_its_container(self):
        record = os.path.join(self.root, "requests.jsonl")
        wrapper = os.path.join(self.root, "model-server")
        with open(wrapper, "w") as f:
            f.write(f"#!/bin/sh\nexec '{MODEL_SERVER}' --record '{record}' \"$@\"\n")
        os.chmod(wrapper, 0o755)
        env = dict(self.env, TANDEM_MODEL_SERVER=wrapper)
        scenario = os.path.join(SOURCE, "tests", "ptc", "server_kpi.json")
        run = subprocess.run(
            [TANDEM, "run", "--repo", self.repo, "--model", f"scripted:{scenario}",
             "--code-execution", "anthropic", "--task", "Total the KPIs"],
            env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        self.assertEqual(run.returncode, 0, run.stderr + run.stdout)
        self.assertIn("North leads", run.stdout)

        requests = [json.loads(line) for line in open(record)]
        self.assertEqual(len(requests), 2)
        first, second = requests
        tools = {t.get("name"): t for t in first["tools"]}
        self.assertEqual(tools["code_execution"]["type"], "code_execution_20260120")
        self.assertEqual(tools["compute_kpis"]["allowed_callers"], ["code_execution_20260120"])
        self.assertNotIn("container", first)
        self.assertTrue(second["container"].startswith("container_"))
        answer = second["messages"][-1]["content"]
        self.assertEqual([block["type"] for block in answer], ["tool_result"])
        self.assertIn('"revenue_total":200.0', answer[0]["content"])

        audit = os.path.join(self.root, "data", "tandem", "audit.jsonl")
        calls = [json.loads(line) for line in open(audit) if '"kind":"tool_call"' in line]
        self.assertEqual([(c["tool"], c["caller"]) for c in calls],
                         [("compute_kpis", "code_execution_20260120")])


if __name__ == "__main__":
    unittest.main(verbosity=2)
