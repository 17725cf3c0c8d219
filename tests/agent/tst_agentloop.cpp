#include "agent/agentloop.h"
#include "audit/auditlog.h"
#include "llm/anthropicclient.h"

#include "../support/replayserver.h"
#include "../support/sseevents.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace tandem;
using nlohmann::json;

namespace {

constexpr auto sseEvent = &sseevents::event;
using sseevents::messageStart;

QByteArray toolCall(const std::string &id, const std::string &name, const std::string &input)
{
    return sseevents::toolCallReply(id, name, input);
}

QByteArray text(const std::string &words)
{
    return sseevents::textReply(words);
}

ReplayServer::Response respond(const QByteArray &stream)
{
    return {"200 OK", ReplayServer::cut(stream, 48, 11)};
}

// A tool that records its calls; `delayMs` makes it slow enough to be stopped.
class RecordingTool : public tools::Tool
{
public:
    RecordingTool(std::string name, int delayMs = 0, std::vector<std::string> callers = {})
        : m_name(std::move(name))
        , m_delayMs(delayMs)
        , m_callers(std::move(callers))
    {}

    llm::ToolSpec spec() const override
    {
        return {m_name,
                "test tool",
                {{"type", "object"}, {"properties", json::object()}},
                {},
                m_callers};
    }

    tools::ToolOutput run(const json &input, const base::CancelToken &cancel) override
    {
        calls.push_back(input);
        for (int waited = 0; waited < m_delayMs && !cancel.isCancelled(); waited += 10)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return cancel.isCancelled() ? tools::ToolOutput::error("stopped")
                                    : tools::ToolOutput::ok("file-a\nfile-b");
    }

    std::vector<json> calls;

private:
    std::string m_name;
    int m_delayMs;
    std::vector<std::string> m_callers;
};

// A reply in Anthropic's server-side form: its code runs on the provider's side and calls
// `tool` from there, in the container `container` that expires at `expiresAt`.
QByteArray callFromServerCode(const std::string &tool, const std::string &expiresAt)
{
    QByteArray stream = messageStart();
    stream += sseEvent({{"type", "content_block_start"},
                        {"index", 0},
                        {"content_block",
                         {{"type", "server_tool_use"},
                          {"id", "srvtoolu_1"},
                          {"name", "code_execution"},
                          {"input", json::object()}}}});
    stream += sseEvent({{"type", "content_block_delta"},
                        {"index", 0},
                        {"delta",
                         {{"type", "input_json_delta"},
                          {"partial_json", R"J({"code": "print(region_totals())"})J"}}}});
    stream += sseEvent({{"type", "content_block_stop"}, {"index", 0}});
    stream += sseEvent(
        {{"type", "content_block_start"},
         {"index", 1},
         {"content_block",
          {{"type", "tool_use"},
           {"id", "toolu_c1"},
           {"name", tool},
           {"input", json::object()},
           {"caller", {{"type", "code_execution_20250825"}, {"tool_id", "srvtoolu_1"}}}}}});
    stream += sseEvent({{"type", "content_block_stop"}, {"index", 1}});
    stream += sseEvent({{"type", "message_delta"},
                        {"delta",
                         {{"stop_reason", "tool_use"},
                          {"container", {{"id", "container_9"}, {"expires_at", expiresAt}}}}},
                        {"usage", {{"output_tokens", 9}}}});
    stream += sseEvent({{"type", "message_stop"}});
    return stream;
}

struct Harness
{
    explicit Harness(QList<ReplayServer::Response> responses, int toolDelayMs = 0)
        : server(std::move(responses))
        , client([this] {
            llm::AnthropicClient::Config config;
            config.baseUrl = server.baseUrl();
            config.apiKey = QStringLiteral("k");
            config.model = QStringLiteral("m");
            config.retry.baseDelay = std::chrono::milliseconds(50);
            return config;
        }())
        , log(dir.filePath(QStringLiteral("audit.jsonl")))
    {
        auto recording = std::make_unique<RecordingTool>("list_open_files", toolDelayMs);
        tool = recording.get();
        registry.add(std::move(recording));
        log.open();
    }

