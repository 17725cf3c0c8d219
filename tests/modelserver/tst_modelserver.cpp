// Drives tandem-model-server as a client would: starts the binary, speaks HTTP/1.1 to it over a
// plain socket, decodes the chunked body and the server-sent events by hand.

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>

using json = nlohmann::json;

namespace {

constexpr int kTimeoutMs = 10000;

const char *const kScenarios = R"({
  "scenarios": [
    {
      "name": "two-step",
      "match": "(?i)run the check",
      "turns": [
        { "reply": [
            { "text": "Héllo wörld ✓ 日本語: long enough to be cut into several deltas." },
            { "tool_use": { "name": "bash",
                            "input": { "command": "echo ünïcode", "options": { "n": [1, 2] } } } }
        ] },
        { "expect": [ { "tool_result_contains": "PASSED" },
                      { "tool_result_not_contains": "ERROR" },
                      { "tool_result_matches": "\\d+ passed" },
                      { "tool_result_is_error": false } ],
          "reply": [ { "text": "All good." } ] }
      ]
    },
    {
      "name": "code-calls-tools",
      "match": "(?i)add up the sales",
      "turns": [
        { "reply": [
            { "text": "A script will add them up." },
            { "server_tool_use": { "name": "code_execution",
                                   "input": { "code": "print(lookup(q='sales'))\n" } } },
            { "tool_use": { "name": "lookup", "input": { "q": "sales" },
                            "caller": "code_execution" } }
        ] },
        { "expect": [ { "tool_result_contains": "42" }, { "tool_result_is_error": false } ],
          "reply": [ { "code_execution_result": { "stdout": "total 42\n", "stderr": "",
                                                  "return_code": 0 } },
                     { "text": "The sales add up to 42." } ] }
      ]
    },
    {
      "name": "code-outlives-container",
      "match": "slow script",
      "container_seconds": 1,
      "turns": [
        { "reply": [ { "server_tool_use": { "name": "code_execution", "input": { "code": "x" } } },
                     { "tool_use": { "name": "lookup", "input": { "q": "slow" },
                                     "caller": "code_execution" } } ] },
        { "expect": [ { "tool_result_is_error": true } ],
          "reply": [ { "text": "The container expired; I gave up on the script." } ] }
      ]
    },
    {
      "name": "custom-tool",
      "match": "look it up",
      "turns": [ { "reply": [ { "tool_use": { "name": "lookup", "input": { "q": "x" } } } ] } ]
    }
  ],
  "fallback": "No scenario for that."
})";

const char *const kFirstText = "Héllo wörld ✓ 日本語: long enough to be cut "
                               "into several deltas.";

struct HttpReply
{
    int status = 0;
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body; // chunked bodies already decoded
};

struct ToolCall
{
    std::string id;
    std::string name;
    json input;
};

// A streamed message put back together from its events.
struct StreamedMessage
{
    QStringList events;
    std::string text;
    int textDeltas = 0;
    int jsonDeltas = 0;
    std::vector<ToolCall> toolCalls;
    std::string stopReason;
    std::vector<json> starts; // each block's content_block_start, as sent
    json content = json::array(); // the blocks put together, as a client replays them
    json delta; // the message_delta event's delta
};

// Parses `raw` as one complete HTTP response; false while bytes are still missing.
bool parseResponse(const QByteArray &raw, HttpReply &reply)
{
    const qsizetype headEnd = raw.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;

    const QList<QByteArray> lines = raw.left(headEnd).split('\n');
    reply.status = lines.first().split(' ').value(1).toInt();
    for (const QByteArray &line : lines.mid(1)) {
        const qsizetype colon = line.indexOf(':');
        reply.headers[line.left(colon).trimmed().toLower()] = line.mid(colon + 1).trimmed();
    }

    qsizetype at = headEnd + 4;
    if (reply.headers.value("transfer-encoding") != "chunked") {
        const qsizetype length = reply.headers.value("content-length").toLongLong();
        reply.body = raw.mid(at, length);
        return raw.size() - at >= length;
    }

    reply.body.clear();
    for (;;) {
        const qsizetype lineEnd = raw.indexOf("\r\n", at);
        if (lineEnd < 0)
            return false;
        const qsizetype size = raw.mid(at, lineEnd - at).toLongLong(nullptr, 16);
        if (raw.size() < lineEnd + 2 + size + 2)
            return false;
        if (size == 0)
            return true;
        reply.body += raw.mid(lineEnd + 2, size);
        at = lineEnd + 2 + size + 2;
    }
}

std::optional<HttpReply> exchange(QTcpSocket &socket, const QByteArray &request)
{
    socket.write(request);
    QByteArray raw;
    HttpReply reply;
    while (!parseResponse(raw, reply)) {
        if (!socket.waitForReadyRead(kTimeoutMs))
            return std::nullopt;
        raw += socket.readAll();
    }
    return reply;
}

