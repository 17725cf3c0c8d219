#include "llm/anthropicclient.h"
#include "llm/replyassembler.h"
#include "llm/sseparser.h"

#include "../support/replayserver.h"
#include "../support/sseevents.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QLocale>
#include <QTcpServer>
#include <QtTest>

#include <thread>

using namespace tandem;
using nlohmann::json;

namespace {

QList<QByteArray> loadPieces(const QString &name)
{
    QFile file(QStringLiteral(TANDEM_SOURCE_DIR "/tests/llm/data/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(name));
    QList<QByteArray> pieces;
    for (const json &piece : json::parse(file.readAll().toStdString())) {
        if (piece.is_string())
            pieces << QByteArray::fromStdString(piece.get<std::string>());
    }
    return pieces;
}

using sseevents::textReply;

QByteArray sseEvent(const json &payload)
{
    return sseevents::event(payload);
}

QList<QByteArray> insertBefore(QList<QByteArray> pieces, const QByteArray &marker,
                               const QByteArray &extra)
{
    QByteArray all = pieces.join();
    all.insert(all.indexOf(marker), extra);
    return ReplayServer::cut(all, 40, 1);
}

// The case's variant B: one 40,000-character text event cut in three writes.
QList<QByteArray> largeEventPieces()
{
    const std::string text = std::string(39999, 'x') + "!";
    const QByteArray stream = textReply(text);
    const QByteArray big = sseEvent({{"type", "content_block_delta"},
                                     {"index", 0},
                                     {"delta", {{"type", "text_delta"}, {"text", text}}}});
    const qsizetype start = stream.indexOf(big);
    return {stream.left(start + 1000), stream.mid(start + 1000, 29000), stream.mid(start + 30000)};
}

llm::AnthropicClient clientFor(const ReplayServer &server, int attempts = 4)
{
    llm::AnthropicClient::Config config;
    config.baseUrl = server.baseUrl();
    config.apiKey = QStringLiteral("sk-test-key");
    config.model = QStringLiteral("fake-model");
    config.retry.maxAttempts = attempts;
    config.retry.baseDelay = std::chrono::milliseconds(50);
    return llm::AnthropicClient(config);
}

QByteArray apiError(const char *type)
{
    return QByteArray(R"({"type":"error","error":{"type":")") + type
           + R"(","message":"Try again later"}})";
}

class RetryRecorder : public llm::StreamObserver
{
public:
    void textDelta(int, const std::string &text) override { shown += text; }
    void toolUseStarted(int, const std::string &, const std::string &name) override
    {
        tools.push_back(name);
    }
    void retrying(int attempt, std::chrono::milliseconds, const std::string &reason) override
    {
        retries.push_back(std::to_string(attempt) + ": " + reason);
    }

    std::string shown;
    std::vector<std::string> tools;
    std::vector<std::string> retries;
};

// Case 03, variant B: a tool call is streaming when the error event arrives.
QList<QByteArray> overloadedInsideToolCall()
{
    QList<QByteArray> pieces = loadPieces(QStringLiteral("case03-overloaded.json"));
    const QByteArray error = pieces.takeLast();
    pieces << sseEvent({{"type", "content_block_stop"}, {"index", 0}})
           << sseEvent({{"type", "content_block_start"},
                        {"index", 1},
                        {"content_block",
                         {{"type", "tool_use"},
                          {"id", "toolu_case03"},
                          {"name", "run_shell"},
                          {"input", json::object()}}}})
           << sseEvent(
                  {{"type", "content_block_delta"},
                   {"index", 1},
                   {"delta",
                    {{"type", "input_json_delta"}, {"partial_json", "{\"cmd\": \"rm -rf bu"}}}})
           << error;
    return pieces;
}

llm::ModelRequest helloRequest()
{
    llm::ModelRequest request;
    request.messages.push_back({llm::Role::User, {llm::ContentBlock::makeText("Hello")}});
    return request;
}