    QByteArray auditText() const
    {
        QFile file(log.path());
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    QTemporaryDir dir;
    ReplayServer server;
    llm::AnthropicClient client;
    tools::ToolRegistry registry;
    RecordingTool *tool = nullptr;
    audit::AuditLog log;
};

} // namespace

class tst_AgentLoop : public QObject
{
    Q_OBJECT

private slots:
    void answersEachToolCall_data();
    void answersEachToolCall();
    void unknownToolIsAnError();
    void stopsAtTheTurnBudget();
    void cancelStopsARunningTool();
    void interruptedReplyRunsNothing();
    void callsFromProviderCodeAreAnsweredInItsContainer();
    void expiredContainerGetsAnErrorAndIsDropped();
    void providerCodeCannotCallDirectOnlyTools();
    void binaryToolOutputKeepsTheSessionGoing();
    void announcesEachCompletedMessage();
    void resumedConversationAnswersLostToolCalls();
};

void tst_AgentLoop::answersEachToolCall_data()
{
    QTest::addColumn<QString>("partialJson");
    QTest::addColumn<QString>("expectedInput");
    QTest::newRow("no input deltas") << QString() << QStringLiteral("{}");
    QTest::newRow("fragmented input")
        << QStringLiteral(R"({"filter": "*.py"})") << QStringLiteral(R"({"filter":"*.py"})");
}

void tst_AgentLoop::answersEachToolCall()
{
    QFETCH(QString, partialJson);
    QFETCH(QString, expectedInput);

    Harness h({respond(toolCall("toolu_1", "list_open_files", partialJson.toStdString())),
               respond(text("Two files are open."))});
    agent::AgentLoop loop(h.client, h.registry, &h.log, {});
    QSignalSpy finished(&loop, &agent::AgentLoop::toolCallFinished);
    QSignalSpy inputPieces(&loop, &agent::AgentLoop::toolInputDelta);

    auto outcome = loop.run(QStringLiteral("Which files are open?"));
    QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));
    QCOMPARE(outcome->stop, agent::AgentOutcome::Stop::EndTurn);
    QCOMPARE(outcome->finalText, QStringLiteral("Two files are open."));

    // The input as it streamed, piece by piece, for a window that shows it early.
    QString streamed;
    for (const QList<QVariant> &piece : std::as_const(inputPieces)) {
        QCOMPARE(piece.at(0).toString(), QStringLiteral("toolu_1"));
        QCOMPARE(piece.at(1).toString(), QStringLiteral("list_open_files"));
        streamed += piece.at(2).toString();
    }
    QCOMPARE(streamed, partialJson);
    QCOMPARE(h.tool->calls.size(), size_t(1));
    QCOMPARE(h.tool->calls.front(), json::parse(expectedInput.toStdString()));
    QCOMPARE(finished.count(), 1);

    // What the model is sent next: its own call with an object input, and the answer to it.
    const json second = json::parse(h.server.requestBodies().value(1).toStdString());
    const json &call = second["messages"][1]["content"][0];
    QCOMPARE(call["type"], json("tool_use"));
    QVERIFY(call["input"].is_object());
    QCOMPARE(call["input"], json::parse(expectedInput.toStdString()));
    const json &answer = second["messages"][2]["content"][0];
    QCOMPARE(answer["type"], json("tool_result"));
    QCOMPARE(answer["tool_use_id"], json("toolu_1"));
    QCOMPARE(answer["content"], json("file-a\nfile-b"));

    QVERIFY(audit::AuditLog::verify(h.log.path()).has_value());
    QVERIFY(h.auditText().contains("\"kind\":\"tool_call\""));
    QVERIFY(h.auditText().contains("\"kind\":\"model_request\""));
}