QByteArray buildRequest(const QByteArray &body, const QByteArray &apiKey = "test-key",
                        const QByteArray &path = "/v1/messages")
{
    QByteArray request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!apiKey.isEmpty())
        request += "x-api-key: " + apiKey + "\r\n";
    request += "anthropic-version: 2023-06-01\r\ncontent-type: application/json\r\n";
    request += "content-length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    return request + body;
}

std::optional<HttpReply> post(quint16 port, const QByteArray &body,
                              const QByteArray &apiKey = "test-key")
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(kTimeoutMs))
        return std::nullopt;
    return exchange(socket, buildRequest(body, apiKey));
}

// Feeds one event's data into the message being rebuilt.
void applyEvent(const QString &name, const QByteArray &data, StreamedMessage &message,
                std::map<int, std::string> &partialInputs)
{
    message.events << name;
    if (name == QLatin1String("ping") || data.isEmpty())
        return;

    const json event = json::parse(data.toStdString());
    const std::string type = event.at("type").get<std::string>();
    if (type == "content_block_start") {
        const json &block = event["content_block"];
        message.starts.push_back(block);
        message.content.push_back(block);
        if (block["type"] == "tool_use" || block["type"] == "server_tool_use")
            partialInputs[event["index"].get<int>()];
        if (block["type"] == "tool_use")
            message.toolCalls.push_back(
                {block["id"].get<std::string>(), block["name"].get<std::string>(), json()});
    } else if (type == "content_block_delta" && event["delta"]["type"] == "text_delta") {
        message.content[event["index"].get<std::size_t>()]["text"] =
            message.content[event["index"].get<std::size_t>()]["text"].get<std::string>()
            + event["delta"]["text"].get<std::string>();
        message.text += event["delta"]["text"].get<std::string>();
        ++message.textDeltas;
    } else if (type == "content_block_delta") {
        partialInputs[event["index"].get<int>()] +=
            event["delta"]["partial_json"].get<std::string>();
        ++message.jsonDeltas;
    } else if (type == "content_block_stop" && partialInputs.contains(event["index"].get<int>())) {
        const json input = json::parse(partialInputs[event["index"].get<int>()]);
        message.content[event["index"].get<std::size_t>()]["input"] = input;
        if (message.content[event["index"].get<std::size_t>()]["type"] == "tool_use")
            message.toolCalls.back().input = input;
    } else if (type == "message_delta") {
        message.stopReason = event["delta"]["stop_reason"].get<std::string>();
        message.delta = event["delta"];
    }
}

// Splits a text/event-stream body into events; lines may end in LF, CRLF or CR.
StreamedMessage parseEvents(const QByteArray &body)
{
    StreamedMessage message;
    std::map<int, std::string> partialInputs;
    QString name;
    QByteArray data;

    QByteArray normalised = body;
    normalised.replace("\r\n", "\n").replace('\r', '\n');
    for (const QByteArray &line : normalised.split('\n')) {
        if (line.isEmpty()) {
            if (!name.isEmpty() || !data.isEmpty())
                applyEvent(name, data, message, partialInputs);
            name.clear();
            data.clear();
        } else if (line.startsWith("event:")) {
            name = QString::fromUtf8(line.mid(6).trimmed());
        } else if (line.startsWith("data:")) {
            data += (data.isEmpty() ? "" : "\n") + line.mid(line.startsWith("data: ") ? 6 : 5);
        }
    }
    return message;
}

json userText(const std::string &text)
{
    return {{"role", "user"}, {"content", text}};
}

json assistantToolUse(const std::string &id, const std::string &name, const json &input)
{
    return {{"role", "assistant"},
            {"content",
             json::array({{{"type", "text"}, {"text", "Running it."}},
                          {{"type", "tool_use"}, {"id", id}, {"name", name}, {"input", input}}})}};
}

json toolResult(const std::string &id, const json &content, bool isError = false)
{
    return {{"role", "user"},
            {"content", json::array({{{"type", "tool_result"},
                                      {"tool_use_id", id},
                                      {"content", content},
                                      {"is_error", isError}}})}};
}

json defaultTools()
{
    return json::array({{{"type", "bash_20250124"}, {"name", "bash"}},
                        {{"type", "text_editor_20250728"}, {"name", "str_replace_based_edit_tool"}},
                        {{"name", "lookup"},
                         {"description", "Looks a word up."},
                         {"input_schema", {{"type", "object"}, {"properties", json::object()}}}}});
}

QByteArray requestBody(const json &messages, const json &tools = defaultTools())
{
    const json body = {{"model", "scripted-test"},    {"max_tokens", 1024},   {"stream", true},
                       {"system", "You are a test."}, {"messages", messages}, {"tools", tools}};
    return QByteArray::fromStdString(body.dump());
}

QByteArray promptBody(const std::string &prompt)
{
    return requestBody(json::array({userText(prompt)}));
}

