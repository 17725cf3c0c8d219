#include "llm/anthropicclient.h"

#include "llm/replyassembler.h"
#include "llm/sseparser.h"

#include <QLoggingCategory>

#include <curl/curl.h>

#include <chrono>
#include <mutex>

namespace tandem::llm {

Q_DECLARE_LOGGING_CATEGORY(lcLlm)

using nlohmann::json;

namespace {

constexpr char kApiVersion[] = "2023-06-01";
constexpr size_t kErrorBodyCap = 64 * 1024;

struct Transfer
{
    using Clock = std::chrono::steady_clock;

    CURL *curl = nullptr;
    SseParser *parser = nullptr;
    const base::CancelToken *cancel = nullptr;
    std::chrono::seconds idleLimit{0};
    Clock::time_point lastByte = Clock::now();
    bool idleTimedOut = false;
    std::string errorBody;
};

size_t onBody(char *data, size_t size, size_t count, void *user)
{
    auto *transfer = static_cast<Transfer *>(user);
    const size_t bytes = size * count;
    transfer->lastByte = Transfer::Clock::now();

    long status = 0;
    curl_easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status == 200) {
        transfer->parser->feed(std::string_view(data, bytes));
    } else if (transfer->errorBody.size() < kErrorBodyCap) {
        transfer->errorBody.append(data, std::min(bytes, kErrorBodyCap));
    }
    return transfer->cancel->isCancelled() ? 0 : bytes;
}

int onProgress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    // Called about once a second and on every read: how a cancel, or the silence of a server
    // that stopped sending (not even a ping), ends a quiet stream.
    auto *transfer = static_cast<Transfer *>(user);
    if (Transfer::Clock::now() - transfer->lastByte > transfer->idleLimit)
        transfer->idleTimedOut = true;
    return transfer->cancel->isCancelled() || transfer->idleTimedOut ? 1 : 0;
}

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string describeHttpError(long status, const std::string &body)
{
    const json error = json::parse(body, nullptr, false);
    std::string type = "http_error";
    std::string message = body.substr(0, 200);
    if (error.is_object() && error.contains("error") && error["error"].is_object()) {
        type = error["error"].value("type", type);
        message = error["error"].value("message", message);
    }
    return "HTTP " + std::to_string(status) + " " + type + ": " + message;
}

} // namespace

AnthropicClient::AnthropicClient(Config config)
    : m_config(std::move(config))
{
    while (m_config.baseUrl.endsWith(QLatin1Char('/')))
        m_config.baseUrl.chop(1);
}

QString AnthropicClient::describe() const
{
    return m_config.label.isEmpty() ? QStringLiteral("anthropic:") + m_config.model
                                    : m_config.label;
}

json AnthropicClient::requestBody(const ModelRequest &request) const
{
    json body = {{"model", m_config.model.toStdString()},
                 {"max_tokens", request.maxTokens},
                 {"stream", true}};
    if (!request.system.empty())
        body["system"] = request.system;

    json messages = json::array();
    for (const Message &message : request.messages)
        messages.push_back(message.toJson());
    body["messages"] = std::move(messages);

    const bool serverCode = !request.serverCodeExecution.empty();
    if (!request.tools.empty() || serverCode) {
        json tools = json::array();
        if (serverCode)
            tools.push_back({{"type", request.serverCodeExecution}, {"name", "code_execution"}});
        for (const ToolSpec &tool : request.tools)
            tools.push_back(tool.toJson(m_config.nativeToolTypes, serverCode));
        body["tools"] = std::move(tools);
    }
    if (!request.container.empty())
        body["container"] = request.container;
    return body;
}

base::Result<ModelReply> AnthropicClient::send(const ModelRequest &request,
                                               StreamObserver *observer,
                                               const base::CancelToken &cancel)
{
    initCurlOnce();
    CURL *curl = curl_easy_init();
    if (!curl)
        return base::fail("model_unreachable", "Could not start an HTTP client (libcurl).");

    ReplyAssembler assembler(observer);
    SseParser parser([&assembler](const SseEvent &event) { assembler.handle(event); });
    Transfer transfer;
    transfer.curl = curl;
    transfer.parser = &parser;
    transfer.cancel = &cancel;
    transfer.idleLimit = std::chrono::seconds(m_config.idleTimeoutSeconds);

    const std::string url = (m_config.baseUrl + QStringLiteral("/v1/messages")).toStdString();
    // Tool output is whatever the bytes were (a binary file cat'ed): bytes that are not UTF-8
    // are sent as U+FFFD rather than ending the session.
    const std::string body =
        requestBody(request).dump(-1, ' ', false, json::error_handler_t::replace);
    const std::string keyHeader = "x-api-key: " + m_config.apiKey.toStdString();
    const std::string versionHeader = std::string("anthropic-version: ") + kApiVersion;

    std::string betaHeader;
    for (const ToolSpec &tool : request.tools) {
        const bool needed = m_config.nativeToolTypes && !tool.betaFeature.empty()
                            && betaHeader.find(tool.betaFeature) == std::string::npos;
        if (needed)
            betaHeader += (betaHeader.empty() ? "anthropic-beta: " : ",") + tool.betaFeature;
    }

    curl_slist *headers = nullptr;
    if (!betaHeader.empty())
        headers = curl_slist_append(headers, betaHeader.c_str());
    headers = curl_slist_append(headers, "content-type: application/json");
    headers = curl_slist_append(headers, "accept: text/event-stream");
    headers = curl_slist_append(headers, keyHeader.c_str());
    headers = curl_slist_append(headers, versionHeader.c_str());
    // Calls from the provider's code are a beta of the Messages API.
    if (!request.serverCodeExecution.empty())
        headers = curl_slist_append(headers, "anthropic-beta: advanced-tool-use-2025-11-20");

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, long(m_config.connectTimeoutSeconds));

    qCDebug(lcLlm, "POST %s (%zu bytes)", url.c_str(), body.size());
    const CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);

    if (cancel.isCancelled())
        return base::fail("cancelled", QStringLiteral("Stopped by the user."));

    if (transfer.idleTimedOut && status == 0) {
        return base::fail("model_timeout",
                          QStringLiteral("The model at %1 accepted the connection but sent nothing "
                                         "for %2 s: check ANTHROPIC_BASE_URL, or try again later.")
                              .arg(m_config.baseUrl)
                              .arg(m_config.idleTimeoutSeconds));
    }

    if (code != CURLE_OK && status == 0) {
        return base::fail("model_unreachable",
                          QStringLiteral("Cannot reach the model at %1 (%2): check "
                                         "ANTHROPIC_BASE_URL and that the service is up.")
                              .arg(m_config.baseUrl, QString::fromUtf8(curl_easy_strerror(code))));
    }

    if (status == 401 || status == 403) {
        return base::fail(
            "model_auth",
            QStringLiteral("The model service refused the API key (%1): check "
                           "ANTHROPIC_API_KEY.")
                .arg(QString::fromStdString(describeHttpError(status, transfer.errorBody))));
    }

    if (status != 200) {
        return base::fail("model_error", QStringLiteral("The model service answered %1.")
                                             .arg(QString::fromStdString(
                                                 describeHttpError(status, transfer.errorBody))));
    }

    std::string cutOff = "the stream ended before message_stop";
    if (transfer.idleTimedOut)
        cutOff = "the model sent nothing for " + std::to_string(m_config.idleTimeoutSeconds) + " s";
    else if (code != CURLE_OK)
        cutOff = curl_easy_strerror(code);
    assembler.endOfStream(cutOff);
    return assembler.reply();
}

} // namespace tandem::llm
