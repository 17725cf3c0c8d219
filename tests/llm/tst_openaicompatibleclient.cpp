#include "llm/chatcompletionassembler.h"
#include "llm/openaicompatibleclient.h"
#include "llm/sseparser.h"

#include "../support/replayserver.h"

#include <QFile>
#include <QtTest>

using namespace tandem;
using nlohmann::json;

namespace {

QList<QByteArray> loadPieces(const QString &name)
{
    QFile file(QStringLiteral(TANDEM_SOURCE_DIR "/tests/llm/data/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(name));
    QList<QByteArray> pieces;
    for (const json &piece : json::parse(file.readAll().toStdString()))
        pieces << QByteArray::fromStdString(piece.get<std::string>());
    return pieces;
}

QByteArray chunk(const json &delta, const json &finishReason = nullptr)
{
    const json payload = {
        {"id", "chatcmpl-t"},
        {"object", "chat.completion.chunk"},
        {"model", "fake-model"},
        {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finishReason}}}}};
    return "data: " + QByteArray::fromStdString(payload.dump()) + "\n\n";
}

// One tool_calls fragment; empty strings and a negative index are left out.
json fragment(int index, const std::string &id, const std::string &name, const std::string &args)
{
    json call = json::object();
    if (index >= 0)
        call["index"] = index;
    if (!id.empty())
        call["id"] = id;
    json function = {{"arguments", args}};
    if (!name.empty()) {
        call["type"] = "function";
        function["name"] = name;
    }
    call["function"] = function;
    return {{"tool_calls", json::array({call})}};
}

QByteArray stream(const QList<json> &fragments, const char *finish = "tool_calls")
{
    QByteArray all = chunk({{"role", "assistant"}, {"content", nullptr}});
    for (const json &delta : fragments)
        all += chunk(delta);
    all += chunk(json::object(), finish);
    all += "data: [DONE]\n\n";
    return all;
}

const std::string kHelloArgs = R"js({"path":"hello.py","content":"print('hello')"})js";
const std::string kWorldArgs = R"js({"path":"world.py","content":"print('world')"})js";

QByteArray interleaved()
{
    return stream({fragment(0, "call_a", "write_file", ""), fragment(1, "call_b", "write_file", ""),
                   fragment(0, "", "", kHelloArgs.substr(0, 20)),
                   fragment(1, "", "", kWorldArgs.substr(0, 11)),
                   fragment(0, "", "", kHelloArgs.substr(20)),
                   fragment(1, "", "", kWorldArgs.substr(11))});
}

QByteArray withoutIndex()
{
    return stream({fragment(-1, "call_a", "write_file", ""),
                   fragment(-1, "", "", kHelloArgs.substr(0, 25)),
                   fragment(-1, "", "", kHelloArgs.substr(25)),
                   fragment(-1, "call_b", "write_file", kWorldArgs.substr(0, 3)),
                   fragment(-1, "", "", kWorldArgs.substr(3))});
}

QByteArray lateIds()
{
    return stream({fragment(0, "", "write_file", kHelloArgs.substr(0, 9)),
                   fragment(0, "call_a", "", kHelloArgs.substr(9)),
                   fragment(1, "", "write_file", kWorldArgs.substr(0, 30)),
                   fragment(1, "", "", kWorldArgs.substr(30, 5)),
                   fragment(1, "call_b", "", kWorldArgs.substr(35))});
}

llm::ModelReply assembleLocally(const QList<QByteArray> &pieces)
{
    llm::ChatCompletionAssembler assembler(nullptr);
    llm::SseParser parser([&](const llm::SseEvent &e) { assembler.handle(e); });
    for (const QByteArray &piece : pieces)
        parser.feed(std::string_view(piece.constData(), piece.size()));
    assembler.endOfStream("closed");
    return assembler.reply();
}

llm::OpenAiCompatibleClient clientFor(const ReplayServer &server, const QString &key = {})
{
    llm::OpenAiCompatibleClient::Config config;
    config.baseUrl = server.baseUrl() + QStringLiteral("/v1");
    config.model = QStringLiteral("fake-model");
    config.apiKey = key;
    config.retry.baseDelay = std::chrono::milliseconds(50);
    return llm::OpenAiCompatibleClient(config);
}