// The conversation up to the second turn, with the given result for the first tool call.
json secondTurn(const json &result, bool isError = false)
{
    return json::array({userText("Please run the check"),
                        assistantToolUse("toolu_01abc", "bash", {{"command", "echo ünïcode"}}),
                        toolResult("toolu_01abc", result, isError)});
}

// The default tools, the code execution tool, and lookup callable from code with `callers`.
json codeTools(const json &callers = json::array({"code_execution_20250825"}))
{
    json tools = defaultTools();
    tools[2]["allowed_callers"] = callers;
    tools.push_back({{"type", "code_execution_20250825"}, {"name", "code_execution"}});
    return tools;
}

// A request with codeTools() and, unless empty, the top-level container.
QByteArray codeBody(const json &messages, const std::string &container = {})
{
    json body = json::parse(requestBody(messages, codeTools()).toStdString());
    if (!container.empty())
        body["container"] = container;
    return QByteArray::fromStdString(body.dump());
}

// The prompt, the streamed reply as the assistant's message, and the answer to its first call.
json codeHistory(const std::string &prompt, const StreamedMessage &reply, const json &result,
                 bool isError = false)
{
    return json::array({userText(prompt),
                        {{"role", "assistant"}, {"content", reply.content}},
                        toolResult(reply.toolCalls.at(0).id, result, isError)});
}

// The error message of a 400 reply, or an empty string for any other reply.
QString refusal(const std::optional<struct HttpReply> &reply)
{
    if (!reply || reply->status != 400)
        return {};
    const json error = json::parse(reply->body.toStdString(), nullptr, false);
    return QString::fromStdString(error["error"].value("message", ""));
}

// One server process for one test, stopped when the test ends.
class ServerProcess
{
public:
    ~ServerProcess()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(kTimeoutMs))
            m_process.kill();
        m_process.waitForFinished(kTimeoutMs);
    }

    bool start(const QStringList &arguments, const QString &errorFile)
    {
        m_errorFile = errorFile;
        m_process.setStandardErrorFile(errorFile);
        m_process.start(QStringLiteral(TANDEM_MODEL_SERVER),
                        arguments + QStringList{QStringLiteral("--exit-with-parent")});
        while (!m_process.canReadLine()) {
            if (!m_process.waitForReadyRead(kTimeoutMs))
                return false;
        }
        m_firstLine = m_process.readLine();
        static const QRegularExpression pattern(
            QStringLiteral("^listening on http://127\\.0\\.0\\.1:(\\d+)\\n$"));
        const auto match = pattern.match(QString::fromUtf8(m_firstLine));
        m_port = match.hasMatch() ? match.captured(1).toUShort() : 0;
        return m_port != 0;
    }

    quint16 port() const { return m_port; }
    QByteArray firstLine() const { return m_firstLine; }

    // The server writes a failure to stderr before it answers, so after a reply it is there.
    QByteArray standardError() const
    {
        QFile file(m_errorFile);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private:
    QProcess m_process;
    QString m_errorFile;
    QByteArray m_firstLine;
    quint16 m_port = 0;
};

// JSON values and std::strings as QStrings, so that QCOMPARE can print them when they differ.
QString shown(const json &value)
{
    return QString::fromStdString(value.dump());
}

QString shown(const std::string &text)
{
    return QString::fromStdString(text);
}

json readJsonFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return json();
    return json::parse(file.readAll().toStdString(), nullptr, false);
}

} // namespace

class tst_ModelServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void printsListeningLine();
    void streamReassembles_data();
    void streamReassembles();
    void answersTheNextTurnAndReportsCompletion();
    void servesSeveralRequestsOnOneConnection();
    void rejectsFailedChecks_data();
    void rejectsFailedChecks();
    void missingApiKeyIs401();
    void unknownPathIs404();
    void unmatchedPromptGetsFallback();
    void aNewPromptStartsANewTask();
    void recordsEveryBody();
    void codeExecutionCallsToolsInAContainer();
    void codeExecutionFollowUpsAreChecked_data();
    void codeExecutionFollowUpsAreChecked();
    void expiredContainerTakesOnlyErrors();
    void demoFallbackSaysItIsADemo();
    void demoDashboardIsSelfContained();
    void badInputExitsWith2_data();
    void badInputExitsWith2();

private:
    std::unique_ptr<ServerProcess> startServer(const QStringList &extra = {});
    QString scenarioPath() const { return m_dir.filePath(QStringLiteral("scenarios.json")); }
    QString writeFile(const QString &name, const QByteArray &content);

    QTemporaryDir m_dir;
};

void tst_ModelServer::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QFile::exists(QStringLiteral(TANDEM_MODEL_SERVER)));
    writeFile(QStringLiteral("scenarios.json"), kScenarios);
}

