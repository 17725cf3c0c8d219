// Scripts in a real bubblewrap sandbox calling host tools through the channel: the allowed ones
// work, everything else is refused by the host with a precise error (case 18), and only the
// script's output reaches the model.

#include "functiontool.h"

#include "audit/auditlog.h"
#include "ptc/codeexecutiontool.h"
#include "ptc/toolbroker.h"
#include "sandbox/bubblewrapsandbox.h"
#include "tools/commandtool.h"
#include "tools/toolregistry.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <condition_variable>
#include <cstring>
#include <grp.h>
#include <mutex>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace tandem;
using nlohmann::json;

namespace {

const std::vector<std::string> kDirectAndCode = {llm::callers::kDirect,
                                                 llm::callers::kCodeExecution20250825};
const std::vector<std::string> kCodeOnly = {llm::callers::kCodeExecution20260120};

QString git(const QStringList &args, const QString &dir = {})
{
    QProcess process;
    if (!dir.isEmpty())
        process.setWorkingDirectory(dir);
    process.start(QStringLiteral("git"), args);
    process.waitForFinished(30'000);
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

json objectSchema(json properties, json required)
{
    return {{"type", "object"},
            {"properties", std::move(properties)},
            {"required", std::move(required)},
            {"additionalProperties", false}};
}

// Lets `count` calls through only when they are all in flight at once: proof that calls from
// several threads are served together, without timing anything.
class Gathering
{
public:
    explicit Gathering(int count)
        : m_count(count)
    {}

    bool arrive()
    {
        std::unique_lock lock(m_mutex);
        if (++m_arrived >= m_count)
            m_all.notify_all();
        return m_all.wait_for(lock, std::chrono::seconds(10),
                              [this] { return m_arrived >= m_count; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_all;
    int m_count;
    int m_arrived = 0;
};

} // namespace

class tst_CodeExecution : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void directListOffersOnlyDirectTools();
    void allowedCallersAreEnforcedByTheHost();
    void wrongArgumentsRaiseInvalidInput();
    void callsFromThreadsAndTasksAreInFlightTogether();
    void largeResultsArriveWholeUpToTheCap();
    void floodStopsAtTheCallBudget();
    void malformedFramesGetPreciseErrors();
    void scriptThatNeverEndsTimesOut();
    void javascriptCallsTools();
    void modelSeesOnlyTheScriptsOutput();
    void usersOwnToolsAreCalledTheSameWay();
    void otherUsersCannotReachTheChannel();

private:
    tools::ToolOutput runScript(const std::string &code, const std::string &language = "python");
    std::vector<json> auditLines(const std::string &run) const;

    QTemporaryDir m_root;
    QString m_workspace;
    QString m_remote;
    std::unique_ptr<audit::AuditLog> m_audit;
    tools::ToolRegistry m_registry;
    std::unique_ptr<ptc::ToolBroker> m_broker;
    std::unique_ptr<sandbox::BubblewrapSandbox> m_sandbox;
    std::unique_ptr<ptc::CodeExecutionTool> m_code;
    Gathering m_gathering{8};
};

void tst_CodeExecution::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("bwrap")).isEmpty())
        QSKIP("bubblewrap is not installed");

    // A workspace cloned from a bare remote on this machine, as a review would have it.
    m_remote = m_root.filePath(QStringLiteral("remote.git"));
    const QString seed = m_root.filePath(QStringLiteral("seed"));
    git({"init", "-q", "-b", "main", seed});
    QFile notes(seed + QStringLiteral("/notes.txt"));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("hello\n");
    notes.close();
    git({"add", "notes.txt"}, seed);
    git({"-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-qm", "seed"}, seed);
    git({"clone", "-q", "--bare", seed, m_remote});
    m_workspace = m_root.filePath(QStringLiteral("workspace"));
    git({"clone", "-q", m_remote, m_workspace});
    QVERIFY(!git({"--git-dir", m_remote, "rev-parse", "main"}).isEmpty());

    m_audit = std::make_unique<audit::AuditLog>(m_root.filePath(QStringLiteral("audit.jsonl")));
    QVERIFY(m_audit->open().has_value());

    m_registry.add(std::make_unique<FunctionTool>(
        "get_issue", objectSchema({{"id", {{"type", "integer"}}}}, {"id"}), kDirectAndCode,
        [](const json &input) {
            return tools::ToolOutput::ok(
                json({{"id", input["id"]}, {"title", "Crash on empty CSV"}}).dump());
        }));
    m_registry.add(std::make_unique<FunctionTool>(
        "list_files", objectSchema({{"dir", {{"type", "string"}}}}, {"dir"}), kCodeOnly,
        [this](const json &) {
            json names = json::array();
            for (const QString &name : QDir(m_workspace).entryList(QDir::Files))
                names.push_back(name.toStdString());
            return tools::ToolOutput::ok(names.dump());
        }));
    // Pushes with the host's own access to the remote: never callable from code.
    m_registry.add(std::make_unique<FunctionTool>(
        "git_push",
        objectSchema({{"branch", {{"type", "string"}}}, {"force", {{"type", "boolean"}}}},
                     {"branch"}),
        std::vector<std::string>{},
        [this](const json &input) {
            git({"push", "-f", "origin", "HEAD:" + QString::fromStdString(input["branch"])},
                m_workspace);
            return tools::ToolOutput::ok("pushed");
        },
        false));
    m_registry.add(std::make_unique<FunctionTool>(
        "run_tool",
        objectSchema({{"name", {{"type", "string"}}}, {"args", {{"type", "object"}}}}, {"name"}),
        std::vector<std::string>{llm::callers::kDirect},
        [](const json &) { return tools::ToolOutput::ok("dispatched"); }));
    m_registry.add(std::make_unique<FunctionTool>(
        "gather", objectSchema(json::object(), json::array()), kCodeOnly, [this](const json &) {
            return m_gathering.arrive() ? tools::ToolOutput::ok("together")
                                        : tools::ToolOutput::error("calls came one at a time");
        }));
    m_registry.add(std::make_unique<FunctionTool>(
        "big", objectSchema({{"bytes", {{"type", "integer"}, {"minimum", 0}}}}, {"bytes"}),
        kCodeOnly, [](const json &input) {
            // Multi-byte characters, so that chunk edges fall inside them.
            std::string text;
            const long long bytes = input["bytes"].get<long long>();
            while (qint64(text.size()) + 3 <= bytes)
                text += "\xe2\x82\xac"; // €
            return tools::ToolOutput::ok(text);
        }));

    // A tool of the user's own (tools.json): a program on the host, through the same registry.
    tools::CommandTool::Definition lookup;
    lookup.spec = {"word_count",
                   "Counts words",
                   objectSchema({{"text", {{"type", "string"}}}}, {"text"}),
                   {},
                   kCodeOnly};
    lookup.command = {QStringLiteral("python3"), QStringLiteral("-c"),
                      QStringLiteral("import json,sys; print(len(json.load(sys.stdin)['text']"
                                     ".split()))")};
    m_registry.add(std::make_unique<tools::CommandTool>(lookup));

    m_broker = std::make_unique<ptc::ToolBroker>(m_registry, m_audit.get());
    QVERIFY(m_broker->check().has_value());
    sandbox::SandboxPolicy policy;
    policy.workspace = m_workspace;
    policy.channelFolders << m_broker->channel();
    m_sandbox = std::make_unique<sandbox::BubblewrapSandbox>(policy);
    auto started = m_sandbox->start();
    QVERIFY2(started.has_value(), started ? "" : qPrintable(started.error().message));

    ptc::CodeExecutionTool::Limits limits;
    limits.timeout = std::chrono::seconds(60);
    m_code = std::make_unique<ptc::CodeExecutionTool>(*m_sandbox, *m_broker, limits);
}

void tst_CodeExecution::cleanupTestCase()
{
    m_code.reset();
    if (m_sandbox)
        m_sandbox->stop();
}

tools::ToolOutput tst_CodeExecution::runScript(const std::string &code, const std::string &language)
{
    return m_code->run({{"language", language}, {"code", code}}, {});
}

std::vector<json> tst_CodeExecution::auditLines(const std::string &run) const
{
    std::vector<json> lines;
    QFile file(m_audit->path());
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const json entry = json::parse(line.toStdString(), nullptr, false);
        if (entry.is_object() && entry.value("kind", "") == "ptc_call"
            && entry.value("run", "") == run)
            lines.push_back(entry);
    }
    return lines;
}

