#pragma once

#include "computer/approvalgate.h"

namespace tandem::approval {
class ApprovalDesk;
}

namespace tandem::computer {

// The computer tool's risky actions asked through the approval desk, so that they show as the
// same approval cards as other calls, share the session's "allow for this session" answers,
// and are written to the audit log alike.
class ApprovalDeskGate : public ApprovalGate
{
public:
    explicit ApprovalDeskGate(approval::ApprovalDesk &desk);

    base::Status approve(const QString &action, const QString &reason,
                         const base::CancelToken &cancel) override;

private:
    approval::ApprovalDesk &m_desk;
};

} // namespace tandem::computer
