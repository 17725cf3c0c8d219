#include "llm/chatcompletionassembler.h"

#include <QLoggingCategory>

namespace tandem::llm {

Q_DECLARE_LOGGING_CATEGORY(lcLlm)

using nlohmann::json;

namespace {

// The Messages API's stop reasons, which the agent loop understands.
std::string stopReasonFor(const std::string &finishReason)
{
    if (finishReason == "tool_calls" || finishReason == "function_call")
        return "tool_use";
    if (finishReason == "length")
        return "max_tokens";
    return "end_turn";
}

std::string stringOr(const json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

ChatCompletionAssembler::ChatCompletionAssembler(StreamObserver *observer)
    : m_observer(observer)
{}

void ChatCompletionAssembler::handle(const SseEvent &event)
{
    if (m_failed || m_done)
        return;
    if (event.data == "[DONE]") {
        finish();
        return;
    }

    const json chunk = json::parse(event.data, nullptr, false);
    if (chunk.is_discarded() || !chunk.is_object()) {
        markBroken("invalid_stream",
                   "the model sent a chunk that is not JSON: " + event.data.substr(0, 120));
        return;
    }
    if (chunk.contains("error")) {
        const json &error = chunk["error"];
        if (error.is_object()) {
            const std::string type = stringOr(error, "type");
            markBroken(type.empty() ? "server_error" : type, stringOr(error, "message"));
        } else {
            markBroken("server_error", error.is_string() ? error.get<std::string>() : error.dump());
        }
        return;
    }
    onChunk(chunk);
}

void ChatCompletionAssembler::onChunk(const json &chunk)
{
    takeUsage(chunk.value("usage", json()));
    const json choices = chunk.value("choices", json::array());
    if (!choices.is_array() || choices.empty() || !choices[0].is_object())
        return;

    const json &choice = choices[0];
    const json delta = choice.value("delta", json::object());
    if (delta.is_object()) {
        const std::string text = stringOr(delta, "content");
        if (!text.empty()) {
            m_text += text;
            if (m_observer)
                m_observer->textDelta(0, text);
        }
        const json toolCalls = delta.value("tool_calls", json());
        if (toolCalls.is_array()) {
            for (const json &fragment : toolCalls) {
                if (fragment.is_object())
                    onToolFragment(fragment);
            }
        }
    }
    if (choice.contains("finish_reason") && choice["finish_reason"].is_string())
        onFinish(choice["finish_reason"].get<std::string>());
}

void ChatCompletionAssembler::onToolFragment(const json &fragment)
{
    PendingCall &call = callFor(fragment);
    const json function = fragment.value("function", json::object());
    if (function.is_object()) {
        const std::string name = stringOr(function, "name");
        if (call.name.empty())
            call.name = name;
        call.arguments += stringOr(function, "arguments");
    }

    // Told once the call has a name; its id may still be on its way.
    if (!call.announced && !call.name.empty() && m_observer) {
        call.announced = true;
        m_observer->toolUseStarted(1 + int(&call - m_calls.data()), call.id, call.name);
    }
}

ChatCompletionAssembler::PendingCall &ChatCompletionAssembler::callFor(const json &fragment)
{
    const bool hasIndex = fragment.contains("index") && fragment["index"].is_number_integer();
    const int index =
        hasIndex ? fragment["index"].get<int>() : (m_calls.empty() ? 0 : m_calls.back().index);
    const std::string id = stringOr(fragment, "id");
    const std::string name = stringOr(fragment.value("function", json::object()), "name");

    // The newest call at this index is the open one.
    PendingCall *open = nullptr;
    for (auto it = m_calls.rbegin(); it != m_calls.rend(); ++it) {
        if (it->index == index) {
            open = &*it;
            break;
        }
    }

    bool startsNew = open == nullptr;
    if (open && !id.empty() && !open->id.empty() && open->id != id)
        startsNew = true; // a second call that reuses the index
    // A name arrives only with a call's first fragment: a different one is a different call.
    if (open && !name.empty() && !open->name.empty() && open->name != name && id.empty())
        startsNew = true;

    if (startsNew) {
        m_calls.push_back({index, id, {}, {}, false});
        return m_calls.back();
    }
    if (open->id.empty())
        open->id = id; // the id came late
    return *open;
}

void ChatCompletionAssembler::onFinish(const std::string &finishReason)
{
    m_finishReason = finishReason;
}

void ChatCompletionAssembler::takeUsage(const json &usage)
{
    if (!usage.is_object())
        return;
    m_reply.usage.inputTokens = usage.value("prompt_tokens", m_reply.usage.inputTokens);
    m_reply.usage.outputTokens = usage.value("completion_tokens", m_reply.usage.outputTokens);
}

void ChatCompletionAssembler::finish()
{
    m_done = true;
    if (!m_finishReason) {
        markBroken("incomplete_stream", "the stream ended without a finish_reason");
        return;
    }

    collect();
    if (m_failed)
        return;
    m_reply.stopReason = stopReasonFor(*m_finishReason);
    m_reply.complete = true;
}

void ChatCompletionAssembler::endOfStream(const std::string &reason)
{
    if (m_failed || m_done)
        return;
    // Some servers close after the finish_reason without [DONE]: the reply is whole.
    if (m_finishReason) {
        finish();
        return;
    }
    markBroken("incomplete_stream", reason);
}

void ChatCompletionAssembler::collect()
{
    m_reply.message.content.clear();
    if (!m_text.empty())
        m_reply.message.content.push_back(ContentBlock::makeText(m_text));

    int unnamed = 0;
    for (const PendingCall &call : m_calls) {
        if (call.name.empty()) {
            markBroken("invalid_tool_call", "the model sent a tool call without a name");
            return;
        }
        json input =
            call.arguments.empty() ? json::object() : json::parse(call.arguments, nullptr, false);
        if (input.is_discarded() || !input.is_object()) {
            markBroken("invalid_tool_input", "the model sent arguments that are not one JSON "
                                             "object for "
                                                 + call.name + ": "
                                                 + call.arguments.substr(0, 120));
            return;
        }
        // Some servers never send an id: the follow-up still needs one to answer.
        const std::string id = call.id.empty() ? "call_" + std::to_string(++unnamed) : call.id;
        m_reply.message.content.push_back(ContentBlock::makeToolUse(id, call.name, input));
    }
}

void ChatCompletionAssembler::markBroken(const std::string &type, const std::string &message)
{
    if (m_failed)
        return;
    // Keep the text for the user to read; no tool call of a broken reply is kept to run.
    m_reply.message.content.clear();
    if (!m_text.empty())
        m_reply.message.content.push_back(ContentBlock::makeText(m_text));
    m_reply.complete = false;
    m_reply.errorType = type;
    m_reply.errorMessage = message;
    m_failed = true;
    qCDebug(lcLlm, "chat completion stream broken: %s", type.c_str());
}

} // namespace tandem::llm