llm::ModelReply assembleLocally(const QList<QByteArray> &pieces)
{
    llm::ReplyAssembler assembler(nullptr);
    llm::SseParser parser([&](const llm::SseEvent &e) { assembler.handle(e); });
    for (const QByteArray &piece : pieces)
        parser.feed(std::string_view(piece.constData(), piece.size()));
    return assembler.reply();
}

} // namespace

class tst_AnthropicClient : public QObject
{
    Q_OBJECT

private slots:
    void splitStream_data();
    void splitStream();
    void randomCutsGiveOneTranscript();
    void zeroArgumentToolInput_data();
    void zeroArgumentToolInput();
    void interruptedStreamIsIncomplete_data();
    void interruptedStreamIsIncomplete();
    void overloadedMidStreamIsRetried_data();
    void overloadedMidStreamIsRetried();
    void honoursRetryAfter_data();
    void honoursRetryAfter();
    void attemptsAreBounded();
    void cancelEndsARetryWait();
    void clientErrorsAreNotRetried();
    void promptCachingMarksThreeBreakpoints();
    void maxTokensSettingWins();
    void sendsApiHeaders();
    void declaresToolsByProvider_data();
    void declaresToolsByProvider();
    void computerToolNeedsItsBetaHeader();
    void screenshotsTravelInToolResults();
    void refusedKeyIsAClearError();
    void unreachableServerIsAClearError();
    void cancelStopsTheStream();
    void silentServerTimesOut();
};

void tst_AnthropicClient::splitStream_data()
{
    QTest::addColumn<QList<QByteArray>>("pieces");
    QTest::addColumn<QString>("expected");

    const QList<QByteArray> reported = loadPieces(QStringLiteral("case01-split.json"));
    QTest::newRow("cut as in the report") << reported << QStringLiteral("Hello, split world.");
    QTest::newRow("large event in three writes")
        << largeEventPieces() << QString(39999, QLatin1Char('x')) + QLatin1Char('!');
    QTest::newRow("unknown event before message_stop")
        << insertBefore(reported, "event: message_stop",
                        "event: some_future_event\ndata: {\"type\":\"some_future_event\"}\n\n")
        << QStringLiteral("Hello, split world.");
    QTest::newRow("utf-8 characters cut mid-byte")
        << ReplayServer::cut(textReply("Grüße, €, 日本, 🙂"), 2, 7)
        << QStringLiteral("Grüße, €, 日本, 🙂");
}

void tst_AnthropicClient::splitStream()
{
    QFETCH(QList<QByteArray>, pieces);
    QFETCH(QString, expected);

    ReplayServer server(QList<ReplayServer::Response>{{"200 OK", pieces}});
    auto client = clientFor(server);
    auto reply = client.send(helloRequest(), nullptr, base::CancelToken());

    QVERIFY2(reply.has_value(), reply ? "" : qPrintable(reply.error().message));
    QCOMPARE(QString::fromStdString(reply->message.text()), expected);
    QCOMPARE(reply->stopReason, std::string("end_turn"));
    QVERIFY(reply->complete);
}

void tst_AnthropicClient::randomCutsGiveOneTranscript()
{
    const QByteArray stream = loadPieces(QStringLiteral("case01-split.json")).join();
    for (quint32 seed = 1; seed <= 200; ++seed) {
        const llm::ModelReply reply = assembleLocally(ReplayServer::cut(stream, 64, seed));
        QCOMPARE(reply.message.text(), std::string("Hello, split world."));
        QVERIFY(reply.complete);
    }
}

