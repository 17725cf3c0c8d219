#pragma once

#include "llm/modelclient.h"
#include "tools/toolregistry.h"

#include "base/canceltoken.h"
#include "base/error.h"

#include <QMutex>
#include <QObject>
#include <QString>

#include <functional>

namespace tandem::approval {
class ApprovalDesk;
}

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

    // Calls the desk's policy asks about wait for the user before they run; a denial answers
    // the call with an error. Set before run(); without a desk every call runs.
    void setApprovals(approval::ApprovalDesk *desk) { m_approvals = desk; }

    // Thread-safe: stops the model stream and any running tool at once.
    void cancel();

    const std::vector<llm::Message> &conversation() const { return m_conversation; }

    // Continues an earlier conversation (a resumed session) instead of the current one; call
    // it while no run is live. Tool calls left unanswered at its end, whose results were lost
    // when Tandem stopped, are answered as such so that the model can go on.
    void setConversation(std::vector<llm::Message> conversation);

    // The model client is trying a failed request again: an audit line.
    void recordRetry(int attempt, std::chrono::milliseconds wait, const std::string &reason);

signals:
    void replyStarted();
    void textDelta(const QString &text);
    // A piece of a call's input while the model writes it, before the call is complete.
    void toolInputDelta(const QString &id, const QString &name, const QString &partialJson);
    void toolCallStarted(const QString &id, const QString &name, const QString &inputJson);
    // What happened inside a call, for the user only (a script's own tool calls): JSON, sent
    // before toolCallFinished when the tool has anything to say.
    void toolCallDetails(const QString &id, const QString &detailsJson);
    // An image the call hands back with its result (a screenshot), base64 as sent to the model.
    void toolCallImage(const QString &id, const QByteArray &base64, const QString &mediaType);
    void toolCallFinished(const QString &id, const QString &output, bool isError);
    void replyFinished(const QString &stopReason);
    // A message joined the conversation at `index`, complete: the user's (again, with the same
    // index, when a follow-up is added to a user message whose reply failed), a reply, or the
    // tool results. A receiver connected with Qt::DirectConnection runs on the loop's thread
    // before the loop goes on, so it can make the message durable before the next turn.
    void messageCompleted(int index, const tandem::llm::Message &message);

private:
    base::Result<AgentOutcome> runWith(const QString &userMessage, const base::CancelToken &cancel);
    base::Result<llm::ModelReply> requestReply(const base::CancelToken &cancel);
    llm::Message runToolCalls(const llm::Message &reply, const base::CancelToken &cancel);
    llm::ContentBlock runToolCall(const llm::ContentBlock &call, const base::CancelToken &cancel);
    tools::Tool *toolFor(const llm::ContentBlock &call) const;
    std::vector<llm::ToolSpec> offeredTools() const;
    void audit(const std::string &kind, nlohmann::json fields);
    void completeMessage(llm::Message message);

    llm::ModelClient &m_model;
    tools::ToolRegistry &m_tools;
    audit::AuditLog *m_audit;
    approval::ApprovalDesk *m_approvals = nullptr;
    AgentConfig m_config;
    std::vector<llm::Message> m_conversation;
    llm::Container m_container; // the provider's, while its code's calls are answered
    base::CancelToken m_cancel;
    QMutex m_cancelMutex;
};

} // namespace tandem::agent