void tst_CodeExecution::directListOffersOnlyDirectTools()
{
    // In a session the code tool sits in the registry whose tools it describes.
    m_registry.add(std::make_unique<ptc::CodeExecutionTool>(*m_sandbox, *m_broker,
                                                            ptc::CodeExecutionTool::Limits{}));
    QStringList direct;
    for (const llm::ToolSpec &spec : m_registry.specs())
        direct << QString::fromStdString(spec.name);
    QStringList code;
    for (const llm::ToolSpec &spec : m_registry.codeSpecs())
        code << QString::fromStdString(spec.name);

    QVERIFY(direct.contains("get_issue") && direct.contains("git_push"));
    QVERIFY(direct.contains("code_execution"));
    QVERIFY(!direct.contains("list_files"));
    QVERIFY(code.contains("get_issue") && code.contains("list_files"));
    QVERIFY(!code.contains("git_push") && !code.contains("run_tool"));
    QVERIFY(!code.contains("code_execution"));
    QVERIFY(m_registry.find("list_files") == nullptr);
    QVERIFY(m_registry.findForCode("git_push") == nullptr);
    // The code tool tells the model about what scripts may call, and nothing else.
    const std::string description = m_code->spec().description;
    QVERIFY(description.find("tandem_tools.list_files(dir)") != std::string::npos);
    QVERIFY(description.find("git_push") == std::string::npos);
}

