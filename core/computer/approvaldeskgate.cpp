#include "computer/approvaldeskgate.h"

#include "approval/approvaldesk.h"

namespace tandem::computer {

ApprovalDeskGate::ApprovalDeskGate(approval::ApprovalDesk &desk)
    : m_desk(desk)
{}

bool ApprovalDeskGate::approve(const QString &action, const QString &reason,
                               const base::CancelToken &cancel)
{
    return m_desk.decide(approval::ApprovalPolicy::computerAction(action, reason), cancel, nullptr);
}

} // namespace tandem::computer