QString tst_ModelServer::writeFile(const QString &name, const QByteArray &content)
{
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(file.fileName()));
    return file.fileName();
}

std::unique_ptr<ServerProcess> tst_ModelServer::startServer(const QStringList &extra)
{
    auto server = std::make_unique<ServerProcess>();
    const QStringList scenario = extra.contains(QStringLiteral("--demo"))
                                     ? QStringList()
                                     : QStringList{QStringLiteral("--scenario"), scenarioPath()};
    static int started = 0;
    const QString errorFile = m_dir.filePath(QStringLiteral("stderr-%1.txt").arg(++started));
    if (!server->start(scenario + extra, errorFile))
        return nullptr;
    return server;
}

void tst_ModelServer::printsListeningLine()
{
    const auto server = startServer({QStringLiteral("--port"), QStringLiteral("0")});
    QVERIFY(server);
    QVERIFY(server->firstLine().startsWith("listening on http://127.0.0.1:"));
    QVERIFY(server->port() > 0);
}

void tst_ModelServer::streamReassembles_data()
{
    QTest::addColumn<QString>("seed");
    QTest::addColumn<QString>("maxChunk");

    QTest::newRow("one byte at a time") << QStringLiteral("1") << QStringLiteral("1");
    QTest::newRow("up to 5 bytes") << QStringLiteral("7") << QStringLiteral("5");
    QTest::newRow("default pieces") << QStringLiteral("20240601") << QStringLiteral("64");
}

void tst_ModelServer::streamReassembles()
{
    QFETCH(QString, seed);
    QFETCH(QString, maxChunk);
    const auto server = startServer(
        {QStringLiteral("--split-seed"), seed, QStringLiteral("--max-chunk"), maxChunk});
    QVERIFY(server);

    const auto reply = post(server->port(), promptBody("Please run the check"));
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    QVERIFY(reply->headers.value("content-type").startsWith("text/event-stream"));

    const StreamedMessage message = parseEvents(reply->body);
    QCOMPARE(message.events.first(), QStringLiteral("message_start"));
    QCOMPARE(message.events.last(), QStringLiteral("message_stop"));
    QVERIFY(message.events.contains(QStringLiteral("ping")));
    QCOMPARE(QString::fromStdString(message.text), QString::fromUtf8(kFirstText));
    QVERIFY2(message.textDeltas > 1, "the text should arrive in several deltas");
    QVERIFY2(message.jsonDeltas > 1, "the tool input should arrive in several deltas");
    QCOMPARE(message.toolCalls.size(), std::size_t(1));
    QCOMPARE(shown(message.toolCalls[0].name), shown(std::string("bash")));
    QVERIFY(message.toolCalls[0].id.starts_with("toolu_"));
    QCOMPARE(shown(message.toolCalls[0].input),
             shown(json::parse(R"({"command": "echo ünïcode", "options": {"n": [1, 2]}})")));
    QCOMPARE(shown(message.stopReason), shown(std::string("tool_use")));
}

void tst_ModelServer::answersTheNextTurnAndReportsCompletion()
{
    const QString report = m_dir.filePath(QStringLiteral("completion-report.json"));
    const auto server = startServer({QStringLiteral("--report"), report});
    QVERIFY(server);

    const auto reply = post(server->port(), requestBody(secondTurn("3 passed\nPASSED")));
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);

    const StreamedMessage message = parseEvents(reply->body);
    QCOMPARE(shown(message.text), shown(std::string("All good.")));
    QCOMPARE(shown(message.stopReason), shown(std::string("end_turn")));
    QVERIFY(message.toolCalls.empty());

    const json written = readJsonFile(report);
    QCOMPARE(shown(written["requests"]), shown(json(1)));
    QCOMPARE(shown(written["failures"]), shown(json::array()));
    QCOMPARE(shown(written["completed"]), shown(json::array({"two-step"})));
}

void tst_ModelServer::servesSeveralRequestsOnOneConnection()
{
    const auto server = startServer();
    QVERIFY(server);

    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), server->port());
    QVERIFY(socket.waitForConnected(kTimeoutMs));
    for (int i = 0; i < 3; ++i) {
        const auto reply = exchange(socket, buildRequest(promptBody("hello")));
        QVERIFY(reply);
        QCOMPARE(reply->status, 200);
        QCOMPARE(shown(parseEvents(reply->body).text), shown(std::string("No scenario for that.")));
    }
}

