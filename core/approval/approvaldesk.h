#pragma once

#include "approval/approvalpolicy.h"
#include "approval/approvalsession.h"
#include "approval/approver.h"

#include "base/canceltoken.h"

#include <QMutex>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace tandem::audit {
class AuditLog;
}

namespace tandem::approval {

// Where tool calls stop for the user's word: applies the policy, remembers what was allowed
// for the session, asks the approver, and writes each decision to the audit log as an
// `approval` line. Called from the agent's thread; the policy may be changed from another.
//
//     ApprovalDesk desk(ApprovalPolicy(), &audit);
//     desk.setApprover(&window);
//     if (auto refusal = desk.reviewToolCall(id, "bash", input, cancel))
//         answer the call with *refusal as an error
class ApprovalDesk
{
public:
    ApprovalDesk(ApprovalPolicy policy, audit::AuditLog *audit);

    // Without an approver every question is answered "no".
    void setApprover(Approver *approver);

    ApprovalPolicy policy() const;
    void setPolicy(ApprovalPolicy policy);
    void setAskForEveryTool(bool ask);

    ApprovalSession &session() { return m_session; }

    // Before a call runs: nothing when it may run, otherwise the error text for the model.
    std::optional<std::string> reviewToolCall(const QString &callId, const QString &tool,
                                              const nlohmann::json &input,
                                              const base::CancelToken &cancel);

    // A question found while a call runs (a risky desktop action): true to go ahead,
    // otherwise `refusal` says why not, in words for the model.
    bool decide(ApprovalRequest request, const base::CancelToken &cancel, QString *refusal);

private:
    ApprovalAnswer answer(const ApprovalRequest &request, const base::CancelToken &cancel);
    void record(const ApprovalRequest &request, const ApprovalAnswer &answer, bool remembered);
    static QString refusalFor(const ApprovalAnswer &answer, bool nobodyToAsk);

    mutable QMutex m_mutex;
    ApprovalPolicy m_policy;
    Approver *m_approver = nullptr;
    QString m_currentCall;
    ApprovalSession m_session;
    audit::AuditLog *m_audit;
};

} // namespace tandem::approval
