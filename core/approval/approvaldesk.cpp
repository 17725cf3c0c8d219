#include "approval/approvaldesk.h"

#include "audit/auditlog.h"

#include <QLoggingCategory>
#include <QMutexLocker>

namespace tandem::approval {

Q_LOGGING_CATEGORY(lcApproval, "tandem.approval", QtWarningMsg)

namespace {

const char *decisionName(ApprovalAnswer::Choice choice)
{
    switch (choice) {
    case ApprovalAnswer::Choice::AllowOnce:
        return "allow_once";
    case ApprovalAnswer::Choice::AllowForSession:
        return "allow_session";
    case ApprovalAnswer::Choice::Deny:
        return "deny";
    case ApprovalAnswer::Choice::Cancelled:
        return "cancelled";
    }
    return "deny";
}

} // namespace

ApprovalDesk::ApprovalDesk(ApprovalPolicy policy, audit::AuditLog *audit)
    : m_policy(std::move(policy))
    , m_audit(audit)
{}

void ApprovalDesk::setApprover(Approver *approver)
{
    QMutexLocker lock(&m_mutex);
    m_approver = approver;
}

ApprovalPolicy ApprovalDesk::policy() const
{
    QMutexLocker lock(&m_mutex);
    return m_policy;
}

void ApprovalDesk::setPolicy(ApprovalPolicy policy)
{
    QMutexLocker lock(&m_mutex);
    m_policy = std::move(policy);
}

void ApprovalDesk::setAskForEveryTool(bool ask)
{
    QMutexLocker lock(&m_mutex);
    m_policy.setAskForEveryTool(ask);
}

std::optional<std::string> ApprovalDesk::reviewToolCall(const QString &callId, const QString &tool,
                                                        const nlohmann::json &input,
                                                        const base::CancelToken &cancel)
{
    std::optional<ApprovalRequest> request;
    {
        QMutexLocker lock(&m_mutex);
        m_currentCall = callId;
        request = m_policy.review(callId, tool, input);
    }
    if (!request)
        return std::nullopt;

    QString refusal;
    if (decide(std::move(*request), cancel, &refusal))
        return std::nullopt;
    return refusal.toStdString();
}

bool ApprovalDesk::decide(ApprovalRequest request, const base::CancelToken &cancel,
                          QString *refusal)
{
    if (request.callId.isEmpty()) {
        QMutexLocker lock(&m_mutex);
        request.callId = m_currentCall;
    }

    if (m_session.covers(request.scopeKey)) {
        record(request, {ApprovalAnswer::Choice::AllowForSession, {}}, true);
        return true;
    }

    const ApprovalAnswer given = answer(request, cancel);
    record(request, given, false);
    if (given.choice == ApprovalAnswer::Choice::AllowForSession)
        m_session.allow(request.scopeKey);
    if (!given.allows() && refusal) {
        QMutexLocker lock(&m_mutex);
        *refusal = refusalFor(given, m_approver == nullptr);
    }
    return given.allows();
}

ApprovalAnswer ApprovalDesk::answer(const ApprovalRequest &request, const base::CancelToken &cancel)
{
    Approver *approver = nullptr;
    {
        QMutexLocker lock(&m_mutex);
        approver = m_approver;
    }
    if (cancel.isCancelled())
        return {ApprovalAnswer::Choice::Cancelled, {}};
    if (!approver)
        return {ApprovalAnswer::Choice::Deny, {}};
    return approver->ask(request, cancel);
}

void ApprovalDesk::record(const ApprovalRequest &request, const ApprovalAnswer &answer,
                          bool remembered)
{
    if (!m_audit)
        return;

    nlohmann::json fields = {{"id", request.callId.toStdString()},
                             {"tool", request.tool.toStdString()},
                             {"summary", request.summary.toStdString()},
                             {"reason", request.reason.toStdString()},
                             {"scope", request.scopeKey.toStdString()},
                             {"decision", decisionName(answer.choice)},
                             {"remembered", remembered},
                             {"by", answer.standing ? "rule" : "user"}};
    if (!answer.reason.isEmpty())
        fields["user_reason"] = answer.reason.toStdString();
    if (auto recorded = m_audit->record("approval", std::move(fields)); !recorded)
        qCWarning(lcApproval, "%s", qPrintable(recorded.error().message));
}

QString ApprovalDesk::refusalFor(const ApprovalAnswer &answer, bool nobodyToAsk)
{
    if (answer.choice == ApprovalAnswer::Choice::Cancelled)
        return QStringLiteral("Not run: stopped by the user.");
    if (answer.standing)
        return QStringLiteral("Not run: %1").arg(answer.reason);
    if (nobodyToAsk)
        return QStringLiteral("Not run: this call needs the user's approval and there is no one "
                              "to ask.");
    if (answer.reason.isEmpty())
        return QStringLiteral("Not run: the user denied this call.");
    return QStringLiteral("Not run: the user denied this call: %1").arg(answer.reason);
}

} // namespace tandem::approval