llm::ModelRequest writeRequest()
{
    llm::ModelRequest request;
    request.system = "You edit files.";
    request.messages.push_back(
        {llm::Role::User, {llm::ContentBlock::makeText("Write hello.py and world.py")}});
    request.tools.push_back(
        {"write_file",
         "Write a file",
         {{"type", "object"},
          {"properties", {{"path", {{"type", "string"}}}, {"content", {{"type", "string"}}}}}},
         {},
         {}});
    return request;
}

void checkTwoCalls(const llm::ModelReply &reply)
{
    QVERIFY2(reply.complete, reply.errorMessage.c_str());
    QCOMPARE(reply.stopReason, std::string("tool_use"));
    const auto uses = reply.message.toolUses();
    QCOMPARE(uses.size(), size_t(2));
    QCOMPARE(uses[0]->id, std::string("call_a"));
    QCOMPARE(uses[0]->name, std::string("write_file"));
    QCOMPARE(uses[0]->input, json::parse(kHelloArgs));
    QCOMPARE(uses[1]->id, std::string("call_b"));
    QCOMPARE(uses[1]->input, json::parse(kWorldArgs));
}

} // namespace

class tst_OpenAiCompatibleClient : public QObject
{
    Q_OBJECT

private slots:
    void assemblesToolCalls_data();
    void assemblesToolCalls();
    void randomCutsGiveTheSameCalls();
    void followUpAnswersEachCall();
    void brokenToolStreamsAreReported_data();
    void brokenToolStreamsAreReported();
    void streamsTextAndUsage();
    void mapsConversationAndImages();
    void withoutImagesScreenshotsAreDescribed();
    void findsTheEndpoint_data();
    void findsTheEndpoint();
    void errorChunkIsRetried();
    void rateLimitHonoursRetryAfter();
    void refusedKeyIsAClearError();
};

void tst_OpenAiCompatibleClient::assemblesToolCalls_data()
{
    QTest::addColumn<QList<QByteArray>>("pieces");

    const QByteArray reported = loadPieces(QStringLiteral("case06-reused-index.json")).join();
    QTest::newRow("A: index 0 reused, as reported")
        << loadPieces(QStringLiteral("case06-reused-index.json"));
    QTest::newRow("A: index 0 reused, cut every few bytes") << ReplayServer::cut(reported, 7, 3);
    QTest::newRow("B: interleaved indices") << ReplayServer::cut(interleaved(), 13, 4);
    QTest::newRow("C: no index at all") << ReplayServer::cut(withoutIndex(), 11, 5);
    QTest::newRow("D: ids arrive late") << ReplayServer::cut(lateIds(), 17, 6);
    QByteArray crlf = interleaved();
    crlf.replace("\n", "\r\n");
    QTest::newRow("B with CRLF lines, cut between CR and LF") << ReplayServer::cut(crlf, 2, 8);
}

void tst_OpenAiCompatibleClient::assemblesToolCalls()
{
    QFETCH(QList<QByteArray>, pieces);

    ReplayServer server(QList<ReplayServer::Response>{{"200 OK", pieces}});
    auto client = clientFor(server);
    auto reply = client.send(writeRequest(), nullptr, base::CancelToken());

    QVERIFY2(reply.has_value(), reply ? "" : qPrintable(reply.error().message));
    checkTwoCalls(*reply);
}

void tst_OpenAiCompatibleClient::randomCutsGiveTheSameCalls()
{
    const QList<QByteArray> streams = {
        loadPieces(QStringLiteral("case06-reused-index.json")).join(), interleaved(),
        withoutIndex(), lateIds()};
    for (const QByteArray &whole : streams) {
        for (quint32 seed = 1; seed <= 50; ++seed)
            checkTwoCalls(assembleLocally(ReplayServer::cut(whole, 40, seed)));
    }
}