// Case 18: the script's view of the tools is not the policy; the host is.
void tst_CodeExecution::allowedCallersAreEnforcedByTheHost()
{
    const QString before = git({"--git-dir", m_remote, "rev-parse", "main"});
    const auto output = runScript(R"PY(
import json, os
from tandem_tools import call, send_raw, ToolError

def attempt(label, fn):
    try:
        fn()
        print("REACHED", label)
    except ToolError as e:
        print("denied", label, e.kind)
    except Exception as e:
        print("denied", label, type(e).__name__)

print(call("get_issue", {"id": 7})["title"])
print(len(call("list_files", {"dir": "."})))
for name in ["git_push", "GIT_PUSH", "git_push ", "git\u200b_push", "git_push\x00", "git_pus"]:
    attempt("name:" + repr(name), lambda n=name: call(n, {"branch": "main", "force": True}))
attempt("dispatcher", lambda: call("run_tool", {"name": "git_push", "args": {"branch": "main"}}))
attempt("self", lambda: call("code_execution", {"code": "print(1)"}))
attempt("forged-frame", lambda: send_raw(json.dumps(
    {"tool": "git_push", "caller": {"type": "direct"}, "allowed_callers": ["programmatic"],
     "args": {"branch": "main"}})))
attempt("forged-fields", lambda: send_raw(json.dumps(
    {"id": 99, "tool": "git_push", "input": {"branch": "main"}, "caller": "direct"})))
attempt("git-cli", lambda: os.system("git push -f origin HEAD:main 2>/dev/null") == 0
        or (_ for _ in ()).throw(RuntimeError()))
)PY");
    const QString text = QString::fromStdString(output.text);
    QVERIFY2(!output.isError, qPrintable(text));
    QVERIFY2(text.contains("Crash on empty CSV\n"), qPrintable(text));
    QVERIFY2(text.contains("\n1\n") || text.contains(":\n1\n"), qPrintable(text));
    QVERIFY2(!text.contains("REACHED"), qPrintable(text));
    QCOMPARE(text.count("denied name:"), 6);
    QCOMPARE(text.count("not_allowed"), 8);
    QVERIFY2(text.contains("denied forged-frame bad_request"), qPrintable(text));
    QVERIFY2(text.contains("denied forged-fields bad_request"), qPrintable(text));
    QVERIFY2(text.contains("denied git-cli RuntimeError"), qPrintable(text));

    // The host's push never ran, and the remote is where it was.
    QCOMPARE(git({"--git-dir", m_remote, "rev-parse", "main"}), before);
    const auto lines = auditLines(output.details["run"]);
    int refused = 0;
    for (const json &line : lines) {
        QCOMPARE(line["caller"].get<std::string>(), std::string("code_execution"));
        QVERIFY(line["outcome"] != "ok" || line["tool"] == "get_issue"
                || line["tool"] == "list_files");
        refused += line["outcome"] != "ok";
    }
    QCOMPARE(refused, 10);
}