void tst_AnthropicClient::zeroArgumentToolInput_data()
{
    QTest::addColumn<QList<QByteArray>>("pieces");
    QTest::addColumn<QString>("expectedInput");

    const QByteArray noDeltas = loadPieces(QStringLiteral("case04-no-deltas.json")).join();
    const QByteArray stop = "event: content_block_stop";
    auto withDeltas = [&](const QByteArray &start, const QList<std::string> &parts) {
        QByteArray stream = noDeltas;
        QByteArray deltas;
        for (const std::string &part : parts) {
            deltas += sseEvent({{"type", "content_block_delta"},
                                {"index", 0},
                                {"delta", {{"type", "input_json_delta"}, {"partial_json", part}}}});
        }
        stream.insert(stream.indexOf(stop), deltas);
        if (!start.isEmpty()) {
            stream.replace(QByteArray("\"name\":\"list_open_files\",\"input\":{}"), start);
        }
        return ReplayServer::cut(stream, 9, 3);
    };

    QTest::newRow("A: no deltas") << withDeltas({}, {}) << QStringLiteral("{}");
    QTest::newRow("B: one empty delta") << withDeltas({}, {""}) << QStringLiteral("{}");
    QTest::newRow("C: input only in the start event")
        << withDeltas("\"name\":\"read_file\",\"input\":{\"path\":\"README.md\"}", {})
        << QStringLiteral("{\"path\":\"README.md\"}");
    QTest::newRow("D: input in fragments") << withDeltas("\"name\":\"read_file\",\"input\":{}",
                                                         {"{\"pa", "th\": \"src/ma", "in.cpp\"}"})
                                           << QStringLiteral("{\"path\":\"src/main.cpp\"}");
}

void tst_AnthropicClient::zeroArgumentToolInput()
{
    QFETCH(QList<QByteArray>, pieces);
    QFETCH(QString, expectedInput);

    ReplayServer server(QList<ReplayServer::Response>{{"200 OK", pieces}});
    auto client = clientFor(server);
    auto reply = client.send(helloRequest(), nullptr, base::CancelToken());

    QVERIFY(reply.has_value());
    QVERIFY(reply->complete);
    QCOMPARE(reply->stopReason, std::string("tool_use"));
    const auto uses = reply->message.toolUses();
    QCOMPARE(uses.size(), size_t(1));
    QVERIFY(uses.front()->input.is_object());
    QCOMPARE(uses.front()->input, json::parse(expectedInput.toStdString()));
}

void tst_AnthropicClient::interruptedStreamIsIncomplete_data()
{
    QTest::addColumn<QList<QByteArray>>("pieces");
    QTest::addColumn<QString>("errorType");

    const QList<QByteArray> overloaded = loadPieces(QStringLiteral("case03-overloaded.json"));
    QTest::newRow("overloaded_error after HTTP 200")
        << overloaded << QStringLiteral("overloaded_error");
    QTest::newRow("stream closes without message_stop")
        << overloaded.mid(0, 3) << QStringLiteral("incomplete_stream");
}

void tst_AnthropicClient::interruptedStreamIsIncomplete()
{
    QFETCH(QList<QByteArray>, pieces);
    QFETCH(QString, errorType);

    // One attempt: how a broken stream is assembled, before any retry.
    ReplayServer server(QList<ReplayServer::Response>{{"200 OK", pieces}});
    auto client = clientFor(server, 1);
    auto reply = client.send(helloRequest(), nullptr, base::CancelToken());

    QVERIFY(reply.has_value());
    QVERIFY(!reply->complete);
    QCOMPARE(QString::fromStdString(reply->errorType), errorType);
    // What streamed stays readable for the user.
    QCOMPARE(reply->message.text(), std::string("Here is the plan:\n1. Read the"));
}

void tst_AnthropicClient::overloadedMidStreamIsRetried_data()
{
    QTest::addColumn<QList<QByteArray>>("firstAttempt");

    QTest::newRow("A: error event in the text")
        << loadPieces(QStringLiteral("case03-overloaded.json"));
    QTest::newRow("B: error event inside a tool call") << overloadedInsideToolCall();
}