void tst_AgentLoop::unknownToolIsAnError()
{
    Harness h({respond(toolCall("toolu_x", "rm_everything", "")), respond(text("Sorry."))});
    agent::AgentLoop loop(h.client, h.registry, &h.log, {});
    QVERIFY(loop.run(QStringLiteral("go")).has_value());

    const json second = json::parse(h.server.requestBodies().value(1).toStdString());
    const json &answer = second["messages"][2]["content"][0];
    QCOMPARE(answer["is_error"], json(true));
    QVERIFY(answer["content"].get<std::string>().find("rm_everything") != std::string::npos);
}

void tst_AgentLoop::stopsAtTheTurnBudget()
{
    QList<ReplayServer::Response> calls;
    for (int i = 0; i < 3; ++i)
        calls << respond(toolCall("toolu_" + std::to_string(i), "list_open_files", ""));
    Harness h(calls);
    agent::AgentLoop loop(h.client, h.registry, &h.log,
                          {.systemPrompt = {}, .maxTurns = 3, .serverCodeExecution = {}});

    auto outcome = loop.run(QStringLiteral("loop forever"));
    QVERIFY(outcome.has_value());
    QCOMPARE(outcome->stop, agent::AgentOutcome::Stop::TurnBudget);
    QCOMPARE(outcome->turns, 3);
}

void tst_AgentLoop::cancelStopsARunningTool()
{
    Harness h({respond(toolCall("toolu_1", "list_open_files", ""))}, 30'000);
    agent::AgentLoop loop(h.client, h.registry, &h.log, {});
    QSignalSpy started(&loop, &agent::AgentLoop::toolCallStarted);

    std::thread stopper([&loop, &started] {
        for (int i = 0; i < 500 && started.count() == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        loop.cancel();
    });
    QElapsedTimer clock;
    clock.start();
    auto outcome = loop.run(QStringLiteral("go"));
    stopper.join();

    QVERIFY(outcome.has_value());
    QCOMPARE(outcome->stop, agent::AgentOutcome::Stop::Cancelled);
    QVERIFY(clock.elapsed() < 5000);
    // The conversation stays valid: the call has its answer.
    QCOMPARE(loop.conversation().back().content.front().type, llm::ContentBlock::Type::ToolResult);
}

void tst_AgentLoop::interruptedReplyRunsNothing()
{
    // Case 03, variant B: the error arrives in the middle of a tool call's input.
    const QByteArray cutOff =
        messageStart()
        + sseEvent({{"type", "content_block_start"},
                    {"index", 0},
                    {"content_block",
                     {{"type", "tool_use"},
                      {"id", "toolu_03"},
                      {"name", "list_open_files"},
                      {"input", json::object()}}}})
        + sseEvent(
            {{"type", "content_block_delta"},
             {"index", 0},
             {"delta", {{"type", "input_json_delta"}, {"partial_json", "{\"cmd\": \"rm -rf bu"}}}})
        + sseEvent({{"type", "error"},
                    {"error", {{"type", "overloaded_error"}, {"message", "Overloaded"}}}});
    Harness h({respond(cutOff), respond(text("Retried OK."))});
    agent::AgentLoop loop(h.client, h.registry, &h.log, {});
    QString shown;
    connect(&loop, &agent::AgentLoop::textDelta, this, [&shown](const QString &t) { shown += t; });

    // The overload is retried automatically, by its error type; the half tool call never runs.
    auto outcome = loop.run(QStringLiteral("go"));
    QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));
    QCOMPARE(outcome->finalText, QStringLiteral("Retried OK."));
    QVERIFY(h.tool->calls.empty());
    QVERIFY(!h.auditText().contains("\"kind\":\"tool_call\""));
    QVERIFY(h.auditText().contains("\"kind\":\"model_retry\""));
    QVERIFY2(shown.contains(QStringLiteral("Interrupted: overloaded_error")), qPrintable(shown));

    // The half reply is not part of what the model is shown the second time.
    const QByteArray second = h.server.requestBodies().value(1);
    QVERIFY(!second.contains("rm -rf"));
    QCOMPARE(json::parse(second.toStdString())["messages"].size(), size_t(1));
}