void tst_CodeExecution::wrongArgumentsRaiseInvalidInput()
{
    const auto output = runScript(R"PY(
import tandem_tools
for args in ({"id": "seven"}, {}, {"id": 7, "extra": 1}):
    try:
        tandem_tools.call("get_issue", args)
    except tandem_tools.ToolError as e:
        print(e.kind, "|", e.message)
try:
    tandem_tools.get_issue(ident=7)
except TypeError:
    print("TypeError before any call")
print(tandem_tools.get_issue(id=7)["id"])
)PY");
    const QString text = QString::fromStdString(output.text);
    QVERIFY2(text.contains("invalid_input | get_issue: id: expected integer, got string"),
             qPrintable(text));
    QVERIFY2(text.contains("invalid_input | get_issue: id: is required"), qPrintable(text));
    QVERIFY2(text.contains("invalid_input | get_issue: extra: is not a parameter"),
             qPrintable(text));
    QVERIFY2(text.contains("TypeError before any call"), qPrintable(text));
    QVERIFY2(text.contains("\n7\n"), qPrintable(text));
}

void tst_CodeExecution::callsFromThreadsAndTasksAreInFlightTogether()
{
    // Four threads and four awaited tasks: the tool lets them through only when all eight are
    // waiting in it at once.
    const auto output = runScript(R"PY(
import asyncio, threading, tandem_tools
results = []
def worker():
    results.append(tandem_tools.gather())
threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
async def main():
    return await asyncio.gather(*[tandem_tools.aio.gather() for _ in range(4)])
results.extend(asyncio.run(main()))
for t in threads:
    t.join()
print(sorted(results))
)PY");
    const QString text = QString::fromStdString(output.text);
    QVERIFY2(text.contains("['together', 'together', 'together', 'together', 'together', "
                           "'together', 'together', 'together']"),
             qPrintable(text));
}

void tst_CodeExecution::largeResultsArriveWholeUpToTheCap()
{
    const auto output = runScript(R"PY(
import hashlib, tandem_tools
text = tandem_tools.big(bytes=3_000_000)
print(len(text), text == "\u20ac" * 1_000_000)
try:
    tandem_tools.big(bytes=9_000_000)
except tandem_tools.ToolError as e:
    print(e.kind)
)PY");
    const QString text = QString::fromStdString(output.text);
    QVERIFY2(text.contains("1000000 True"), qPrintable(text));
    QVERIFY2(text.contains("result_too_large"), qPrintable(text));
    // Only what the script printed reaches the model, not three megabytes.
    QVERIFY(output.text.size() < 1000);
}

void tst_CodeExecution::floodStopsAtTheCallBudget()
{
    const auto output = runScript(R"PY(
import tandem_tools
done = 0
try:
    for i in range(5000):
        tandem_tools.get_issue(id=i)
        done += 1
except tandem_tools.ToolError as e:
    print(done, e.kind, e.message)
)PY");
    const QString text = QString::fromStdString(output.text);
    QVERIFY2(text.contains("1000 budget_exhausted tool-call limit reached: 1000 calls per run"),
             qPrintable(text));
    QCOMPARE(int(output.details["calls"].size()), 1001);
}

void tst_CodeExecution::malformedFramesGetPreciseErrors()
{
    const auto output = runScript(R"PY(
import socket, struct, os, tandem_tools
def raw(frame):
    s = socket.socket(socket.AF_UNIX)
    s.connect(os.environ["TANDEM_TOOLS_SOCKET"])
    s.sendall(frame)
    s.settimeout(10)
    answer = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
    return answer[4:].decode()
print("A", raw(struct.pack(">I", 9) + b"not json!"))
print("B", raw(struct.pack(">I", 50_000_000) + b"x" * 100))
print("C", raw(b"\x00\x00"))
print("D", tandem_tools.get_issue(id=1)["id"])
deep = (b'{"id": 5, "tool": "get_issue", "input": {"id": 1, "x": '
        + b"[" * 100000 + b"]" * 100000 + b"}}")
print("E", raw(struct.pack(">I", len(deep)) + deep))
import threading
results = []
for _ in range(40):  # one after another, each on a connection of its own
    t = threading.Thread(target=lambda: results.append(tandem_tools.get_issue(id=2)["id"]))
    t.start()
    t.join()
print("F", len(results))
)PY");
    const QString text = QString::fromStdString(output.text);
    QVERIFY2(text.contains("A {\"error\":{\"message\":\"the frame is not JSON"), qPrintable(text));
    QVERIFY2(text.contains("B {\"error\":{\"message\":\"a request may be at most 1048576 bytes"),
             qPrintable(text));
    QVERIFY2(text.contains("C {\"error\":{\"message\":\"a frame began but did not end within "
                           "2000 ms"),
             qPrintable(text));
    QVERIFY2(text.contains("D 1"), qPrintable(text));
    // A frame of nothing but brackets is refused before anything recurses over it.
    QVERIFY2(text.contains("E {\"error\":{\"message\":\"a request may nest at most 64 levels"),
             qPrintable(text));
    // Connections that ended do not count against the cap of those open at once.
    QVERIFY2(text.contains("F 40"), qPrintable(text));
}