void tst_AnthropicClient::overloadedMidStreamIsRetried()
{
    QFETCH(QList<QByteArray>, firstAttempt);

    ReplayServer server(QList<ReplayServer::Response>{
        {"200 OK", firstAttempt}, {"200 OK", ReplayServer::cut(textReply("Retried OK."), 9, 2)}});
    auto client = clientFor(server);
    RetryRecorder observer;
    auto reply = client.send(helloRequest(), &observer, base::CancelToken());

    QVERIFY2(reply.has_value(), reply ? "" : qPrintable(reply.error().message));
    QVERIFY(reply->complete);
    QCOMPARE(reply->message.text(), std::string("Retried OK."));
    QVERIFY(reply->message.toolUses().empty());
    // The error's own type, not the HTTP status (200), made it a retry.
    QCOMPARE(observer.retries, std::vector<std::string>{"2: overloaded_error during the stream"});
    QCOMPARE(server.requestBodies().size(), 2);
    QVERIFY(!server.requestBodies().value(1).contains("1. Read the"));
    QCOMPARE(server.requestBodies().value(1), server.requestBodies().value(0));
}

void tst_AnthropicClient::honoursRetryAfter_data()
{
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("minimumMs");
    QTest::addColumn<int>("maximumMs");

    // The base delay is 50 ms here: waits near a second come from the header alone.
    QTest::newRow("429 rate limit, seconds")
        << QByteArray("429 Too Many Requests") << QByteArray("Retry-After: 1\r\n")
        << apiError("rate_limit_error") << 1000 << 1600;
    QTest::newRow("529 overloaded, fractional")
        << QByteArray("529 Overloaded") << QByteArray("retry-after: 0.7\r\n")
        << apiError("overloaded_error") << 700 << 1300;
    // DATE becomes an HTTP date two seconds after the row starts (one-second resolution).
    QTest::newRow("503 with an HTTP date")
        << QByteArray("503 Service Unavailable") << QByteArray("Retry-After: DATE\r\n")
        << apiError("api_error") << 900 << 2600;
    QTest::newRow("500 without retry-after: back-off")
        << QByteArray("500 Internal Server Error") << QByteArray() << apiError("api_error") << 25
        << 600;
}

void tst_AnthropicClient::honoursRetryAfter()
{
    QFETCH(QByteArray, status);
    QFETCH(QByteArray, headers);
    QFETCH(QByteArray, body);
    QFETCH(int, minimumMs);
    QFETCH(int, maximumMs);

    const QString date = QLocale::c().toString(QDateTime::currentDateTimeUtc().addSecs(2),
                                               QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
    headers.replace("DATE", date.toLatin1());
    ReplayServer server(
        QList<ReplayServer::Response>{{status, {body}, headers}, {"200 OK", {textReply("ok")}}});
    auto client = clientFor(server);
    auto reply = client.send(helloRequest(), nullptr, base::CancelToken());

    QVERIFY2(reply.has_value(), reply ? "" : qPrintable(reply.error().message));
    QCOMPARE(reply->message.text(), std::string("ok"));
    const QList<qint64> times = server.requestTimes();
    QCOMPARE(times.size(), 2);
    const qint64 gap = times[1] - times[0];
    qInfo("waited %lld ms between the attempts", gap);
    QVERIFY2(gap >= minimumMs && gap <= maximumMs, qPrintable(QString::number(gap)));
}

void tst_AnthropicClient::attemptsAreBounded()
{
    const ReplayServer::Response busy{
        "529 Overloaded", {apiError("overloaded_error")}, "Retry-After: 0\r\n"};
    ReplayServer server(QList<ReplayServer::Response>{busy, busy, busy, {"200 OK", {"x"}}});
    auto client = clientFor(server, 3);
    auto reply = client.send(helloRequest(), nullptr, base::CancelToken());

    QVERIFY(!reply.has_value());
    QCOMPARE(reply.error().code, QStringLiteral("model_error"));
    QVERIFY2(reply.error().message.contains(QStringLiteral("overloaded_error")),
             qPrintable(reply.error().message));
    QVERIFY(reply.error().message.contains(QStringLiteral("after 3 attempts")));
    QCOMPARE(server.requestBodies().size(), 3);
}

void tst_AnthropicClient::cancelEndsARetryWait()
{
    ReplayServer server(QList<ReplayServer::Response>{
        {"429 Too Many Requests", {apiError("rate_limit_error")}, "Retry-After: 30\r\n"}});
    auto client = clientFor(server);
    base::CancelToken cancel;
    RetryRecorder observer;
    std::thread stopper([cancel] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancel.cancel();
    });

    QElapsedTimer clock;
    clock.start();
    auto reply = client.send(helloRequest(), &observer, cancel);
    const qint64 elapsed = clock.elapsed();
    stopper.join();

    QVERIFY(!reply.has_value());
    QCOMPARE(reply.error().code, QStringLiteral("cancelled"));
    QCOMPARE(observer.retries.size(), size_t(1));
    QCOMPARE(server.requestBodies().size(), 1);
    QVERIFY2(elapsed >= 290 && elapsed < 700, qPrintable(QString::number(elapsed)));
}