void tst_ModelServer::rejectsFailedChecks_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("reason");

    const json noBash = json::array({defaultTools()[1], defaultTools()[2]});
    json stringInput = secondTurn("PASSED");
    stringInput[1]["content"][1]["input"] = "{\"command\": \"ls\"}";
    json notAnswered = secondTurn("PASSED");
    notAnswered[2] = userText("I ran it, it passed.");
    json orphanResult = json::array({toolResult("toolu_01zzz", "PASSED")});
    // A third reply is asked for within one task: the scenario has only two.
    json pastTheEnd = secondTurn("3 passed\nPASSED");
    pastTheEnd.push_back(assistantToolUse("toolu_01def", "bash", {{"command", "true"}}));
    pastTheEnd.push_back(toolResult("toolu_01def", "done"));
    json streamOff = json::parse(promptBody("Please run the check").toStdString());
    streamOff["stream"] = false;

    QTest::newRow("expected text missing")
        << requestBody(secondTurn("1 failed\nERROR"))
        << QStringLiteral("expected the tool result contains \"PASSED\"");
    QTest::newRow("forbidden text present")
        << requestBody(secondTurn("2 passed\nPASSED, one ERROR"))
        << QStringLiteral("does not contain \"ERROR\"");
    QTest::newRow("pattern not matched")
        << requestBody(secondTurn("PASSED")) << QStringLiteral("matches /\\d+ passed/");
    QTest::newRow("result is an error") << requestBody(secondTurn("3 passed\nPASSED", true))
                                        << QStringLiteral("has is_error false");
    QTest::newRow("result as text blocks, expectation missing")
        << requestBody(secondTurn(json::array({{{"type", "text"}, {"text", "1 failed"}}})))
        << QStringLiteral("contains \"PASSED\"");
    QTest::newRow("tool_use not answered")
        << requestBody(notAnswered) << QStringLiteral("is not answered by a tool_result");
    QTest::newRow("tool_use input is a string")
        << requestBody(stringInput) << QStringLiteral("input must be a JSON object");
    QTest::newRow("tool_result answers nothing")
        << requestBody(orphanResult) << QStringLiteral("answers no tool_use");
    QTest::newRow("roles do not alternate")
        << requestBody(json::array({userText("Please run the check"), userText("again")}))
        << QStringLiteral("roles must alternate");
    QTest::newRow("tool not declared")
        << requestBody(json::array({userText("Please run the check")}), noBash)
        << QStringLiteral("does not declare it");
    json callerNotAllowed = defaultTools();
    callerNotAllowed.push_back({{"type", "code_execution_20250825"}, {"name", "code_execution"}});
    QTest::newRow("tool not callable from code")
        << requestBody(json::array({userText("Add up the sales")}), callerNotAllowed)
        << QStringLiteral("calls the tool \"lookup\" from code_execution_20250825, but its "
                          "allowed_callers [\"direct\"] lack");
    QTest::newRow("code execution not declared")
        << requestBody(json::array({userText("Add up the sales")}))
        << QStringLiteral("\"code_execution\", but the request's tools array does not declare");
    QTest::newRow("allowed caller without its tool")
        << requestBody(json::array({userText("Add up the sales")}),
                       codeTools(json::array({"direct", "code_execution_20260120"})))
        << QStringLiteral("no tool of that type is declared");
    QTest::newRow("past the last turn") << requestBody(pastTheEnd) << QStringLiteral("has 2 turns");
    QTest::newRow("not streaming")
        << QByteArray::fromStdString(streamOff.dump()) << QStringLiteral("stream: must be true");
    QTest::newRow("body is not JSON") << QByteArray("{\"model\": ") << QStringLiteral("not JSON");
}

void tst_ModelServer::rejectsFailedChecks()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, reason);
    const QString report = m_dir.filePath(QStringLiteral("rejection-report.json"));
    const auto server = startServer({QStringLiteral("--report"), report});
    QVERIFY(server);

    const auto reply = post(server->port(), body);
    QVERIFY(reply);
    QCOMPARE(reply->status, 400);
    QCOMPARE(shown(reply->headers.value("content-type")), shown(QByteArray("application/json")));

    const json error = json::parse(reply->body.toStdString());
    QCOMPARE(shown(error["type"]), shown(json("error")));
    QCOMPARE(shown(error["error"]["type"]), shown(json("invalid_request_error")));
    const QString message = QString::fromStdString(error["error"]["message"].get<std::string>());
    QVERIFY2(message.startsWith(QStringLiteral("scenario check failed: ")), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));

    const json written = readJsonFile(report);
    QCOMPARE(shown(written["requests"]), shown(json(1)));
    QCOMPARE(shown(written["failures"]), shown(json::array({message.toStdString()})));
    QCOMPARE(shown(written["completed"]), shown(json::array()));
    QVERIFY(server->standardError().contains(message.toUtf8()));
}

void tst_ModelServer::missingApiKeyIs401()
{
    const auto server = startServer();
    QVERIFY(server);

    const auto reply = post(server->port(), promptBody("hello"), QByteArray());
    QVERIFY(reply);
    QCOMPARE(reply->status, 401);
    const json error = json::parse(reply->body.toStdString());
    QCOMPARE(shown(error["type"]), shown(json("error")));
    QCOMPARE(shown(error["error"]["type"]), shown(json("authentication_error")));
}

