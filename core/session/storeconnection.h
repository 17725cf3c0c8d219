#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

namespace tandem::session {

// One SQLite connection to the session store, for the thread that makes it: Qt SQL allows a
// connection only on the thread that opened it, and the agent saves from its worker thread.
// Every connection writes with synchronous=FULL and enforces foreign keys. Removed with the
// object.
class StoreConnection
{
public:
    StoreConnection(const QString &path, int busyTimeoutMs);
    ~StoreConnection();

    StoreConnection(const StoreConnection &) = delete;
    StoreConnection &operator=(const StoreConnection &) = delete;

    bool isOpen() const { return m_database.isOpen(); }
    QSqlDatabase &database() { return m_database; }
    QSqlError lastError() const { return m_error; }

private:
    bool configure();

    QString m_name;
    QSqlDatabase m_database;
    QSqlError m_error;
};

} // namespace tandem::session
