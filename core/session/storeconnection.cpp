#include "session/storeconnection.h"

#include <QAtomicInteger>
#include <QSqlQuery>

namespace tandem::session {

namespace {

QString uniqueName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("tandem-session-%1").arg(counter.fetchAndAddRelaxed(1));
}

} // namespace

StoreConnection::StoreConnection(const QString &path, int busyTimeoutMs)
    : m_name(uniqueName())
{
    m_database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    m_database.setDatabaseName(path);
    m_database.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
    if (!m_database.open()) {
        m_error = m_database.lastError();
        return;
    }
    if (!configure()) {
        m_database.close();
    }
}

StoreConnection::~StoreConnection()
{
    m_database.close();
    m_database = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

// FULL makes each commit wait for the write-ahead log to reach the disk: a saved turn then
// survives a power cut or a kernel crash too, not only a killed Tandem (NORMAL would already
// survive that in WAL mode). A turn takes seconds, a sync a few milliseconds.
bool StoreConnection::configure()
{
    QSqlQuery query(m_database);
    for (const char *pragma : {"PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL"}) {
        if (!query.exec(QString::fromLatin1(pragma))) {
            m_error = query.lastError();
            return false;
        }
    }
    return true;
}

} // namespace tandem::session
