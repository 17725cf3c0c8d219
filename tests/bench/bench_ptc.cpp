// Programmatic tool calling, measured: a Python script in the warm bubblewrap sandbox calls a
// trivial host tool through the tool channel, one call at a time and with 8 in flight (from
// threads, and from asyncio tasks), and a node script with 8 promises in flight. Every call is
// checked and audited as in a session. Prints every variant; the last line is the headline.

#include "audit/auditlog.h"
#include "ptc/codeexecutiontool.h"
#include "ptc/toolbroker.h"
#include "sandbox/bubblewrapsandbox.h"
#include "tools/toolregistry.h"

#include <QCoreApplication>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>

using namespace tandem;
using nlohmann::json;

namespace {

constexpr int kCalls = 20'000;

// The trivial host tool: hands its input back.
class EchoTool : public tools::Tool
{
public:
    llm::ToolSpec spec() const override
    {
        return {"echo",
                "Returns its input",
                {{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}},
                {},
                {llm::callers::kCodeExecution20250825}};
    }
    tools::ToolOutput run(const json &input, const base::CancelToken &) override
    {
        return tools::ToolOutput::ok(std::to_string(input.value("n", 0)));
    }
    bool runsConcurrently() const override { return true; }
};

const char kPythonScript[] = R"PY(
import asyncio, json, threading, time, tandem_tools
N = %d

def percentile(samples, q):
    samples = sorted(samples)
    return samples[int(len(samples) * q)] / 1000

def serial():
    for i in range(500):
        tandem_tools.echo(n=i)  # warm
    samples = []
    start = time.perf_counter_ns()
    for i in range(N):
        t = time.perf_counter_ns()
        tandem_tools.echo(n=i)
        samples.append(time.perf_counter_ns() - t)
    total = (time.perf_counter_ns() - start) / 1e9
    return {"calls_per_s": N / total, "p50_us": percentile(samples, 0.5),
            "p90_us": percentile(samples, 0.9)}

def threaded(width=8):
    samples = []
    lock = threading.Lock()
    def work():
        mine = []
        for i in range(N // width):
            t = time.perf_counter_ns()
            tandem_tools.echo(n=i)
            mine.append(time.perf_counter_ns() - t)
        with lock:
            samples.extend(mine)
    threads = [threading.Thread(target=work) for _ in range(width)]
    start = time.perf_counter_ns()
    for t in threads: t.start()
    for t in threads: t.join()
    total = (time.perf_counter_ns() - start) / 1e9
    return {"calls_per_s": len(samples) / total, "p50_us": percentile(samples, 0.5),
            "p90_us": percentile(samples, 0.9)}

async def tasks(width=8):
    samples = []
    async def work():
        for i in range(N // width // 4):
            t = time.perf_counter_ns()
            await tandem_tools.aio.echo(n=i)
            samples.append(time.perf_counter_ns() - t)
    start = time.perf_counter_ns()
    await asyncio.gather(*[work() for _ in range(width)])
    total = (time.perf_counter_ns() - start) / 1e9
    return {"calls_per_s": len(samples) / total, "p50_us": percentile(samples, 0.5),
            "p90_us": percentile(samples, 0.9)}

print(json.dumps({"python, 1 in flight": serial(), "python threads, 8 in flight": threaded(),
                  "python asyncio, 8 in flight": asyncio.run(tasks())}))
)PY";

const char kNodeScript[] = R"JS(
const t = require('tandem_tools');
const N = %d;
(async () => {
  for (let i = 0; i < 500; i++) await t.echo({ n: i });
  const samples = [];
  const start = process.hrtime.bigint();
  const worker = async () => {
    for (let i = 0; i < N / 8; i++) {
      const s = process.hrtime.bigint();
      await t.echo({ n: i });
      samples.push(Number(process.hrtime.bigint() - s));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const total = Number(process.hrtime.bigint() - start) / 1e9;
  samples.sort((a, b) => a - b);
  console.log(JSON.stringify({ 'node, 8 in flight': {
    calls_per_s: samples.length / total,
    p50_us: samples[Math.floor(samples.length * 0.5)] / 1000,
    p90_us: samples[Math.floor(samples.length * 0.9)] / 1000 } }));
})();
)JS";

json runScript(ptc::CodeExecutionTool &code, const char *language, const char *source)
{
    char script[8192];
    std::snprintf(script, sizeof script, source, kCalls);
    const tools::ToolOutput output = code.run({{"language", language}, {"code", script}}, {});
    const std::string marker = "stdout:\n";
    const auto at = output.text.find(marker);
    if (output.isError || at == std::string::npos) {
        std::fprintf(stderr, "bench: the %s script failed:\n%s\n", language, output.text.c_str());
        return json::object();
    }
    const std::string line = output.text.substr(at + marker.size());
    return json::parse(line.substr(0, line.find('\n')), nullptr, false);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir root;
    audit::AuditLog audit(root.filePath(QStringLiteral("audit.jsonl")));
    if (auto opened = audit.open(); !opened)
        return std::fprintf(stderr, "bench: %s\n", qPrintable(opened.error().message)), 1;

    tools::ToolRegistry registry;
    registry.add(std::make_unique<EchoTool>());
    ptc::ToolBroker broker(registry, &audit);
    sandbox::SandboxPolicy policy;
    policy.workspace = root.path();
    policy.channelFolders << broker.channel();
    sandbox::BubblewrapSandbox box(policy);
    if (auto started = box.start(); !started)
        return std::fprintf(stderr, "bench: %s\n", qPrintable(started.error().message)), 1;

    ptc::CodeExecutionTool::Limits limits;
    limits.timeout = std::chrono::minutes(5);
    limits.budget.maxCalls = 10 * kCalls;
    limits.budget.maxTime = std::chrono::minutes(5);
    ptc::CodeExecutionTool code(box, broker, limits);

    json results = runScript(code, "python", kPythonScript);
    results.update(runScript(code, "javascript", kNodeScript));
    if (results.empty())
        return 1;

    std::printf("%-30s %12s %10s %10s\n", "variant", "calls/s", "p50 us", "p90 us");
    for (const auto &[name, figures] : results.items())
        std::printf("%-30s %12.0f %10.1f %10.1f\n", name.c_str(), figures.value("calls_per_s", 0.0),
                    figures.value("p50_us", 0.0), figures.value("p90_us", 0.0));
    // Every call was checked and written to the audit log, as in a session.
    QFile log(audit.path());
    log.open(QIODevice::ReadOnly);
    std::printf("audited: %lld tool calls\n", qint64(log.readAll().count("\"kind\":\"ptc_call\"")));
    const json serial = results.value("python, 1 in flight", json::object());
    std::printf("ptc: %.0f calls/s, p50 %.0f us\n", serial.value("calls_per_s", 0.0),
                serial.value("p50_us", 0.0));
    return 0;
}
