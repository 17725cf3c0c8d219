#include "computer/approvaldeskgate.h"

#include "approval/approvaldesk.h"

namespace tandem::computer {

ApprovalDeskGate::ApprovalDeskGate(approval::ApprovalDesk &desk)
    : m_desk(desk)
{}

base::Status ApprovalDeskGate::approve(const QString &action, const QString &reason,
                                       const base::CancelToken &cancel)
{
    QString refusal;
    if (m_desk.decide(approval::ApprovalPolicy::computerAction(action, reason), cancel, &refusal))
        return {};
    return base::fail(QStringLiteral("not_approved"), refusal);
}

} // namespace tandem::computer
