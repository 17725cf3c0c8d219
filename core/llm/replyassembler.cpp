#include "llm/replyassembler.h"

#include <QLoggingCategory>

namespace tandem::llm {

Q_DECLARE_LOGGING_CATEGORY(lcLlm)

using nlohmann::json;

ReplyAssembler::ReplyAssembler(StreamObserver *observer)
    : m_observer(observer)
{}

void ReplyAssembler::handle(const SseEvent &event)
{
    if (m_failed)
        return;

    json payload = json::parse(event.data, nullptr, false);
    if (payload.is_discarded() || !payload.is_object()) {
        markBroken("invalid_stream",
                   "the model sent an event that is not JSON: " + event.data.substr(0, 120));
        return;
    }
    m_sawEvent = true;

    // The payload's own "type" is authoritative; the event: line is only a hint.
    const std::string type = payload.value("type", event.name);
    if (type == "message_start")
        onMessageStart(payload);
    else if (type == "content_block_start")
        onBlockStart(payload);
    else if (type == "content_block_delta")
        onBlockDelta(payload);
    else if (type == "content_block_stop")
        onBlockStop(payload);
    else if (type == "message_delta")
        onMessageDelta(payload);
    else if (type == "message_stop")
        onMessageStop();
    else if (type == "error")
        onError(payload);
    else if (type != "ping")
        qCDebug(lcLlm, "ignoring unknown stream event %s", type.c_str());
}

void ReplyAssembler::onMessageStart(const json &payload)
{
    const json &message = payload.value("message", json::object());
    takeContainer(message.value("container", json()));
    const json &usage = message.value("usage", json::object());
    m_reply.usage.inputTokens = usage.value("input_tokens", 0LL);
    m_reply.usage.outputTokens = usage.value("output_tokens", 0LL);
}

void ReplyAssembler::onBlockStart(const json &payload)
{
    const int index = payload.value("index", 0);
    const json &start = payload.value("content_block", json::object());
    const std::string type = start.value("type", "");

    PendingBlock pending;
    if (type == "text") {
        pending.block = ContentBlock::makeText(start.value("text", ""));
        if (!pending.block.text.empty() && m_observer)
            m_observer->textDelta(index, pending.block.text);
    } else if (type == "tool_use" || type == "server_tool_use") {
        json input = start.value("input", json::object());
        pending.block = ContentBlock::makeToolUse(start.value("id", ""), start.value("name", ""),
                                                  input.is_object() ? input : json::object());
        if (type == "server_tool_use")
            pending.block.type = ContentBlock::Type::ServerToolUse;
        else if (start.contains("caller") && start["caller"].is_object())
            pending.block.caller = start["caller"];
        if (m_observer)
            m_observer->toolUseStarted(index, pending.block.id, pending.block.name);
    } else if (type.ends_with("_tool_result")) {
        // The provider's own tool's result (code_execution_tool_result and the like): whole in
        // the start event, kept as it came.
        pending.block.type = ContentBlock::Type::ServerResult;
        pending.block.raw = start;
    } else {
        qCDebug(lcLlm, "ignoring content block of type %s", type.c_str());
        return;
    }
    m_blocks[index] = std::move(pending);
}

void ReplyAssembler::onBlockDelta(const json &payload)
{
    const int index = payload.value("index", 0);
    auto it = m_blocks.find(index);
    if (it == m_blocks.end())
        return;

    const json &delta = payload.value("delta", json::object());
    const std::string type = delta.value("type", "");
    if (type == "text_delta") {
        const std::string text = delta.value("text", "");
        it->second.block.text += text;
        if (m_observer && !text.empty())
            m_observer->textDelta(index, text);
    } else if (type == "input_json_delta") {
        const std::string piece = delta.value("partial_json", "");
        it->second.partialJson += piece;
        if (m_observer && !piece.empty())
            m_observer->toolInputDelta(index, piece);
    }
}

void ReplyAssembler::onBlockStop(const json &payload)
{
    auto it = m_blocks.find(payload.value("index", 0));
    if (it != m_blocks.end())
        finishBlock(it->second);
}

void ReplyAssembler::finishBlock(PendingBlock &pending)
{
    if (pending.stopped)
        return;
    pending.stopped = true;

    const bool takesInput = pending.block.type == ContentBlock::Type::ToolUse
                            || pending.block.type == ContentBlock::Type::ServerToolUse;
    if (!takesInput || pending.partialJson.empty())
        return;

    json input = json::parse(pending.partialJson, nullptr, false);
    if (input.is_discarded() || !input.is_object()) {
        markBroken("invalid_tool_input",
                   "the model sent tool input that is not a JSON object for " + pending.block.name);
        return;
    }
    pending.block.input = std::move(input);
}

void ReplyAssembler::onMessageDelta(const json &payload)
{
    const json &delta = payload.value("delta", json::object());
    if (delta.contains("stop_reason") && delta["stop_reason"].is_string())
        m_reply.stopReason = delta["stop_reason"].get<std::string>();
    takeContainer(delta.value("container", json()));

    const json &usage = payload.value("usage", json::object());
    if (usage.contains("output_tokens"))
        m_reply.usage.outputTokens = usage.value("output_tokens", 0LL);
}

void ReplyAssembler::takeContainer(const json &container)
{
    if (!container.is_object() || !container.contains("id") || !container["id"].is_string())
        return;
    m_reply.container.id = container["id"].get<std::string>();
    m_reply.container.expiresAt = container.value("expires_at", std::string());
}

void ReplyAssembler::onMessageStop()
{
    for (auto &[index, pending] : m_blocks) {
        if (!pending.stopped)
            finishBlock(pending);
    }
    if (m_failed)
        return;

    collectBlocks();
    m_reply.complete = true;
}

void ReplyAssembler::onError(const json &payload)
{
    const json &error = payload.value("error", json::object());
    markBroken(error.value("type", "api_error"), error.value("message", "the model failed"));
}

void ReplyAssembler::endOfStream(const std::string &reason)
{
    if (!m_reply.complete && !m_failed)
        markBroken("incomplete_stream", reason);
}

void ReplyAssembler::collectBlocks()
{
    m_reply.message.content.clear();
    for (auto &[index, pending] : m_blocks)
        m_reply.message.content.push_back(pending.block);
}

void ReplyAssembler::markBroken(const std::string &type, const std::string &message)
{
    // Keep what streamed so far for the user to read, but never as a finished turn.
    collectBlocks();
    m_reply.complete = false;
    m_reply.errorType = type;
    m_reply.errorMessage = message;
    m_failed = true;
}

} // namespace tandem::llm
