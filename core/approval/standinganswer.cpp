#include "approval/standinganswer.h"

namespace tandem::approval {

StandingAnswer::StandingAnswer(bool allow, QString denial)
    : m_allow(allow)
    , m_denial(std::move(denial))
{}

ApprovalAnswer StandingAnswer::ask(const ApprovalRequest &, const base::CancelToken &cancel)
{
    if (cancel.isCancelled())
        return {ApprovalAnswer::Choice::Cancelled, {}};
    if (m_allow)
        return {ApprovalAnswer::Choice::AllowOnce, {}, true};
    return {ApprovalAnswer::Choice::Deny, m_denial, true};
}

} // namespace tandem::approval