void tst_ModelServer::unknownPathIs404()
{
    const auto server = startServer();
    QVERIFY(server);

    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), server->port());
    QVERIFY(socket.waitForConnected(kTimeoutMs));
    const auto reply = exchange(socket, buildRequest("{}", "test-key", "/v1/complete"));
    QVERIFY(reply);
    QCOMPARE(reply->status, 404);
    const json error = json::parse(reply->body.toStdString());
    QCOMPARE(shown(error["error"]["type"]), shown(json("not_found_error")));
}

void tst_ModelServer::unmatchedPromptGetsFallback()
{
    const auto server = startServer();
    QVERIFY(server);

    const auto reply = post(server->port(), promptBody("Tell me a joke"));
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    const StreamedMessage message = parseEvents(reply->body);
    QCOMPARE(shown(message.text), shown(std::string("No scenario for that.")));
    QCOMPARE(shown(message.stopReason), shown(std::string("end_turn")));
}

void tst_ModelServer::aNewPromptStartsANewTask()
{
    const auto server = startServer();
    QVERIFY(server);

    // The first task is over; the user goes on in the same conversation.
    json conversation = secondTurn("3 passed\nPASSED");
    conversation.push_back({{"role", "assistant"}, {"content", "All good."}});
    conversation.push_back(userText("Tell me a joke"));
    const auto other = post(server->port(), requestBody(conversation));
    QVERIFY(other);
    QCOMPARE(other->status, 200);
    QCOMPARE(shown(parseEvents(other->body).text), shown(std::string("No scenario for that.")));

    conversation.push_back({{"role", "assistant"}, {"content", "No scenario for that."}});
    conversation.push_back(userText("Please run the check"));
    const auto again = post(server->port(), requestBody(conversation));
    QVERIFY(again);
    QCOMPARE(again->status, 200);
    const StreamedMessage restarted = parseEvents(again->body);
    QCOMPARE(restarted.toolCalls.size(), size_t(1));
    QCOMPARE(shown(restarted.toolCalls.front().name), shown(std::string("bash")));
}

void tst_ModelServer::recordsEveryBody()
{
    const QString record = m_dir.filePath(QStringLiteral("record.jsonl"));
    const auto server = startServer({QStringLiteral("--record"), record});
    QVERIFY(server);

    const QByteArray first = promptBody("Tell me a joke");
    const QByteArray second = requestBody(secondTurn("1 failed"));
    QVERIFY(post(server->port(), first));
    QVERIFY(post(server->port(), second));

    QFile file(record);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(shown(json::parse(lines[0].toStdString())), shown(json::parse(first.toStdString())));
    QCOMPARE(shown(json::parse(lines[1].toStdString())), shown(json::parse(second.toStdString())));
}

void tst_ModelServer::codeExecutionCallsToolsInAContainer()
{
    const QString record = m_dir.filePath(QStringLiteral("code-record.jsonl"));
    const auto server = startServer({QStringLiteral("--record"), record});
    QVERIFY(server);

    const auto first = post(server->port(), codeBody(json::array({userText("Add up the sales")})));
    QVERIFY(first);
    QCOMPARE(first->status, 200);
    const StreamedMessage message = parseEvents(first->body);
    QCOMPARE(message.starts.size(), std::size_t(3));

    // The code execution: its input arrives in deltas, like a tool's.
    const json &execution = message.starts[1];
    const std::string executionId = execution["id"];
    QVERIFY2(executionId.starts_with("srvtoolu_01"), executionId.c_str());
    QCOMPARE(shown(execution), shown(json{{"type", "server_tool_use"},
                                          {"id", executionId},
                                          {"name", "code_execution"},
                                          {"input", json::object()}}));
    QCOMPARE(shown(message.content[1]["input"]),
             shown(json{{"code", "print(lookup(q='sales'))\n"}}));

    // The tool call made by that code names it as its caller.
    const json &call = message.starts[2];
    QVERIFY(call["id"].get<std::string>().starts_with("toolu_01"));
    QCOMPARE(shown(call["caller"]),
             shown(json{{"type", "code_execution_20250825"}, {"tool_id", executionId}}));
    QCOMPARE(shown(message.toolCalls.at(0).input), shown(json{{"q", "sales"}}));
    QCOMPARE(shown(message.stopReason), shown(std::string("tool_use")));

    const json container = message.delta["container"];
    const std::string containerId = container.value("id", "");
    QVERIFY2(containerId.starts_with("container_01"), qPrintable(shown(message.delta)));
    const QDateTime expires = QDateTime::fromString(
        QString::fromStdString(container.value("expires_at", "")), Qt::ISODateWithMs);
    QVERIFY(expires.isValid());
    QVERIFY2(container.value("expires_at", "").ends_with("Z"), qPrintable(shown(container)));
    const qint64 ahead = QDateTime::currentDateTimeUtc().secsTo(expires);
    QVERIFY2(ahead > 250 && ahead <= 270, qPrintable(shown(container)));

    // The script's tool call answered in its container: the code finishes.
    const QByteArray followUp =
        codeBody(codeHistory("Add up the sales", message, "42 sold"), containerId);
    const auto second = post(server->port(), followUp);
    QVERIFY(second);
    QCOMPARE(second->status, 200);
    const StreamedMessage finished = parseEvents(second->body);
    const json result = {{"type", "code_execution_tool_result"},
                         {"tool_use_id", executionId},
                         {"content",
                          {{"type", "code_execution_result"},
                           {"stdout", "total 42\n"},
                           {"stderr", ""},
                           {"return_code", 0}}}};
    QCOMPARE(shown(finished.starts.at(0)), shown(result));
    QCOMPARE(shown(finished.text), shown(std::string("The sales add up to 42.")));
    QCOMPARE(finished.jsonDeltas, 0);
    QCOMPARE(shown(finished.stopReason), shown(std::string("end_turn")));
    QCOMPARE(shown(finished.delta["container"]["id"]), shown(json(containerId)));

    QFile file(record);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(shown(json::parse(lines[1].toStdString())["container"]), shown(json(containerId)));
}