void tst_AnthropicClient::clientErrorsAreNotRetried()
{
    ReplayServer server(QList<ReplayServer::Response>{
        {"400 Bad Request", {apiError("invalid_request_error")}, "Retry-After: 0\r\n"},
        {"200 OK", {textReply("never")}}});
    auto client = clientFor(server);
    auto reply = client.send(helloRequest(), nullptr, base::CancelToken());

    QVERIFY(!reply.has_value());
    QVERIFY(reply.error().message.contains(QStringLiteral("invalid_request_error")));
    QCOMPARE(server.requestBodies().size(), 1);
}

void tst_AnthropicClient::promptCachingMarksThreeBreakpoints()
{
    llm::ModelRequest request = helloRequest();
    request.system = "You work on a repository.";
    request.tools.push_back({"bash", "Run a command", {{"type", "object"}}, "bash_20250124", {}});
    request.tools.push_back({"read", "Read a file", {{"type", "object"}}, {}, {}});
    request.messages.push_back(
        {llm::Role::Assistant, {llm::ContentBlock::makeToolUse("t1", "read", json::object())}});
    request.messages.push_back({llm::Role::User,
                                {llm::ContentBlock::makeToolResult("t1", "contents", false),
                                 llm::ContentBlock::makeText("And now?")}});

    llm::AnthropicClient::Config config;
    const json body = llm::AnthropicClient(config).requestBody(request);
    const json ephemeral = {{"type", "ephemeral"}};
    QCOMPARE(body["tools"][1]["cache_control"], ephemeral);
    QVERIFY(!body["tools"][0].contains("cache_control"));
    QCOMPARE(body["system"][0]["text"], json("You work on a repository."));
    QCOMPARE(body["system"][0]["cache_control"], ephemeral);
    QCOMPARE(body["messages"][2]["content"][1]["cache_control"], ephemeral);
    QVERIFY(!body["messages"][0]["content"][0].contains("cache_control"));
    // The API refuses more than four breakpoints.
    QCOMPARE(QByteArray::fromStdString(body.dump()).count("cache_control"), 3);

    config.promptCaching = false;
    const json plain = llm::AnthropicClient(config).requestBody(request);
    QCOMPARE(plain["system"], json("You work on a repository."));
    QVERIFY(!QByteArray::fromStdString(plain.dump()).contains("cache_control"));
}

void tst_AnthropicClient::maxTokensSettingWins()
{
    llm::AnthropicClient::Config config;
    QCOMPARE(llm::AnthropicClient(config).requestBody(helloRequest())["max_tokens"], json(8192));
    config.maxTokens = 2048;
    QCOMPARE(llm::AnthropicClient(config).requestBody(helloRequest())["max_tokens"], json(2048));
    QVERIFY(llm::AnthropicClient::suggestedModels().contains(QStringLiteral("claude-sonnet-4-5")));
}

