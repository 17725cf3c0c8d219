#pragma once

#include "approval/approver.h"

namespace tandem::approval {

// Answers every request the same way, for runs with nobody at the window (`tandem run`):
// allow all when the user said so on the command line, otherwise deny with `denial`, which
// tells the model (and the person reading the transcript) how to allow such calls.
class StandingAnswer : public Approver
{
public:
    StandingAnswer(bool allow, QString denial);

    ApprovalAnswer ask(const ApprovalRequest &request, const base::CancelToken &cancel) override;

private:
    bool m_allow;
    QString m_denial;
};

} // namespace tandem::approval
