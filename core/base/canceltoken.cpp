#include "base/canceltoken.h"

namespace tandem::base {

CancelToken::CancelToken()
    : m_flag(std::make_shared<std::atomic<bool>>(false))
{}

void CancelToken::cancel() const
{
    m_flag->store(true);
}

bool CancelToken::isCancelled() const
{
    return m_flag->load();
}

} // namespace tandem::base
