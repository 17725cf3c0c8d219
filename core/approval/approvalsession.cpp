#include "approval/approvalsession.h"

#include <QMutexLocker>

namespace tandem::approval {

bool ApprovalSession::covers(const QString &scopeKey) const
{
    QMutexLocker lock(&m_mutex);
    return !scopeKey.isEmpty() && m_allowed.contains(scopeKey);
}

void ApprovalSession::allow(const QString &scopeKey)
{
    if (scopeKey.isEmpty())
        return;

    QMutexLocker lock(&m_mutex);
    m_allowed.insert(scopeKey);
}

void ApprovalSession::forget()
{
    QMutexLocker lock(&m_mutex);
    m_allowed.clear();
}

QStringList ApprovalSession::allowed() const
{
    QMutexLocker lock(&m_mutex);
    QStringList keys(m_allowed.begin(), m_allowed.end());
    keys.sort();
    return keys;
}

} // namespace tandem::approval
