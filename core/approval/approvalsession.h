#pragma once

#include <QMutex>
#include <QSet>
#include <QString>

namespace tandem::approval {

// What the user allowed "for this session": scope keys of approval requests. It lives as long
// as the window's conversation and is never written to disk. Thread-safe.
class ApprovalSession
{
public:
    bool covers(const QString &scopeKey) const;
    void allow(const QString &scopeKey);
    void forget(); // a new session starts asking again
    QStringList allowed() const;

private:
    mutable QMutex m_mutex;
    QSet<QString> m_allowed;
};

} // namespace tandem::approval