void tst_OpenAiCompatibleClient::followUpAnswersEachCall()
{
    ReplayServer server(QList<ReplayServer::Response>{
        {"200 OK", loadPieces(QStringLiteral("case06-reused-index.json"))},
        {"200 OK", {chunk({{"content", "Both written."}}, "stop") + "data: [DONE]\n\n"}}});
    auto client = clientFor(server);
    llm::ModelRequest request = writeRequest();
    auto first = client.send(request, nullptr, base::CancelToken());
    QVERIFY(first.has_value());

    request.messages.push_back(first->message);
    llm::Message results{llm::Role::User, {}};
    for (const llm::ContentBlock *use : first->message.toolUses())
        results.content.push_back(llm::ContentBlock::makeToolResult(use->id, "written", false));
    request.messages.push_back(results);
    auto second = client.send(request, nullptr, base::CancelToken());
    QVERIFY(second.has_value());
    QCOMPARE(second->message.text(), std::string("Both written."));
    QCOMPARE(second->stopReason, std::string("end_turn"));

    const json body = json::parse(server.requestBodies().value(1).toStdString());
    const json &messages = body["messages"];
    QCOMPARE(messages.size(), size_t(5));
    QCOMPARE(messages[2]["role"], json("assistant"));
    QCOMPARE(messages[2]["content"], json(nullptr));
    QCOMPARE(messages[2]["tool_calls"][0]["id"], json("call_a"));
    QCOMPARE(json::parse(messages[2]["tool_calls"][1]["function"]["arguments"].get<std::string>()),
             json::parse(kWorldArgs));
    QCOMPARE(messages[3],
             json::parse(R"({"role":"tool","tool_call_id":"call_a","content":"written"})"));
    QCOMPARE(messages[4],
             json::parse(R"({"role":"tool","tool_call_id":"call_b","content":"written"})"));
}

void tst_OpenAiCompatibleClient::brokenToolStreamsAreReported_data()
{
    QTest::addColumn<QByteArray>("whole");
    QTest::addColumn<QString>("errorType");

    // One id for both calls: nothing tells them apart, so the glued arguments are refused.
    QTest::newRow("two calls glued under one id") << stream(
        {fragment(0, "call_a", "write_file", kHelloArgs), fragment(0, "call_a", "", kWorldArgs)})
                                                  << QStringLiteral("invalid_tool_input");
    QTest::newRow("arguments cut off")
        << stream({fragment(0, "call_a", "write_file", kHelloArgs.substr(0, 20))})
        << QStringLiteral("invalid_tool_input");
    QTest::newRow("arguments that are not an object")
        << stream({fragment(0, "call_a", "write_file", "[1, 2]")})
        << QStringLiteral("invalid_tool_input");
    QTest::newRow("a call without a name")
        << stream({fragment(0, "call_a", "", "{}")}) << QStringLiteral("invalid_tool_call");
    QByteArray truncated = stream({fragment(0, "call_a", "write_file", kHelloArgs)});
    truncated.truncate(truncated.indexOf("\"finish_reason\":\"tool_calls\"") - 200);
    QTest::newRow("no finish_reason, no [DONE]")
        << truncated << QStringLiteral("incomplete_stream");
}

void tst_OpenAiCompatibleClient::brokenToolStreamsAreReported()
{
    QFETCH(QByteArray, whole);
    QFETCH(QString, errorType);

    ReplayServer server(QList<ReplayServer::Response>{{"200 OK", ReplayServer::cut(whole, 50, 1)}});
    auto client = clientFor(server);
    auto reply = client.send(writeRequest(), nullptr, base::CancelToken());

    QVERIFY(reply.has_value());
    QVERIFY(!reply->complete);
    QCOMPARE(QString::fromStdString(reply->errorType), errorType);
    QVERIFY(reply->message.toolUses().empty());
    QCOMPARE(server.requestBodies().size(), 1);
}