void tst_ModelServer::codeExecutionFollowUpsAreChecked_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("reason");

    QTest::newRow("text beside the result")
        << QStringLiteral("text") << QStringLiteral("may hold only tool_result blocks");
    QTest::newRow("no container") << QStringLiteral("no container")
                                  << QStringLiteral("but the request names no container");
    QTest::newRow("unknown container")
        << QStringLiteral("unknown container") << QStringLiteral("was not issued by this server");
    QTest::newRow("code changed") << QStringLiteral("code")
                                  << QStringLiteral("is not replayed as the server sent it");
    QTest::newRow("caller dropped")
        << QStringLiteral("caller") << QStringLiteral("is not replayed as the server sent it");
    QTest::newRow("execution left out")
        << QStringLiteral("execution") << QStringLiteral("holds 1 code execution blocks");
}

void tst_ModelServer::codeExecutionFollowUpsAreChecked()
{
    QFETCH(QString, change);
    QFETCH(QString, reason);
    const auto server = startServer();
    QVERIFY(server);

    const auto first = post(server->port(), codeBody(json::array({userText("Add up the sales")})));
    QVERIFY(first);
    QCOMPARE(first->status, 200);
    const StreamedMessage message = parseEvents(first->body);
    std::string container = message.delta["container"]["id"];
    json history = codeHistory("Add up the sales", message, "42 sold");

    if (change == QLatin1String("text"))
        history[2]["content"].push_back({{"type", "text"}, {"text", "Here it is."}});
    else if (change == QLatin1String("no container"))
        container.clear();
    else if (change == QLatin1String("unknown container"))
        container = "container_01NotIssuedByTheServer";
    else if (change == QLatin1String("code"))
        history[1]["content"][1]["input"]["code"] = "print(0)";
    else if (change == QLatin1String("caller"))
        history[1]["content"][2].erase("caller");
    else
        history[1]["content"].erase(1);

    const QString message400 = refusal(post(server->port(), codeBody(history, container)));
    QVERIFY2(message400.startsWith(QStringLiteral("scenario check failed: ")),
             qPrintable(message400));
    QVERIFY2(message400.contains(reason), qPrintable(message400));

    // A refused follow-up changes nothing: the right one is still accepted.
    const std::string issued = message.delta["container"]["id"];
    const auto good =
        post(server->port(), codeBody(codeHistory("Add up the sales", message, "42 sold"), issued));
    QVERIFY(good);
    QCOMPARE(good->status, 200);
}

void tst_ModelServer::expiredContainerTakesOnlyErrors()
{
    const auto server = startServer();
    QVERIFY(server);

    const std::string prompt = "Run the slow script";
    const auto first = post(server->port(), codeBody(json::array({userText(prompt)})));
    QVERIFY(first);
    QCOMPARE(first->status, 200);
    const StreamedMessage message = parseEvents(first->body);
    const std::string container = message.delta["container"]["id"];

    // The scenario's container lives one second.
    QTest::qWait(2000);

    const QString withContainer = refusal(
        post(server->port(), codeBody(codeHistory(prompt, message, "slow", true), container)));
    QVERIFY2(withContainer.contains(QStringLiteral("container expired")),
             qPrintable(withContainer));

    const QString notAnError =
        refusal(post(server->port(), codeBody(codeHistory(prompt, message, "slow"))));
    QVERIFY2(notAnError.contains(QStringLiteral("container expired")), qPrintable(notAnError));

    const auto givenUp =
        post(server->port(), codeBody(codeHistory(prompt, message, "container expired", true)));
    QVERIFY(givenUp);
    QCOMPARE(givenUp->status, 200);
    const StreamedMessage ended = parseEvents(givenUp->body);
    QCOMPARE(shown(ended.text),
             shown(std::string("The container expired; I gave up on the script.")));
    QCOMPARE(shown(ended.stopReason), shown(std::string("end_turn")));
}