void tst_AgentLoop::callsFromProviderCodeAreAnsweredInItsContainer()
{
    const std::string later =
        QDateTime::currentDateTimeUtc().addSecs(600).toString(Qt::ISODate).toStdString();
    Harness h(
        {respond(callFromServerCode("region_totals", later)), respond(text("The West leads."))});
    h.registry.add(std::make_unique<RecordingTool>(
        "region_totals", 0, std::vector<std::string>{llm::callers::kCodeExecution20250825}));
    agent::AgentLoop loop(h.client, h.registry, &h.log,
                          {.systemPrompt = {},
                           .maxTurns = 5,
                           .serverCodeExecution = llm::callers::kCodeExecution20250825});
    auto outcome = loop.run(QStringLiteral("Which region leads?"));
    QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));

    // Offered: the provider's code tool, and the tool with the callers it allows.
    const json first = json::parse(h.server.requestBodies().value(0).toStdString());
    QCOMPARE(first["tools"][0],
             json({{"type", "code_execution_20250825"}, {"name", "code_execution"}}));
    QCOMPARE(first["tools"].back()["name"], json("region_totals"));
    QCOMPARE(first["tools"].back()["allowed_callers"], json({"code_execution_20250825"}));
    QVERIFY(!first.contains("container"));

    // The answer: its container, the calls replayed as they came, and tool results only.
    const json second = json::parse(h.server.requestBodies().value(1).toStdString());
    QCOMPARE(second["container"], json("container_9"));
    const json &asked = second["messages"][1]["content"];
    QCOMPARE(asked[0]["type"], json("server_tool_use"));
    QCOMPARE(asked[0]["input"]["code"], json("print(region_totals())"));
    QCOMPARE(asked[1]["caller"]["tool_id"], json("srvtoolu_1"));
    const json &answer = second["messages"][2]["content"];
    QCOMPARE(answer.size(), size_t(1));
    QCOMPARE(answer[0]["type"], json("tool_result"));
    QCOMPARE(answer[0]["content"], json("file-a\nfile-b"));
    QVERIFY(h.auditText().contains("\"caller\":\"code_execution_20250825\""));
}

void tst_AgentLoop::expiredContainerGetsAnErrorAndIsDropped()
{
    Harness h({respond(callFromServerCode("region_totals", "2020-01-01T00:00:00Z")),
               respond(text("I will run it again."))});
    auto tool = std::make_unique<RecordingTool>(
        "region_totals", 0, std::vector<std::string>{llm::callers::kCodeExecution20250825});
    RecordingTool *recording = tool.get();
    h.registry.add(std::move(tool));
    agent::AgentLoop loop(h.client, h.registry, &h.log,
                          {.systemPrompt = {},
                           .maxTurns = 5,
                           .serverCodeExecution = llm::callers::kCodeExecution20250825});
    QVERIFY(loop.run(QStringLiteral("Which region leads?")).has_value());

    QVERIFY(recording->calls.empty());
    const json second = json::parse(h.server.requestBodies().value(1).toStdString());
    QVERIFY(!second.contains("container"));
    const json &answer = second["messages"][2]["content"][0];
    QCOMPARE(answer["is_error"], json(true));
    QVERIFY(answer["content"].get<std::string>().find("expired") != std::string::npos);
    QVERIFY(h.auditText().contains("\"kind\":\"container_expired\""));
}

void tst_AgentLoop::providerCodeCannotCallDirectOnlyTools()
{
    const std::string later =
        QDateTime::currentDateTimeUtc().addSecs(600).toString(Qt::ISODate).toStdString();
    // list_open_files allows the model only: a call claiming to come from code is refused.
    Harness h({respond(callFromServerCode("list_open_files", later)), respond(text("Ok."))});
    agent::AgentLoop loop(h.client, h.registry, &h.log,
                          {.systemPrompt = {},
                           .maxTurns = 5,
                           .serverCodeExecution = llm::callers::kCodeExecution20250825});
    QVERIFY(loop.run(QStringLiteral("go")).has_value());

    QVERIFY(h.tool->calls.empty());
    const json second = json::parse(h.server.requestBodies().value(1).toStdString());
    const json &answer = second["messages"][2]["content"][0];
    QCOMPARE(answer["is_error"], json(true));
    QVERIFY(answer["content"].get<std::string>().find("may not be called from code")
            != std::string::npos);
}