void tst_AnthropicClient::sendsApiHeaders()
{
    ReplayServer server(QList<ReplayServer::Response>{{"200 OK", {textReply("ok")}}});
    auto client = clientFor(server);
    QVERIFY(client.send(helloRequest(), nullptr, base::CancelToken()).has_value());

    const QByteArray head = server.requestHeads().value(0).toLower();
    QVERIFY(head.startsWith("post /v1/messages "));
    QVERIFY(head.contains("\r\nx-api-key: sk-test-key"));
    QVERIFY(head.contains("\r\nanthropic-version: 2023-06-01"));

    const json body = json::parse(server.requestBodies().value(0).toStdString());
    QCOMPARE(body["stream"], json(true));
    QCOMPARE(body["model"], json("fake-model"));
    QCOMPARE(body["messages"][0]["content"][0]["text"], json("Hello"));
}

void tst_AnthropicClient::declaresToolsByProvider_data()
{
    QTest::addColumn<bool>("native");
    QTest::addColumn<QString>("expected");

    QTest::newRow("Anthropic's own tool type")
        << true << QStringLiteral(R"({"name":"bash","type":"bash_20250124"})");
    QTest::newRow("JSON schema elsewhere")
        << false
        << QStringLiteral(R"({"description":"Run a command","input_schema":{"type":"object"},)"
                          R"("name":"bash"})");
}

void tst_AnthropicClient::declaresToolsByProvider()
{
    QFETCH(bool, native);
    QFETCH(QString, expected);

    llm::AnthropicClient::Config config;
    config.nativeToolTypes = native;
    config.promptCaching = false;
    llm::AnthropicClient client(config);
    llm::ModelRequest request = helloRequest();
    request.tools.push_back({"bash", "Run a command", {{"type", "object"}}, "bash_20250124", {}});

    const json body = client.requestBody(request);
    QCOMPARE(body["tools"].size(), size_t(1));
    QCOMPARE(body["tools"][0], json::parse(expected.toStdString()));
}

void tst_AnthropicClient::computerToolNeedsItsBetaHeader()
{
    ReplayServer server(QList<ReplayServer::Response>{{"200 OK", {textReply("ok")}},
                                                      {"200 OK", {textReply("ok")}}});
    auto client = clientFor(server);
    llm::ModelRequest request = helloRequest();
    llm::ToolSpec computer{
        "computer", "Use the screen", {{"type", "object"}}, "computer_20250124", {}};
    computer.nativeParameters = {{"display_width_px", 1460}, {"display_height_px", 821}};
    computer.betaFeature = "computer-use-2025-01-24";
    request.tools.push_back(computer);
    QVERIFY(client.send(request, nullptr, base::CancelToken()).has_value());
    QVERIFY(client.send(helloRequest(), nullptr, base::CancelToken()).has_value());

    const QByteArray withTool = server.requestHeads().value(0).toLower();
    QVERIFY(withTool.contains("\r\nanthropic-beta: computer-use-2025-01-24\r\n"));
    QVERIFY(!server.requestHeads().value(1).toLower().contains("anthropic-beta"));
    const json body = json::parse(server.requestBodies().value(0).toStdString());
    QCOMPARE(body["tools"][0], json::parse(R"({"type":"computer_20250124","name":"computer",)"
                                           R"("display_width_px":1460,"display_height_px":821,)"
                                           R"("cache_control":{"type":"ephemeral"}})"));
}