void tst_ModelServer::demoFallbackSaysItIsADemo()
{
    const auto server = startServer({QStringLiteral("--demo")});
    QVERIFY(server);

    const auto reply = post(server->port(), promptBody("What is the weather?"));
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    const QString text = QString::fromStdString(parseEvents(reply->body).text);
    QVERIFY2(text.contains(QStringLiteral("demo model")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("not a real model")));
    QVERIFY(text.contains(QStringLiteral("ANTHROPIC_API_KEY")));
    QVERIFY(text.contains(QStringLiteral("--model anthropic:")));
    QVERIFY(text.contains(QStringLiteral("Fix the failing test")));
    QVERIFY(text.contains(QStringLiteral("Build a sales dashboard")));
}

void tst_ModelServer::demoDashboardIsSelfContained()
{
    const auto server = startServer({QStringLiteral("--demo")});
    QVERIFY(server);

    const auto reply = post(server->port(), promptBody("Build a sales dashboard"));
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    const QString text = QString::fromStdString(parseEvents(reply->body).text);
    static const QRegularExpression block(QStringLiteral("```html\\n(.*)```"),
                                          QRegularExpression::DotMatchesEverythingOption);
    const QString html = block.match(text).captured(1);
    QVERIFY2(html.contains(QStringLiteral("<h1 id=\"title\">")), qPrintable(text));
    QVERIFY(html.contains(QRegularExpression(QStringLiteral("rgb\\(59,\\s*130,\\s*246\\)"))));
    QVERIFY(!html.contains(QStringLiteral("http"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QStringLiteral("url(")));
    QVERIFY(html.count(QLatin1Char('\n')) >= 40);
}

void tst_ModelServer::badInputExitsWith2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("reason");

    const QString badJson =
        writeFile(QStringLiteral("bad.json"), "{\n  \"scenarios\": [\n  ,]\n}\n");
    const QString badRegex = writeFile(QStringLiteral("regex.json"),
                                       R"({"scenarios": [{"name": "a", "match": "(open",
                           "turns": [{"reply": [{"text": "x"}]}]}]})");
    const QString stringInput =
        writeFile(QStringLiteral("input.json"),
                  R"({"scenarios": [{"name": "a", "match": "a", "turns": [{"reply": [
            {"tool_use": {"name": "bash", "input": "ls"}}]}]}]})");
    const QString typo = writeFile(
        QStringLiteral("typo.json"),
        R"({"scenarios": [{"name": "a", "match": "a", "turns": [{"expects": [], "reply": []}]}]})");

    const QString callerFirst =
        writeFile(QStringLiteral("caller.json"),
                  R"({"scenarios": [{"name": "a", "match": "a", "turns": [{"reply": [
            {"tool_use": {"name": "f", "input": {}, "caller": "code_execution"}}]}]}]})");

    QTest::newRow("call from code before any code")
        << QStringList{QStringLiteral("--scenario"), callerFirst}
        << QStringLiteral("turns[0].reply[0]: needs a server_tool_use earlier");
    QTest::newRow("no scenario") << QStringList() << QStringLiteral("--scenario FILE or --demo");
    QTest::newRow("missing file") << QStringList{QStringLiteral("--scenario"),
                                                 m_dir.filePath(QStringLiteral("none.json"))}
                                  << QStringLiteral("cannot open");
    QTest::newRow("invalid JSON") << QStringList{QStringLiteral("--scenario"), badJson}
                                  << QStringLiteral("bad.json:3:3: invalid JSON");
    QTest::newRow("invalid regex") << QStringList{QStringLiteral("--scenario"), badRegex}
                                   << QStringLiteral("scenarios[0].match: invalid regular");
    QTest::newRow("tool input not an object")
        << QStringList{QStringLiteral("--scenario"), stringInput}
        << QStringLiteral("tool_use.input: must be a JSON object");
    QTest::newRow("unknown key") << QStringList{QStringLiteral("--scenario"), typo}
                                 << QStringLiteral("unknown key \"expects\"");
    QTest::newRow("unknown option")
        << QStringList{QStringLiteral("--demo"), QStringLiteral("--verbose")}
        << QStringLiteral("unknown option --verbose");
}

void tst_ModelServer::badInputExitsWith2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, reason);

    QProcess process;
    process.start(QStringLiteral(TANDEM_MODEL_SERVER), arguments);
    QVERIFY(process.waitForFinished(kTimeoutMs));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardOutput().isEmpty());

    const QString error = QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(error.count(QLatin1Char('\n')), 1);
    QVERIFY2(error.contains(reason), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_ModelServer)

#include "tst_modelserver.moc"