void tst_OpenAiCompatibleClient::streamsTextAndUsage()
{
    const json usage = {{"prompt_tokens", 12}, {"completion_tokens", 5}};
    const QByteArray whole =
        chunk({{"role", "assistant"}, {"content", ""}}) + chunk({{"content", "Grüße, "}})
        + chunk({{"content", "日本 🙂"}}) + chunk(json::object(), "stop") + "data: "
        + QByteArray::fromStdString(json{{"choices", json::array()}, {"usage", usage}}.dump())
        + "\n\n: keep-alive\n\ndata: [DONE]\n\n";
    ReplayServer server(QList<ReplayServer::Response>{{"200 OK", ReplayServer::cut(whole, 3, 9)}});
    auto client = clientFor(server);

    struct Collect : llm::StreamObserver
    {
        void textDelta(int, const std::string &text) override { shown += text; }
        void toolUseStarted(int, const std::string &, const std::string &) override {}
        std::string shown;
    } observer;
    auto reply = client.send(writeRequest(), &observer, base::CancelToken());

    QVERIFY(reply.has_value());
    QVERIFY(reply->complete);
    QCOMPARE(reply->message.text(), std::string("Grüße, 日本 🙂"));
    QCOMPARE(observer.shown, reply->message.text());
    QCOMPARE(reply->usage.inputTokens, 12);
    QCOMPARE(reply->usage.outputTokens, 5);
}

void tst_OpenAiCompatibleClient::mapsConversationAndImages()
{
    llm::ModelRequest request = writeRequest();
    llm::Message assistant{
        llm::Role::Assistant,
        {llm::ContentBlock::makeText("Looking."),
         llm::ContentBlock::makeToolUse("c1", "computer", {{"action", "screenshot"}})}};
    auto shot = llm::ContentBlock::makeToolResult("c1", "Took a screenshot", false);
    shot.imageBase64 = "iVBORw0KGgo=";
    shot.imageMediaType = "image/png";
    request.messages.push_back(assistant);
    request.messages.push_back({llm::Role::User, {shot}});
    llm::ToolSpec scriptOnly{
        "compute_kpis", "KPIs", {{"type", "object"}}, {}, {"code_execution_20250825"}};
    request.tools.push_back(scriptOnly);

    llm::OpenAiCompatibleClient::Config config;
    config.model = QStringLiteral("llava");
    config.maxTokens = 1000;
    const json body = llm::OpenAiCompatibleClient(config).requestBody(request);

    QCOMPARE(body["model"], json("llava"));
    QCOMPARE(body["max_tokens"], json(1000));
    QCOMPARE(body["stream"], json(true));
    QCOMPARE(body["messages"][0], json::parse(R"({"role":"system","content":"You edit files."})"));
    QCOMPARE(body["messages"][1]["content"], json("Write hello.py and world.py"));
    QCOMPARE(body["messages"][2]["content"], json("Looking."));
    QCOMPARE(body["messages"][2]["tool_calls"][0]["function"]["arguments"],
             json(R"({"action":"screenshot"})"));
    QCOMPARE(body["messages"][3]["role"], json("tool"));
    QCOMPARE(body["messages"][3]["tool_call_id"], json("c1"));
    const json &image = body["messages"][4];
    QCOMPARE(image["role"], json("user"));
    QCOMPARE(image["content"][1]["type"], json("image_url"));
    QCOMPARE(image["content"][1]["image_url"]["url"], json("data:image/png;base64,iVBORw0KGgo="));
    // Only tools the model may call itself; the schema travels as `parameters`.
    QCOMPARE(body["tools"].size(), size_t(1));
    QCOMPARE(body["tools"][0]["type"], json("function"));
    QCOMPARE(body["tools"][0]["function"]["name"], json("write_file"));
    QCOMPARE(body["tools"][0]["function"]["parameters"]["properties"]["path"]["type"],
             json("string"));
}

void tst_OpenAiCompatibleClient::withoutImagesScreenshotsAreDescribed()
{
    llm::ModelRequest request = writeRequest();
    request.messages.push_back(
        {llm::Role::Assistant,
         {llm::ContentBlock::makeToolUse("c1", "computer", {{"action", "screenshot"}})}});
    auto shot = llm::ContentBlock::makeToolResult("c1", "Took a screenshot", false);
    shot.imageBase64 = "iVBORw0KGgo=";
    shot.imageMediaType = "image/png";
    request.messages.push_back({llm::Role::User, {shot}});

    llm::OpenAiCompatibleClient::Config config;
    config.images = false;
    const json body = llm::OpenAiCompatibleClient(config).requestBody(request);
    QCOMPARE(body["messages"].size(), size_t(4));
    QVERIFY(body["messages"][3]["content"].get<std::string>().find("not shown images")
            != std::string::npos);
    QVERIFY(!QByteArray::fromStdString(body.dump()).contains("image_url"));
}

