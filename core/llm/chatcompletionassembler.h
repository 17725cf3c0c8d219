#pragma once

#include "llm/modelclient.h"
#include "llm/sseparser.h"

#include <optional>

namespace tandem::llm {

// Builds an assistant reply from an OpenAI-compatible server's chat.completion.chunk stream.
// Tool calls arrive as fragments keyed by `index`, but servers differ: some reuse index 0 for
// every call, some send the id late or never, some leave out the index. A fragment with a new
// id starts a new call even when its index is taken; one without an id continues the call
// open at its index (or the newest, with no index). Arguments that do not form one JSON
// object make the reply incomplete, never a merged or dropped call.
class ChatCompletionAssembler
{
public:
    explicit ChatCompletionAssembler(StreamObserver *observer);

    void handle(const SseEvent &event);

    // The connection closed: without a finish_reason the reply is incomplete.
    void endOfStream(const std::string &reason);

    const ModelReply &reply() const { return m_reply; }

private:
    struct PendingCall
    {
        int index = 0;
        std::string id;
        std::string name;
        std::string arguments;
        bool announced = false;
    };

    void onChunk(const nlohmann::json &chunk);
    void onToolFragment(const nlohmann::json &fragment);
    PendingCall &callFor(const nlohmann::json &fragment);
    void onFinish(const std::string &finishReason);
    void takeUsage(const nlohmann::json &usage);
    void finish();
    void collect();
    void markBroken(const std::string &type, const std::string &message);

    StreamObserver *m_observer;
    ModelReply m_reply;
    std::string m_text;
    std::vector<PendingCall> m_calls;
    std::optional<std::string> m_finishReason;
    bool m_failed = false;
    bool m_done = false;
};

} // namespace tandem::llm