void tst_CodeExecution::scriptThatNeverEndsTimesOut()
{
    ptc::CodeExecutionTool::Limits limits;
    limits.timeout = std::chrono::seconds(2);
    ptc::CodeExecutionTool quick(*m_sandbox, *m_broker, limits);
    QElapsedTimer clock;
    clock.start();
    const auto output = quick.run(
        {{"code", "import tandem_tools, threading\nprint(tandem_tools.get_issue(id=1)['id'], "
                  "flush=True)\nthreading.Event().wait()\n"}},
        {});
    QVERIFY(output.isError);
    QVERIFY2(output.text.find("timed out") != std::string::npos, output.text.c_str());
    QVERIFY(clock.elapsed() < 20'000);
    // The host is free again at once.
    QVERIFY(runScript("print(2 + 2)").text.find("4") != std::string::npos);
}

void tst_CodeExecution::javascriptCallsTools()
{
    if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())
        QSKIP("node is not installed");
    const auto output = runScript(R"JS(
const t = require('tandem_tools');
(async () => {
  const [a, b] = await Promise.all([t.get_issue({ id: 3 }), t.list_files({ dir: '.' })]);
  console.log(a.title, b.length);
  try { await t.call('git_push', { branch: 'main' }); } catch (e) { console.log('denied', e.kind); }
})();
)JS",
                                  "javascript");
    const QString text = QString::fromStdString(output.text);
    QVERIFY2(text.contains("Crash on empty CSV 1"), qPrintable(text));
    QVERIFY2(text.contains("denied not_allowed"), qPrintable(text));
    QVERIFY2(text.contains("exit status: 0"), qPrintable(text));
}

void tst_CodeExecution::modelSeesOnlyTheScriptsOutput()
{
    const auto output = runScript(R"PY(
import sys, tandem_tools
issues = [tandem_tools.get_issue(id=i) for i in range(20)]
print("titles:", len({i["title"] for i in issues}))
print("a warning", file=sys.stderr)
sys.exit(3)
)PY");
    QVERIFY(output.isError);
    QCOMPARE(QString::fromStdString(output.text),
             QStringLiteral("stdout:\ntitles: 1\nstderr:\na warning\nexit status: 3\n"));
    QCOMPARE(int(output.details["calls"].size()), 20);
    QCOMPARE(output.details["exit_status"].get<int>(), 3);
}

void tst_CodeExecution::usersOwnToolsAreCalledTheSameWay()
{
    const auto output = runScript("import tandem_tools\n"
                                  "print(tandem_tools.word_count(text='one two three'))\n");
    QVERIFY2(output.text.find("stdout:\n3\n") != std::string::npos, output.text.c_str());
}

// The channel belongs to Tandem's user: another local user can neither read a run's script nor
// connect to its socket.
void tst_CodeExecution::otherUsersCannotReachTheChannel()
{
    if (::geteuid() != 0)
        QSKIP("needs root to act as another user");
    auto run = m_broker->openRun({});
    QVERIFY(run.has_value());
    const QByteArray socketPath = QFile::encodeName((*run)->socketPath());

    const pid_t child = ::fork();
    if (child == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0
            || ::setresuid(65534, 65534, 65534) != 0)
            ::_exit(2);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, socketPath.constData(), socketPath.size() + 1);
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        const bool connected =
            ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0;
        ::_exit(connected ? 1 : 0);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
    (*run)->close();
}

QTEST_GUILESS_MAIN(tst_CodeExecution)
#include "tst_codeexecution.moc"
