#include "llm/openaicompatibleclient.h"

#include "llm/chatcompletionassembler.h"
#include "llm/httpstream.h"
#include "llm/sseparser.h"

#include <QDateTime>
#include <QRegularExpression>

namespace tandem::llm {

using nlohmann::json;

namespace {

std::string errorMessageOf(const std::string &body)
{
    // {"error": {"message": ...}} from most servers, {"error": "..."} from Ollama.
    const json parsed = json::parse(body, nullptr, false);
    if (parsed.is_object() && parsed.contains("error")) {
        const json &error = parsed["error"];
        if (error.is_string())
            return error.get<std::string>();
        if (error.is_object() && error.contains("message") && error["message"].is_string())
            return error["message"].get<std::string>();
    }
    return body.substr(0, 200);
}

json toolDeclaration(const ToolSpec &tool)
{
    json schema = tool.inputSchema.is_object() ? tool.inputSchema : json{{"type", "object"}};
    return {{"type", "function"},
            {"function",
             {{"name", tool.name}, {"description", tool.description}, {"parameters", schema}}}};
}

json imagePart(const ContentBlock &block)
{
    const std::string url = "data:" + block.imageMediaType + ";base64," + block.imageBase64;
    return {{"type", "image_url"}, {"image_url", {{"url", url}}}};
}

} // namespace

OpenAiCompatibleClient::OpenAiCompatibleClient(Config config)
    : m_config(std::move(config))
{
    while (m_config.baseUrl.endsWith(QLatin1Char('/')))
        m_config.baseUrl.chop(1);
}

QString OpenAiCompatibleClient::describe() const
{
    return m_config.label.isEmpty() ? QStringLiteral("openai:") + m_config.model : m_config.label;
}

QString OpenAiCompatibleClient::endpoint() const
{
    static const QRegularExpression versioned(QStringLiteral("/v\\d+$"));
    return m_config.baseUrl
           + (versioned.match(m_config.baseUrl).hasMatch()
                  ? QStringLiteral("/chat/completions")
                  : QStringLiteral("/v1/chat/completions"));
}

json OpenAiCompatibleClient::requestBody(const ModelRequest &request) const
{
    const int maxTokens = m_config.maxTokens > 0 ? m_config.maxTokens : request.maxTokens;
    json messages = json::array();
    if (!request.system.empty())
        messages.push_back({{"role", "system"}, {"content", request.system}});
    for (const Message &message : request.messages)
        appendMessage(messages, message);

    json body = {{"model", m_config.model.toStdString()},
                 {"messages", std::move(messages)},
                 {"max_tokens", maxTokens},
                 {"stream", true},
                 {"stream_options", {{"include_usage", true}}}};

    json tools = json::array();
    for (const ToolSpec &tool : request.tools) {
        if (tool.allowsDirect())
            tools.push_back(toolDeclaration(tool));
    }
    if (!tools.empty())
        body["tools"] = std::move(tools);
    return body;
}

void OpenAiCompatibleClient::appendMessage(json &messages, const Message &message) const
{
    if (message.role == Role::User) {
        appendUserTurn(messages, message);
        return;
    }

    json calls = json::array();
    for (const ContentBlock *use : message.toolUses()) {
        calls.push_back({{"id", use->id},
                         {"type", "function"},
                         {"function", {{"name", use->name}, {"arguments", use->input.dump()}}}});
    }
    const std::string text = message.text();
    json assistant = {{"role", "assistant"}, {"content", text.empty() ? json() : json(text)}};
    if (!calls.empty())
        assistant["tool_calls"] = std::move(calls);
    messages.push_back(std::move(assistant));
}

// Tool results must follow the assistant's calls directly, as `tool` messages; the user's own
// text and any screenshots come after them in one user message.
void OpenAiCompatibleClient::appendUserTurn(json &messages, const Message &message) const
{
    json parts = json::array();
    for (const ContentBlock &block : message.content) {
        if (block.type == ContentBlock::Type::Text && !block.text.empty()) {
            parts.push_back({{"type", "text"}, {"text", block.text}});
            continue;
        }
        if (block.type != ContentBlock::Type::ToolResult)
            continue;

        std::string text = block.isError ? "Error: " + block.text : block.text;
        const bool hasImage = !block.imageBase64.empty();
        if (hasImage && !m_config.images)
            text += "\n[a screenshot was taken; this model is not shown images]";
        else if (hasImage)
            text += "\n[the screenshot follows in the next user message]";
        messages.push_back(
            {{"role", "tool"}, {"tool_call_id", block.toolUseId}, {"content", text}});
        if (hasImage && m_config.images) {
            parts.push_back({{"type", "text"}, {"text", "Screenshot from " + block.toolUseId}});
            parts.push_back(imagePart(block));
        }
    }
    if (parts.empty())
        return;

    // Plain text stays a string: some servers take nothing else from a user.
    const bool onlyText = parts.size() == 1 && parts[0]["type"] == "text";
    messages.push_back({{"role", "user"}, {"content", onlyText ? parts[0]["text"] : parts}});
}

base::Result<ModelReply> OpenAiCompatibleClient::send(const ModelRequest &request,
                                                      StreamObserver *observer,
                                                      const base::CancelToken &cancel)
{
    return m_config.retry.run([&] { return sendOnce(request, observer, cancel); }, observer,
                              cancel);
}

Attempt OpenAiCompatibleClient::sendOnce(const ModelRequest &request, StreamObserver *observer,
                                         const base::CancelToken &cancel) const
{
    ChatCompletionAssembler assembler(observer);
    SseParser parser([&assembler](const SseEvent &event) { assembler.handle(event); });

    HttpStream::Request http;
    http.url = endpoint().toStdString();
    http.body = requestBody(request).dump(-1, ' ', false, json::error_handler_t::replace);
    http.headers = {"content-type: application/json", "accept: text/event-stream"};
    if (!m_config.apiKey.isEmpty())
        http.headers.push_back("authorization: Bearer " + m_config.apiKey.toStdString());
    http.connectTimeoutSeconds = m_config.connectTimeoutSeconds;
    http.idleTimeoutSeconds = m_config.idleTimeoutSeconds;

    const HttpStream::Outcome out = HttpStream::post(
        http, [&parser](std::string_view data) { parser.feed(data); }, cancel);

    Attempt attempt;
    if (cancel.isCancelled()) {
        attempt.reply = base::fail("cancelled", QStringLiteral("Stopped by the user."));
        return attempt;
    }
    if (!out.started || (out.status == 0 && (out.curlCode != 0 || out.idleTimedOut))) {
        const QString why =
            out.idleTimedOut ? QStringLiteral("nothing for %1 s").arg(m_config.idleTimeoutSeconds)
                             : QString::fromStdString(out.curlError);
        attempt.reply = base::fail(out.idleTimedOut ? "model_timeout" : "model_unreachable",
                                   QStringLiteral("Cannot reach the model server at %1 (%2): "
                                                  "check the base URL in Settings and that the "
                                                  "server is running.")
                                       .arg(m_config.baseUrl, why));
        return attempt;
    }

    if (out.status != 200) {
        const QString message = QString::fromStdString(errorMessageOf(out.errorBody));
        attempt.reason = "HTTP " + std::to_string(out.status);
        attempt.retryable = RetryPolicy::isRetryableStatus(out.status);
        attempt.retryAfter =
            RetryPolicy::parseRetryAfter(out.retryAfter, QDateTime::currentDateTimeUtc());
        const bool refused = out.status == 401 || out.status == 403;
        attempt.reply = base::fail(
            refused ? "model_auth" : "model_error",
            refused ? QStringLiteral("The model server refused the API key (HTTP %1: %2): check "
                                     "OPENAI_API_KEY or the key in Settings.")
                          .arg(out.status)
                          .arg(message)
                    : QStringLiteral("The model server answered HTTP %1: %2")
                          .arg(out.status)
                          .arg(message));
        return attempt;
    }

    assembler.endOfStream(out.idleTimedOut    ? "the model server went silent"
                          : out.curlCode != 0 ? out.curlError
                                              : "the stream ended without a finish_reason");
    const ModelReply &reply = assembler.reply();
    if (!reply.complete && RetryPolicy::isRetryableErrorType(reply.errorType)) {
        attempt.retryable = true;
        attempt.reason = reply.errorType + " during the stream";
    }
    attempt.reply = reply;
    return attempt;
}

} // namespace tandem::llm
