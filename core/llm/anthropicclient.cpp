#include "llm/anthropicclient.h"

#include "llm/httpstream.h"
#include "llm/replyassembler.h"
#include "llm/sseparser.h"

#include <QDateTime>
#include <QLoggingCategory>

namespace tandem::llm {

Q_DECLARE_LOGGING_CATEGORY(lcLlm)

using nlohmann::json;

namespace {

constexpr char kApiVersion[] = "2023-06-01";

struct ApiError
{
    std::string type = "http_error";
    std::string message;
};

ApiError parseApiError(const std::string &body)
{
    const json error = json::parse(body, nullptr, false);
    ApiError parsed{"http_error", body.substr(0, 200)};
    if (error.is_object() && error.contains("error") && error["error"].is_object()) {
        parsed.type = error["error"].value("type", parsed.type);
        parsed.message = error["error"].value("message", parsed.message);
    }
    return parsed;
}

std::string describeHttpError(long status, const ApiError &error)
{
    return "HTTP " + std::to_string(status) + " " + error.type + ": " + error.message;
}

const json kEphemeral = {{"type", "ephemeral"}};

// The newest user turn's last block: everything before it is the prefix the next request
// repeats, so the cache is read up to there.
void markLastUserTurn(json &messages)
{
    for (auto message = messages.rbegin(); message != messages.rend(); ++message) {
        if ((*message)["role"] != "user")
            continue;
        json &content = (*message)["content"];
        if (content.is_array() && !content.empty())
            content.back()["cache_control"] = kEphemeral;
        return;
    }
}

} // namespace

AnthropicClient::AnthropicClient(Config config)
    : m_config(std::move(config))
{
    while (m_config.baseUrl.endsWith(QLatin1Char('/')))
        m_config.baseUrl.chop(1);
}

QStringList AnthropicClient::suggestedModels()
{
    return {QStringLiteral("claude-sonnet-4-5"), QStringLiteral("claude-opus-4-5"),
            QStringLiteral("claude-haiku-4-5"), QStringLiteral("claude-opus-4-1"),
            QStringLiteral("claude-sonnet-4-0")};
}

QString AnthropicClient::describe() const
{
    return m_config.label.isEmpty() ? QStringLiteral("anthropic:") + m_config.model
                                    : m_config.label;
}

json AnthropicClient::requestBody(const ModelRequest &request) const
{
    const int maxTokens = m_config.maxTokens > 0 ? m_config.maxTokens : request.maxTokens;
    json body = {
        {"model", m_config.model.toStdString()}, {"max_tokens", maxTokens}, {"stream", true}};
    if (!request.system.empty()) {
        // Three breakpoints at most (tools, system, the newest user turn): the API allows four.
        if (m_config.promptCaching) {
            body["system"] = json::array(
                {{{"type", "text"}, {"text", request.system}, {"cache_control", kEphemeral}}});
        } else {
            body["system"] = request.system;
        }
    }

    json messages = json::array();
    for (const Message &message : request.messages)
        messages.push_back(message.toJson());
    if (m_config.promptCaching)
        markLastUserTurn(messages);
    body["messages"] = std::move(messages);

    const bool serverCode = !request.serverCodeExecution.empty();
    if (!request.tools.empty() || serverCode) {
        json tools = json::array();
        if (serverCode)
            tools.push_back({{"type", request.serverCodeExecution}, {"name", "code_execution"}});
        for (const ToolSpec &tool : request.tools)
            tools.push_back(tool.toJson(m_config.nativeToolTypes, serverCode));
        if (m_config.promptCaching)
            tools.back()["cache_control"] = kEphemeral;
        body["tools"] = std::move(tools);
    }
    if (!request.container.empty())
        body["container"] = request.container;
    return body;
}

std::vector<std::string> AnthropicClient::headersFor(const ModelRequest &request) const
{
    std::string betaHeader;
    for (const ToolSpec &tool : request.tools) {
        const bool needed = m_config.nativeToolTypes && !tool.betaFeature.empty()
                            && betaHeader.find(tool.betaFeature) == std::string::npos;
        if (needed)
            betaHeader += (betaHeader.empty() ? "anthropic-beta: " : ",") + tool.betaFeature;
    }

    std::vector<std::string> headers;
    if (!betaHeader.empty())
        headers.push_back(betaHeader);
    headers.push_back("content-type: application/json");
    headers.push_back("accept: text/event-stream");
    headers.push_back("x-api-key: " + m_config.apiKey.toStdString());
    headers.push_back(std::string("anthropic-version: ") + kApiVersion);
    // Calls from the provider's code are a beta of the Messages API.
    if (!request.serverCodeExecution.empty())
        headers.push_back("anthropic-beta: advanced-tool-use-2025-11-20");
    return headers;
}

base::Result<ModelReply> AnthropicClient::send(const ModelRequest &request,
                                               StreamObserver *observer,
                                               const base::CancelToken &cancel)
{
    return m_config.retry.run([&] { return sendOnce(request, observer, cancel); }, observer,
                              cancel);
}

Attempt AnthropicClient::sendOnce(const ModelRequest &request, StreamObserver *observer,
                                  const base::CancelToken &cancel) const
{
    ReplyAssembler assembler(observer);
    SseParser parser([&assembler](const SseEvent &event) { assembler.handle(event); });

    HttpStream::Request http;
    http.url = (m_config.baseUrl + QStringLiteral("/v1/messages")).toStdString();
    // Tool output is whatever the bytes were (a binary file cat'ed): bytes that are not UTF-8
    // are sent as U+FFFD rather than ending the session.
    http.body = requestBody(request).dump(-1, ' ', false, json::error_handler_t::replace);
    http.headers = headersFor(request);
    http.connectTimeoutSeconds = m_config.connectTimeoutSeconds;
    http.idleTimeoutSeconds = m_config.idleTimeoutSeconds;

    const HttpStream::Outcome out = HttpStream::post(
        http, [&parser](std::string_view data) { parser.feed(data); }, cancel);

    Attempt attempt;
    if (!out.started) {
        attempt.reply = base::fail("model_unreachable",
                                   QStringLiteral("Could not start an HTTP client (libcurl)."));
        return attempt;
    }
    if (cancel.isCancelled()) {
        attempt.reply = base::fail("cancelled", QStringLiteral("Stopped by the user."));
        return attempt;
    }

    if (out.idleTimedOut && out.status == 0) {
        attempt.reply = base::fail(
            "model_timeout", QStringLiteral("The model at %1 accepted the connection but sent "
                                            "nothing for %2 s: check ANTHROPIC_BASE_URL, or try "
                                            "again later.")
                                 .arg(m_config.baseUrl)
                                 .arg(m_config.idleTimeoutSeconds));
        return attempt;
    }

    if (out.curlCode != 0 && out.status == 0) {
        attempt.reply = base::fail(
            "model_unreachable", QStringLiteral("Cannot reach the model at %1 (%2): check "
                                                "ANTHROPIC_BASE_URL and that the service is up.")
                                     .arg(m_config.baseUrl, QString::fromStdString(out.curlError)));
        return attempt;
    }

    if (out.status != 200) {
        const ApiError error = parseApiError(out.errorBody);
        const QString described = QString::fromStdString(describeHttpError(out.status, error));
        attempt.reason = "HTTP " + std::to_string(out.status) + " " + error.type;
        attempt.retryable = RetryPolicy::isRetryableStatus(out.status)
                            || RetryPolicy::isRetryableErrorType(error.type);
        attempt.retryAfter =
            RetryPolicy::parseRetryAfter(out.retryAfter, QDateTime::currentDateTimeUtc());
        if (out.status == 401 || out.status == 403) {
            attempt.reply = base::fail("model_auth",
                                       QStringLiteral("The model service refused the API key (%1): "
                                                      "check ANTHROPIC_API_KEY.")
                                           .arg(described));
        } else {
            attempt.reply = base::fail(
                "model_error", QStringLiteral("The model service answered %1.").arg(described));
        }
        return attempt;
    }

    std::string cutOff = "the stream ended before message_stop";
    if (out.idleTimedOut)
        cutOff = "the model sent nothing for " + std::to_string(m_config.idleTimeoutSeconds) + " s";
    else if (out.curlCode != 0)
        cutOff = out.curlError;
    assembler.endOfStream(cutOff);

    // An error event after HTTP 200 (overloaded_error mid-stream) is judged by its own type.
    const ModelReply &reply = assembler.reply();
    if (!reply.complete && RetryPolicy::isRetryableErrorType(reply.errorType)) {
        attempt.retryable = true;
        attempt.reason = reply.errorType + " during the stream";
    }
    attempt.reply = reply;
    return attempt;
}

} // namespace tandem::llm
