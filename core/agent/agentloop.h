#pragma once

#include "llm/modelclient.h"
#include "tools/toolregistry.h"

#include "base/canceltoken.h"
#include "base/error.h"

#include <QMutex>
#include <QObject>
#include <QString>

#include <functional>

namespace tandem::audit {
class AuditLog;
}

namespace tandem::agent {

struct AgentConfig
{
    std::string systemPrompt;
    int maxTurns = 40; // model replies per task before the loop gives up
    // Screenshots sent per request: older ones become a note, which keeps a long computer-use
    // session within the context and the API's per-request image limits.
    int maxImages = 3;
    // When set (e.g. "code_execution_20250825"), the model runs code on Anthropic's side with
    // its own code-execution tool instead of Tandem's local one; the tools that allow that
    // caller are offered to its code, and its calls are answered here.
    std::string serverCodeExecution;
    // Called before each request; its text follows the system prompt (the repository's own
    // instructions, read afresh each time).
    std::function<std::string()> projectContext = {};
};

struct AgentOutcome
{
    enum class Stop { EndTurn, TurnBudget, Cancelled };

    Stop stop = Stop::EndTurn;
    int turns = 0;
    QString finalText;
};

// The conversation with the model for one session: send, run the tools it asks for, answer
// each call with a tool_result, repeat until the model ends its turn, the budget runs out, or
// cancel() is called. run() blocks; call it from a worker thread when a GUI is waiting. The
// signals are emitted on that thread (queued to receivers on others).
class AgentLoop : public QObject
{
    Q_OBJECT

public:
    AgentLoop(llm::ModelClient &model, tools::ToolRegistry &tools, audit::AuditLog *audit,
              AgentConfig config, QObject *parent = nullptr);

    // Adds the task as a user message and runs until the model is done. May be called again
    // with a follow-up message; the conversation continues.
    base::Result<AgentOutcome> run(const QString &userMessage);

    // Thread-safe: stops the model stream and any running tool at once.
    void cancel();

    const std::vector<llm::Message> &conversation() const { return m_conversation; }

    // The model client is trying a failed request again: an audit line.
    void recordRetry(int attempt, std::chrono::milliseconds wait, const std::string &reason);

signals:
    void replyStarted();
    void textDelta(const QString &text);
    void toolCallStarted(const QString &id, const QString &name, const QString &inputJson);
    // What happened inside a call, for the user only (a script's own tool calls): JSON, sent
    // before toolCallFinished when the tool has anything to say.
    void toolCallDetails(const QString &id, const QString &detailsJson);
    void toolCallFinished(const QString &id, const QString &output, bool isError);
    void replyFinished(const QString &stopReason);

private:
    base::Result<AgentOutcome> runWith(const QString &userMessage, const base::CancelToken &cancel);
    base::Result<llm::ModelReply> requestReply(const base::CancelToken &cancel);
    llm::Message runToolCalls(const llm::Message &reply, const base::CancelToken &cancel);
    llm::ContentBlock runToolCall(const llm::ContentBlock &call, const base::CancelToken &cancel);
    tools::Tool *toolFor(const llm::ContentBlock &call) const;
    std::vector<llm::ToolSpec> offeredTools() const;
    void audit(const std::string &kind, nlohmann::json fields);

    llm::ModelClient &m_model;
    tools::ToolRegistry &m_tools;
    audit::AuditLog *m_audit;
    AgentConfig m_config;
    std::vector<llm::Message> m_conversation;
    llm::Container m_container; // the provider's, while its code's calls are answered
    base::CancelToken m_cancel;
    QMutex m_cancelMutex;
};

} // namespace tandem::agent
