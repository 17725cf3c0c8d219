#include "agent/agentloop.h"
#include "audit/auditlog.h"
#include "llm/anthropicclient.h"

#include "../support/replayserver.h"
#include "../support/sseevents.h"

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
    RecordingTool(std::string name, int delayMs = 0)
        : m_name(std::move(name))
        , m_delayMs(delayMs)
    {}

    llm::ToolSpec spec() const override
    {
        return {m_name, "test tool", {{"type", "object"}, {"properties", json::object()}}, {}, {}};
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
};

struct Harness
{
    explicit Harness(QList<ReplayServer::Response> responses, int toolDelayMs = 0)
        : server(std::move(responses))
        , client([this] {
            llm::AnthropicClient::Config config;
            config.baseUrl = server.baseUrl();
            config.apiKey = QStringLiteral("k");
            config.model = QStringLiteral("m");
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

    auto outcome = loop.run(QStringLiteral("Which files are open?"));
    QVERIFY2(outcome.has_value(), outcome ? "" : qPrintable(outcome.error().message));
    QCOMPARE(outcome->stop, agent::AgentOutcome::Stop::EndTurn);
    QCOMPARE(outcome->finalText, QStringLiteral("Two files are open."));
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
    agent::AgentLoop loop(h.client, h.registry, &h.log, {.systemPrompt = {}, .maxTurns = 3});

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

    auto outcome = loop.run(QStringLiteral("go"));
    QVERIFY(!outcome.has_value());
    QVERIFY(outcome.error().message.contains(QStringLiteral("overloaded_error")));
    QVERIFY(h.tool->calls.empty());
    QVERIFY(!h.auditText().contains("\"kind\":\"tool_call\""));

    // Sending again works, and the half reply is not part of what the model is shown.
    auto retried = loop.run(QStringLiteral("try again"));
    QVERIFY(retried.has_value());
    QCOMPARE(retried->finalText, QStringLiteral("Retried OK."));
    const QByteArray second = h.server.requestBodies().value(1);
    QVERIFY(!second.contains("rm -rf"));
    QCOMPARE(json::parse(second.toStdString())["messages"].size(), size_t(1));
}

QTEST_GUILESS_MAIN(tst_AgentLoop)
#include "tst_agentloop.moc"