void tst_OpenAiCompatibleClient::findsTheEndpoint_data()
{
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<QString>("endpoint");

    QTest::newRow("Ollama") << QStringLiteral("http://127.0.0.1:11434/v1")
                            << QStringLiteral("http://127.0.0.1:11434/v1/chat/completions");
    QTest::newRow("trailing slash") << QStringLiteral("http://127.0.0.1:8080/v1/")
                                    << QStringLiteral("http://127.0.0.1:8080/v1/chat/completions");
    QTest::newRow("host only") << QStringLiteral("http://127.0.0.1:8000")
                               << QStringLiteral("http://127.0.0.1:8000/v1/chat/completions");
}

void tst_OpenAiCompatibleClient::findsTheEndpoint()
{
    QFETCH(QString, baseUrl);
    QFETCH(QString, endpoint);

    llm::OpenAiCompatibleClient::Config config;
    config.baseUrl = baseUrl;
    QCOMPARE(llm::OpenAiCompatibleClient(config).endpoint(), endpoint);
}

void tst_OpenAiCompatibleClient::errorChunkIsRetried()
{
    const QByteArray failing =
        chunk({{"content", "Half an ans"}})
        + R"(data: {"error":{"message":"the server is overloaded","type":"server_error"}})"
          "\n\n";
    ReplayServer server(QList<ReplayServer::Response>{
        {"200 OK", {failing}},
        {"200 OK", {chunk({{"content", "Whole answer."}}, "stop") + "data: [DONE]\n\n"}}});
    auto client = clientFor(server, QStringLiteral("sk-local"));
    auto reply = client.send(writeRequest(), nullptr, base::CancelToken());

    QVERIFY(reply.has_value());
    QVERIFY(reply->complete);
    QCOMPARE(reply->message.text(), std::string("Whole answer."));
    QCOMPARE(server.requestBodies().size(), 2);
    const QByteArray head = server.requestHeads().value(0).toLower();
    QVERIFY(head.startsWith("post /v1/chat/completions "));
    QVERIFY(head.contains("\r\nauthorization: bearer sk-local"));
}

void tst_OpenAiCompatibleClient::rateLimitHonoursRetryAfter()
{
    ReplayServer server(QList<ReplayServer::Response>{
        {"429 Too Many Requests", {R"({"error":"slow down"})"}, "Retry-After: 0.6\r\n"},
        {"200 OK", {chunk({{"content", "ok"}}, "stop") + "data: [DONE]\n\n"}}});
    auto client = clientFor(server);
    auto reply = client.send(writeRequest(), nullptr, base::CancelToken());

    QVERIFY2(reply.has_value(), reply ? "" : qPrintable(reply.error().message));
    QCOMPARE(reply->message.text(), std::string("ok"));
    const QList<qint64> times = server.requestTimes();
    QCOMPARE(times.size(), 2);
    QVERIFY2(times[1] - times[0] >= 600 && times[1] - times[0] < 1300,
             qPrintable(QString::number(times[1] - times[0])));
    QVERIFY(!server.requestHeads().value(0).toLower().contains("authorization"));
}

void tst_OpenAiCompatibleClient::refusedKeyIsAClearError()
{
    ReplayServer server(QList<ReplayServer::Response>{
        {"401 Unauthorized",
         {R"({"error":{"message":"bad key","type":"invalid_request_error"}})"}}});
    auto client = clientFor(server, QStringLiteral("sk-wrong-key"));
    auto reply = client.send(writeRequest(), nullptr, base::CancelToken());

    QVERIFY(!reply.has_value());
    QCOMPARE(reply.error().code, QStringLiteral("model_auth"));
    QVERIFY(reply.error().message.contains(QStringLiteral("bad key")));
    QVERIFY(!reply.error().message.contains(QStringLiteral("sk-wrong-key")));
}

QTEST_GUILESS_MAIN(tst_OpenAiCompatibleClient)
#include "tst_openaicompatibleclient.moc"
