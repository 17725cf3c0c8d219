#include "agent/agentloop.h"

#include <algorithm>
#include <map>

#include "approval/approvaldesk.h"
#include "audit/auditlog.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QMutexLocker>

namespace tandem::agent {

Q_LOGGING_CATEGORY(lcAgent, "tandem.agent", QtWarningMsg)

using nlohmann::json;

namespace {

constexpr size_t kAuditOutputChars = 4096;

// Turns the client's stream callbacks into the loop's signals.
class SignalObserver : public llm::StreamObserver
{
public:
    explicit SignalObserver(AgentLoop *loop)
        : m_loop(loop)
    {}

    void textDelta(int, const std::string &text) override
    {
        emit m_loop->textDelta(QString::fromStdString(text));
    }
    void toolUseStarted(int blockIndex, const std::string &id, const std::string &name) override
    {
        m_calls[blockIndex] = {QString::fromStdString(id), QString::fromStdString(name)};
    }
    void toolInputDelta(int blockIndex, const std::string &partialJson) override
    {
        const auto call = m_calls.find(blockIndex);
        if (call != m_calls.end())
            emit m_loop->toolInputDelta(call->second.first, call->second.second,
                                        QString::fromStdString(partialJson));
    }

    // What streamed stays on screen, marked as cut off; the next attempt's text follows it.
    void retrying(int attempt, std::chrono::milliseconds wait, const std::string &reason) override
    {
        // A reply cut off mid-stream, or one the service refused before it began.
        const QString what = reason.ends_with("during the stream")
                                 ? QStringLiteral("Interrupted: %1")
                                 : QStringLiteral("The model service answered %1");
        emit m_loop->textDelta(QStringLiteral("\n\n*(%1. Trying again in %2 s, attempt %3.)*\n\n")
                                   .arg(what.arg(QString::fromStdString(reason)))
                                   .arg(double(wait.count()) / 1000.0, 0, 'f', 1)
                                   .arg(attempt));
        m_loop->recordRetry(attempt, wait, reason);
    }

private:
    AgentLoop *m_loop;
    std::map<int, std::pair<QString, QString>> m_calls; // id and name, by block index
};

std::string sha256(const std::string &text)
{
    return QCryptographicHash::hash(QByteArray::fromStdString(text), QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

bool endsTurn(const std::string &stopReason)
{
    return stopReason != "tool_use" && stopReason != "pause_turn";
}

} // namespace

AgentLoop::AgentLoop(llm::ModelClient &model, tools::ToolRegistry &tools, audit::AuditLog *audit,
                     AgentConfig config, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_tools(tools)
    , m_audit(audit)
    , m_config(std::move(config))
{}

void AgentLoop::recordRetry(int attempt, std::chrono::milliseconds wait, const std::string &reason)
{
    audit("model_retry", {{"attempt", attempt}, {"wait_ms", wait.count()}, {"reason", reason}});
}

void AgentLoop::cancel()
{
    QMutexLocker lock(&m_cancelMutex);
    m_cancel.cancel();
}

base::Result<AgentOutcome> AgentLoop::run(const QString &userMessage)
{
    // A stop that lands before this line still counts for this run; the next run gets a fresh
    // token once this one is over.
    base::CancelToken cancel;
    {
        QMutexLocker lock(&m_cancelMutex);
        cancel = m_cancel;
    }
    auto result = runWith(userMessage, cancel);

    QMutexLocker lock(&m_cancelMutex);
    m_cancel = base::CancelToken();
    return result;
}

base::Result<AgentOutcome> AgentLoop::runWith(const QString &userMessage,
                                              const base::CancelToken &cancel)
{
    // After a failed reply the conversation still ends with the user's turn: add to it, so
    // that roles keep alternating as the API requires.
    auto text = llm::ContentBlock::makeText(userMessage.toStdString());
    if (!m_conversation.empty() && m_conversation.back().role == llm::Role::User) {
        llm::Message merged = std::move(m_conversation.back());
        m_conversation.pop_back();
        merged.content.push_back(std::move(text));
        completeMessage(std::move(merged));
    } else {
        completeMessage({llm::Role::User, {std::move(text)}});
    }
    audit("user_message", {{"text", userMessage.toStdString()}});

    AgentOutcome outcome;
    while (outcome.turns < m_config.maxTurns) {
        auto reply = requestReply(cancel);
        if (!reply) {
            if (cancel.isCancelled())
                return AgentOutcome{AgentOutcome::Stop::Cancelled, outcome.turns, {}};
            return std::unexpected(reply.error());
        }
        ++outcome.turns;
        if (!reply->container.id.empty())
            m_container = reply->container;
        completeMessage(reply->message);
        outcome.finalText = QString::fromStdString(reply->message.text());

        if (reply->message.toolUses().empty() || endsTurn(reply->stopReason)) {
            outcome.stop = AgentOutcome::Stop::EndTurn;
            return outcome;
        }

        completeMessage(runToolCalls(reply->message, cancel));
        if (cancel.isCancelled()) {
            outcome.stop = AgentOutcome::Stop::Cancelled;
            return outcome;
        }
    }

    outcome.stop = AgentOutcome::Stop::TurnBudget;
    audit("turn_budget", {{"turns", outcome.turns}});
    return outcome;
}

base::Result<llm::ModelReply> AgentLoop::requestReply(const base::CancelToken &cancel)
{
    llm::ModelRequest request;
    request.system = m_config.systemPrompt;
    if (m_config.projectContext)
        request.system += m_config.projectContext();
    request.messages = m_conversation;
    llm::keepRecentImages(request.messages, m_config.maxImages);
    request.tools = offeredTools();
    request.serverCodeExecution = m_config.serverCodeExecution;
    if (!m_container.id.empty() && !m_container.expired())
        request.container = m_container.id;

    json toolNames = json::array();
    for (const llm::ToolSpec &tool : request.tools)
        toolNames.push_back(tool.name);
    audit("model_request", {{"model", m_model.describe().toStdString()},
                            {"messages", request.messages.size()},
                            {"tools", toolNames}});

    emit replyStarted();
    SignalObserver observer(this);
    auto reply = m_model.send(request, &observer, cancel);
    if (!reply) {
        audit("model_error", {{"code", reply.error().code.toStdString()},
                              {"message", reply.error().message.toStdString()}});
        emit replyFinished(QStringLiteral("error"));
        return reply;
    }

    audit("model_reply", {{"stop_reason", reply->stopReason},
                          {"complete", reply->complete},
                          {"error_type", reply->errorType},
                          {"input_tokens", reply->usage.inputTokens},
                          {"output_tokens", reply->usage.outputTokens}});

    if (!reply->complete) {
        // A half reply is shown but never kept as a turn, and none of its tool calls run.
        emit replyFinished(QStringLiteral("incomplete"));
        return base::fail("model_incomplete",
                          QStringLiteral("The model's reply was cut off (%1: %2); nothing it "
                                         "asked for was run. Send the message again to retry.")
                              .arg(QString::fromStdString(reply->errorType),
                                   QString::fromStdString(reply->errorMessage)));
    }

    emit replyFinished(QString::fromStdString(reply->stopReason));
    return reply;
}

// The tools the model is told about. With the provider's code execution, Tandem's own code
// tool gives way to it, and the tools its code may call are listed with their callers.
std::vector<llm::ToolSpec> AgentLoop::offeredTools() const
{
    std::vector<llm::ToolSpec> offered = m_tools.specs();
    if (m_config.serverCodeExecution.empty())
        return offered;

    std::erase_if(offered, [](const llm::ToolSpec &spec) { return spec.name == "code_execution"; });
    for (llm::ToolSpec &spec : m_tools.codeSpecs()) {
        const bool listed =
            std::any_of(offered.begin(), offered.end(),
                        [&](const llm::ToolSpec &o) { return o.name == spec.name; });
        if (!listed)
            offered.push_back(std::move(spec));
    }

    // Each tool names only the callers this request has: the model, and the one code-execution
    // type offered. A tool left with no caller at all (for another type's code) is not offered.
    const std::string &server = m_config.serverCodeExecution;
    std::vector<llm::ToolSpec> kept;
    for (llm::ToolSpec &spec : offered) {
        if (spec.allowedCallers.empty()) {
            kept.push_back(std::move(spec));
            continue;
        }
        std::erase_if(spec.allowedCallers, [&](const std::string &caller) {
            return caller != llm::callers::kDirect && caller != server;
        });
        if (!spec.allowedCallers.empty())
            kept.push_back(std::move(spec));
    }
    return kept;
}

llm::Message AgentLoop::runToolCalls(const llm::Message &reply, const base::CancelToken &cancel)
{
    // Only tool_result blocks go back, which is all the API accepts in answer to calls made
    // from its code.
    llm::Message results{llm::Role::User, {}};
    for (const llm::ContentBlock *call : reply.toolUses()) {
        // Every tool_use needs its tool_result, even the ones a stop left unrun.
        if (cancel.isCancelled()) {
            results.content.push_back(
                llm::ContentBlock::makeToolResult(call->id, "Not run: stopped by the user.", true));
            continue;
        }
        // The code that asked is gone with its container: say so, and start afresh next time.
        if (call->isCalledFromCode() && m_container.expired()) {
            audit("container_expired", {{"container", m_container.id},
                                        {"expires_at", m_container.expiresAt},
                                        {"tool", call->name}});
            results.content.push_back(llm::ContentBlock::makeToolResult(
                call->id,
                "Not run: the code execution container expired before the result was ready. "
                "Run the code again.",
                true));
            continue;
        }
        results.content.push_back(runToolCall(*call, cancel));
    }
    if (m_container.expired())
        m_container = {};
    return results;
}

// The model's own calls reach tools that allow it; calls from code reach only tools that name
// that code's exact caller type.
tools::Tool *AgentLoop::toolFor(const llm::ContentBlock &call) const
{
    if (!call.isCalledFromCode())
        return m_tools.find(call.name);
    return m_tools.findForCaller(call.name, call.caller.value("type", std::string()));
}

llm::ContentBlock AgentLoop::runToolCall(const llm::ContentBlock &call,
                                         const base::CancelToken &cancel)
{
    const QString id = QString::fromStdString(call.id);
    emit toolCallStarted(id, QString::fromStdString(call.name),
                         QString::fromStdString(call.input.dump(2)));
    const std::string caller =
        call.isCalledFromCode() ? call.caller.value("type", std::string("code")) : "direct";
    json fields = {{"id", call.id}, {"tool", call.name}, {"caller", caller}, {"input", call.input}};
    if (call.isCalledFromCode())
        fields["code_run"] = call.caller.value("tool_id", std::string());
    audit("tool_call", std::move(fields));

    tools::ToolOutput output;
    tools::Tool *tool = toolFor(call);
    std::optional<std::string> refusal;
    if (tool && m_approvals)
        refusal =
            m_approvals->reviewToolCall(id, QString::fromStdString(call.name), call.input, cancel);
    if (refusal)
        output = tools::ToolOutput::error(*refusal);
    else if (tool)
        output = tool->run(call.input, cancel);
    else if (call.isCalledFromCode())
        output = tools::ToolOutput::error("`" + call.name + "` may not be called from code ("
                                          + caller + ").");
    else
        output = tools::ToolOutput::error("There is no tool named `" + call.name + "`.");

    audit("tool_result", {{"id", call.id},
                          {"tool", call.name},
                          {"is_error", output.isError},
                          {"bytes", output.text.size()},
                          {"sha256", sha256(output.text)},
                          {"output", output.text.substr(0, kAuditOutputChars)},
                          {"details", output.details}});
    if (!output.details.is_null())
        emit toolCallDetails(id, QString::fromStdString(output.details.dump(
                                     -1, ' ', false, json::error_handler_t::replace)));
    if (!output.imageBase64.empty())
        emit toolCallImage(id, QByteArray::fromStdString(output.imageBase64),
                           QString::fromStdString(output.imageMediaType));
    emit toolCallFinished(id, QString::fromStdString(output.text), output.isError);
    auto result = llm::ContentBlock::makeToolResult(call.id, output.text, output.isError);
    result.imageBase64 = std::move(output.imageBase64);
    result.imageMediaType = std::move(output.imageMediaType);
    return result;
}

void AgentLoop::setConversation(std::vector<llm::Message> conversation)
{
    m_conversation = std::move(conversation);
    m_container = {};
    if (m_conversation.empty() || m_conversation.back().role != llm::Role::Assistant)
        return;

    const auto unanswered = m_conversation.back().toolUses();
    if (unanswered.empty())
        return;
    llm::Message results{llm::Role::User, {}};
    for (const llm::ContentBlock *call : unanswered) {
        results.content.push_back(llm::ContentBlock::makeToolResult(
            call->id,
            "Result lost: Tandem stopped while this tool was running; it may or may not have "
            "taken effect.",
            true));
    }
    m_conversation.push_back(std::move(results));
}

void AgentLoop::completeMessage(llm::Message message)
{
    m_conversation.push_back(std::move(message));
    const int index = static_cast<int>(m_conversation.size()) - 1;
    emit messageCompleted(index, m_conversation.back());
}

void AgentLoop::audit(const std::string &kind, json fields)
{
    if (!m_audit)
        return;
    if (auto recorded = m_audit->record(kind, std::move(fields)); !recorded)
        qCWarning(lcAgent, "%s", qPrintable(recorded.error().message));
}

} // namespace tandem::agent