// A tool that printed bytes that are not UTF-8 (a binary file, say): the next request still goes
// out, with the bad bytes replaced.
void tst_AgentLoop::binaryToolOutputKeepsTheSessionGoing()
{
    class BinaryTool : public tools::Tool
    {
    public:
        llm::ToolSpec spec() const override
        {
            return {"cat_binary", "test tool", {{"type", "object"}}, {}, {}};
        }
        tools::ToolOutput run(const json &, const base::CancelToken &) override
        {
            return tools::ToolOutput::ok("bad \xff\xfe end");
        }
    };
    Harness h({respond(toolCall("toolu_b", "cat_binary", "")), respond(text("It is binary."))});
    h.registry.add(std::make_unique<BinaryTool>());
    agent::AgentLoop loop(h.client, h.registry, &h.log, {});
    auto outcome = loop.run(QStringLiteral("Show the file"));
    QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));
    QCOMPARE(outcome->finalText, QStringLiteral("It is binary."));
    const json second = json::parse(h.server.requestBodies().value(1).toStdString());
    QCOMPARE(second["messages"][2]["content"][0]["content"], json("bad \ufffd\ufffd end"));
}

void tst_AgentLoop::announcesEachCompletedMessage()
{
    Harness h({respond(toolCall("toolu_1", "list_open_files", "")), respond(text("Done."))});
    agent::AgentLoop loop(h.client, h.registry, &h.log, {});
    std::vector<std::pair<int, llm::Role>> announced;
    // Direct, as the session recorder connects: each arrives before the loop goes on.
    connect(
        &loop, &agent::AgentLoop::messageCompleted, this,
        [&](int index, const llm::Message &message) {
            announced.emplace_back(index, message.role);
            QCOMPARE(loop.conversation().size(), std::size_t(index + 1));
            QCOMPARE(h.server.requestBodies().size(), qsizetype((index + 1) / 2));
        },
        Qt::DirectConnection);

    QVERIFY(loop.run(QStringLiteral("Which files are open?")).has_value());
    const std::vector<std::pair<int, llm::Role>> expected{{0, llm::Role::User},
                                                          {1, llm::Role::Assistant},
                                                          {2, llm::Role::User},
                                                          {3, llm::Role::Assistant}};
    QVERIFY(announced == expected);
}

// A session saved while a tool ran: its result was lost with Tandem. The model is told so,
// and the follow-up joins that answer as one user message, announced at its index.
void tst_AgentLoop::resumedConversationAnswersLostToolCalls()
{
    Harness h({respond(text("Carrying on."))});
    agent::AgentLoop loop(h.client, h.registry, &h.log, {});
    loop.setConversation(
        {{llm::Role::User, {llm::ContentBlock::makeText("List the files")}},
         {llm::Role::Assistant,
          {llm::ContentBlock::makeToolUse("toolu_9", "list_open_files", json::object())}}});
    QSignalSpy announced(&loop, &agent::AgentLoop::messageCompleted);

    auto outcome = loop.run(QStringLiteral("Go on"));
    QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));
    QVERIFY(h.tool->calls.empty());

    const json sent = json::parse(h.server.requestBodies().value(0).toStdString())["messages"];
    QCOMPARE(sent.size(), std::size_t(3));
    QCOMPARE(sent[2]["content"][0]["tool_use_id"], json("toolu_9"));
    QCOMPARE(sent[2]["content"][0]["is_error"], json(true));
    QCOMPARE(sent[2]["content"][1]["text"], json("Go on"));
    QCOMPARE(announced.size(), 2);
    QCOMPARE(announced.at(0).at(0).toInt(), 2);
    QCOMPARE(announced.at(1).at(0).toInt(), 3);
}

QTEST_GUILESS_MAIN(tst_AgentLoop)
#include "tst_agentloop.moc"
