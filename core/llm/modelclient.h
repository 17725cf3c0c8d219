#pragma once

#include "llm/message.h"

#include "base/canceltoken.h"
#include "base/error.h"

#include <QString>

#include <chrono>

namespace tandem::llm {

struct ModelRequest
{
    std::string system;
    std::vector<Message> messages;
    std::vector<ToolSpec> tools;
    int maxTokens = 8192;
    // The provider's own code execution (Anthropic's), offered as this tool type; tools whose
    // allowedCallers name it may then be called from its code. Empty: not offered.
    std::string serverCodeExecution;
    // The container an earlier reply's code runs in, while its calls are being answered.
    std::string container;
};

// How a reply ended. A stream that stopped without message_stop, or with an error event, is
// `complete == false` and never mistaken for a finished turn.
struct ModelReply
{
    Message message{Role::Assistant, {}};
    std::string stopReason;
    Usage usage;
    Container container; // empty id when the reply ran no provider code
    bool complete = false;
    std::string errorType;
    std::string errorMessage;
};

// Receives a reply while it streams. Called on the thread that called send().
class StreamObserver
{
public:
    virtual ~StreamObserver() = default;
    virtual void textDelta(int blockIndex, const std::string &text) = 0;
    virtual void toolUseStarted(int blockIndex, const std::string &id, const std::string &name) = 0;
    // A piece of a tool call's input JSON as it streams; the pieces together are the input.
    virtual void toolInputDelta(int blockIndex, const std::string &partialJson)
    {
        (void)blockIndex;
        (void)partialJson;
    }
    // The reply failed in a way worth another try (overloaded, rate limited); what streamed so
    // far is void, and attempt number `attempt` starts after `wait`.
    virtual void retrying(int /*attempt*/, std::chrono::milliseconds /*wait*/,
                          const std::string & /*reason*/)
    {}
};

// A conversation partner that streams replies. send() blocks until the reply ends, fails, or
// the token is cancelled.
class ModelClient
{
public:
    virtual ~ModelClient() = default;

    virtual base::Result<ModelReply> send(const ModelRequest &request, StreamObserver *observer,
                                          const base::CancelToken &cancel) = 0;

    // For the window's title bar and the audit log, e.g. "anthropic:claude-sonnet-4-5".
    virtual QString describe() const = 0;
};

} // namespace tandem::llm
