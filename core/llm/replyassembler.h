#pragma once

#include "llm/modelclient.h"
#include "llm/sseparser.h"

#include <map>

namespace tandem::llm {

// Builds an assistant reply from the Messages API's stream events, telling an observer about
// text and tool calls as they arrive. A tool's input is the concatenation of its
// input_json_delta pieces; with no pieces (or only empty ones) it is the input the block
// started with, and never anything but a JSON object.
class ReplyAssembler
{
public:
    explicit ReplyAssembler(StreamObserver *observer);

    void handle(const SseEvent &event);

    // The connection closed: a reply without message_stop keeps its text but is incomplete.
    void endOfStream(const std::string &reason);

    // The reply so far; `complete` only once message_stop arrived with no error before it.
    const ModelReply &reply() const { return m_reply; }
    bool sawAnyEvent() const { return m_sawEvent; }

private:
    struct PendingBlock
    {
        ContentBlock block;
        std::string partialJson;
        bool stopped = false;
    };

    void onMessageStart(const nlohmann::json &payload);
    void onBlockStart(const nlohmann::json &payload);
    void onBlockDelta(const nlohmann::json &payload);
    void onBlockStop(const nlohmann::json &payload);
    void onMessageDelta(const nlohmann::json &payload);
    void onMessageStop();
    void takeContainer(const nlohmann::json &container);
    void onError(const nlohmann::json &payload);
    void finishBlock(PendingBlock &pending);
    void collectBlocks();
    void markBroken(const std::string &type, const std::string &message);

    StreamObserver *m_observer;
    ModelReply m_reply;
    std::map<int, PendingBlock> m_blocks;
    bool m_sawEvent = false;
    bool m_failed = false;
};

} // namespace tandem::llm