void tst_AnthropicClient::screenshotsTravelInToolResults()
{
    std::vector<llm::Message> conversation;
    for (int i = 0; i < 5; ++i) {
        auto result = llm::ContentBlock::makeToolResult("t" + std::to_string(i), "", false);
        result.imageBase64 = "png" + std::to_string(i);
        result.imageMediaType = "image/png";
        conversation.push_back({llm::Role::User, {result}});
    }

    QCOMPARE(llm::keepRecentImages(conversation, 3), 2);
    const json oldest = conversation[0].content[0].toJson();
    QCOMPARE(oldest["content"], json("[an older screenshot, no longer shown]"));
    const json newest = conversation[4].content[0].toJson();
    QCOMPARE(newest["content"].size(), size_t(1));
    QCOMPARE(newest["content"][0]["type"], json("image"));
    QCOMPARE(newest["content"][0]["source"]["media_type"], json("image/png"));
    QCOMPARE(newest["content"][0]["source"]["data"], json("png4"));
    QCOMPARE(llm::keepRecentImages(conversation, 3), 0);
}

void tst_AnthropicClient::refusedKeyIsAClearError()
{
    const QByteArray refusal = R"({"type":"error","error":{"type":"authentication_error",)"
                               R"("message":"invalid x-api-key"}})";
    ReplayServer server(QList<ReplayServer::Response>{{"401 Unauthorized", {refusal}}});
    auto client = clientFor(server);
    auto reply = client.send(helloRequest(), nullptr, base::CancelToken());

    QVERIFY(!reply.has_value());
    QCOMPARE(reply.error().code, QStringLiteral("model_auth"));
    QVERIFY(reply.error().message.contains(QStringLiteral("ANTHROPIC_API_KEY")));
    QVERIFY(reply.error().message.contains(QStringLiteral("authentication_error")));
    QVERIFY(!reply.error().message.contains(QStringLiteral("sk-test-key")));
}

void tst_AnthropicClient::unreachableServerIsAClearError()
{
    quint16 closedPort = 0;
    {
        ReplayServer gone(QList<ReplayServer::Response>{});
        closedPort = gone.port();
    }
    llm::AnthropicClient::Config config;
    config.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(closedPort);
    config.apiKey = QStringLiteral("k");
    config.model = QStringLiteral("m");
    llm::AnthropicClient client(config);

    auto reply = client.send(helloRequest(), nullptr, base::CancelToken());
    QVERIFY(!reply.has_value());
    QCOMPARE(reply.error().code, QStringLiteral("model_unreachable"));
    QVERIFY(reply.error().message.contains(QStringLiteral("ANTHROPIC_BASE_URL")));
}

void tst_AnthropicClient::cancelStopsTheStream()
{
    // A reply that would take seconds to arrive, byte by byte.
    ReplayServer server(QList<ReplayServer::Response>{
        {"200 OK", ReplayServer::cut(textReply(std::string(4000, 'z')), 1, 5)}});
    auto client = clientFor(server);
    base::CancelToken cancel;
    std::thread stopper([cancel] {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        cancel.cancel();
    });

    QElapsedTimer clock;
    clock.start();
    auto reply = client.send(helloRequest(), nullptr, cancel);
    stopper.join();

    QVERIFY(!reply.has_value());
    QCOMPARE(reply.error().code, QStringLiteral("cancelled"));
    QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
}

void tst_AnthropicClient::silentServerTimesOut()
{
    // Accepts the connection, reads the request, and never answers.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    llm::AnthropicClient::Config config;
    config.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort());
    config.apiKey = QStringLiteral("k");
    config.model = QStringLiteral("m");
    config.idleTimeoutSeconds = 1;
    llm::AnthropicClient client(config);

    QElapsedTimer clock;
    clock.start();
    auto reply = client.send(helloRequest(), nullptr, base::CancelToken());
    QVERIFY(!reply.has_value());
    QCOMPARE(reply.error().code, QStringLiteral("model_timeout"));
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
}

QTEST_GUILESS_MAIN(tst_AnthropicClient)
#include "tst_anthropicclient.moc"
