#include "session/sessionstore.h"

#include "session/logging.h"
#include "session/messagecodec.h"
#include "session/sessionschema.h"
#include "session/storeconnection.h"
#include "session/storeerror.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QThread>
#include <QVariant>

namespace tandem::session {

namespace {

const QString currentSessionKey = QStringLiteral("current_session");
constexpr int excerptedSessions = 50;

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QDateTime timeFrom(const QVariant &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs).toUTC();
}

// Runs a prepared query with its values bound in order.
bool run(QSqlQuery &query, const QString &statement, const QVariantList &values = {})
{
    if (!query.prepare(statement))
        return false;
    for (const QVariant &value : values)
        query.addBindValue(value);
    return query.exec();
}

// Each word the user typed must start a word of the message; quoted, so that nothing they
// type is read as FTS5 syntax.
QString matchExpression(const QString &search)
{
    QStringList terms;
    const QStringList words =
        search.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    for (QString word : words) {
        word.replace(u'"', QStringLiteral("\"\""));
        terms.append(u'"' + word + QStringLiteral("\"*"));
    }
    return terms.join(u' ');
}

QString likePattern(QString search)
{
    search.replace(u'\\', QStringLiteral("\\\\"));
    search.replace(u'%', QStringLiteral("\\%"));
    search.replace(u'_', QStringLiteral("\\_"));
    return u'%' + search + u'%';
}

SessionSummary summaryFrom(const QSqlQuery &query)
{
    SessionSummary summary;
    summary.id = query.value(0).toLongLong();
    summary.title = query.value(1).toString();
    summary.created = timeFrom(query.value(2));
    summary.updated = timeFrom(query.value(3));
    summary.workspace = query.value(4).toString();
    summary.model = query.value(5).toString();
    summary.messageCount = query.value(6).toInt();
    return summary;
}

const QString summaryColumns =
    QStringLiteral("SELECT s.id, s.title, s.created, s.updated, s.workspace, s.model,"
                   " (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) FROM sessions s ");

base::Error noSuchSession(qint64 sessionId)
{
    return base::Error::make(QStringLiteral("session_not_found"),
                             QStringLiteral("There is no session %1 (`tandem session list` shows "
                                            "the saved ones).")
                                 .arg(sessionId));
}

} // namespace

SessionStore::SessionStore(QString path, int busyTimeoutMs)
    : m_path(std::move(path))
    , m_busyTimeoutMs(busyTimeoutMs)
{}

SessionStore::~SessionStore() = default;

base::Status SessionStore::open()
{
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder))
        return base::fail(
            QStringLiteral("session_store_failed"),
            QStringLiteral("Could not create the folder %1 for the session store.").arg(folder));

    auto connection = std::make_unique<StoreConnection>(m_path, m_busyTimeoutMs);
    if (!connection->isOpen())
        return std::unexpected(
            storeError(m_path, QStringLiteral("open the session store"), connection->lastError()));

    QSqlQuery mode(connection->database());
    if (!mode.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !mode.next())
        return std::unexpected(
            storeError(m_path, QStringLiteral("open the session store"), mode.lastError()));
    if (mode.value(0).toString() != QLatin1String("wal"))
        return base::fail(QStringLiteral("session_store_failed"),
                          QStringLiteral("The session store %1 cannot use a write-ahead log "
                                         "(journal mode %2).")
                              .arg(m_path, mode.value(0).toString()));
    mode.finish();

    if (auto checked = check(connection->database()); !checked)
        return checked;
    if (auto migrated = SessionSchema::migrate(connection->database(), m_path); !migrated)
        return migrated;

    m_own = std::move(connection);
    m_ownerThread = QThread::currentThread();
    qCInfo(lcSession, "session store open: %s", qPrintable(m_path));
    return {};
}

// A quick structural check: a damaged file is reported before anything is written to it.
base::Status SessionStore::check(QSqlDatabase &database) const
{
    QSqlQuery query(database);
    if (!query.exec(QStringLiteral("PRAGMA quick_check")))
        return std::unexpected(
            storeError(m_path, QStringLiteral("check the session store"), query.lastError()));

    QStringList problems;
    while (query.next())
        problems.append(query.value(0).toString());
    if (problems == QStringList{QStringLiteral("ok")})
        return {};
    return base::fail(QStringLiteral("session_store_damaged"),
                      QStringLiteral("The session store %1 is damaged (%2). Tandem left the file "
                                     "as it is; move it away to start a new store, or recover it "
                                     "with sqlite3's .recover command.")
                          .arg(m_path, problems.mid(0, 3).join(QStringLiteral("; "))));
}

base::Status SessionStore::use(const std::function<base::Status(QSqlDatabase &)> &work) const
{
    if (!m_own)
        return base::fail(QStringLiteral("session_store_closed"),
                          QStringLiteral("The session store %1 is not open.").arg(m_path));
    if (QThread::currentThread() == m_ownerThread)
        return work(m_own->database());

    StoreConnection connection(m_path, m_busyTimeoutMs);
    if (!connection.isOpen())
        return std::unexpected(
            storeError(m_path, QStringLiteral("open the session store"), connection.lastError()));
    return work(connection.database());
}

base::Result<qint64> SessionStore::createSession(const NewSession &session)
{
    qint64 id = 0;
    auto done = use([&](QSqlDatabase &database) -> base::Status {
        QSqlQuery query(database);
        const QString time = now();
        if (!run(query,
                 QStringLiteral("INSERT INTO sessions (title, created, updated, workspace, model)"
                                " VALUES (?, ?, ?, ?, ?)"),
                 {session.title, time, time, session.workspace, session.model}))
            return std::unexpected(
                storeError(m_path, QStringLiteral("create a session"), query.lastError()));
        id = query.lastInsertId().toLongLong();
        return {};
    });
    if (!done)
        return std::unexpected(done.error());
    qCInfo(lcSession, "session %lld created", id);
    return id;
}

base::Status SessionStore::saveMessage(qint64 sessionId, int index, const llm::Message &message)
{
    return saveMessages(sessionId, {{index, message}});
}

base::Status SessionStore::saveMessages(qint64 sessionId,
                                        const std::map<int, llm::Message> &messages)
{
    return use([&](QSqlDatabase &database) -> base::Status {
        QSqlQuery control(database);
        // IMMEDIATE takes the write lock at once, so a busy store waits here (busy timeout)
        // instead of failing halfway.
        if (!control.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return std::unexpected(
                storeError(m_path, QStringLiteral("save the message"), control.lastError()));

        auto written = writeMessages(database, sessionId, messages);
        if (written && control.exec(QStringLiteral("COMMIT")))
            return {};
        const QSqlError error = control.lastError();
        control.exec(QStringLiteral("ROLLBACK"));
        if (!written)
            return written;
        return std::unexpected(storeError(m_path, QStringLiteral("save the message"), error));
    });
}

base::Status SessionStore::writeMessages(QSqlDatabase &database, qint64 sessionId,
                                         const std::map<int, llm::Message> &messages) const
{
    QSqlQuery query(database);
    const QString time = now();
    const auto failed = [&] {
        return std::unexpected(
            storeError(m_path, QStringLiteral("save the message"), query.lastError()));
    };

    if (!run(query, QStringLiteral("UPDATE sessions SET updated = ? WHERE id = ?"),
             {time, sessionId}))
        return failed();
    if (query.numRowsAffected() != 1)
        return std::unexpected(noSuchSession(sessionId));

    for (const auto &[index, message] : messages) {
        const QString role =
            message.role == llm::Role::User ? QStringLiteral("user") : QStringLiteral("assistant");
        const QString json = QString::fromStdString(
            message.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        const QString body = QString::fromStdString(MessageCodec::searchableText(message));
        if (!run(query,
                 QStringLiteral("INSERT INTO messages (session_id, seq, role, content, saved)"
                                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, seq) DO UPDATE"
                                " SET role = excluded.role, content = excluded.content,"
                                " saved = excluded.saved"),
                 {sessionId, index, role, json, time}))
            return failed();
        if (!run(query,
                 QStringLiteral("DELETE FROM message_search WHERE session_id = ? AND seq = ?"),
                 {sessionId, index}))
            return failed();
        if (!run(query,
                 QStringLiteral(
                     "INSERT INTO message_search (session_id, seq, body) VALUES (?, ?, ?)"),
                 {sessionId, index, body}))
            return failed();
    }
    return {};
}

base::Result<SessionSummary> SessionStore::session(qint64 sessionId) const
{
    SessionSummary summary;
    auto done = use([&](QSqlDatabase &database) -> base::Status {
        QSqlQuery query(database);
        if (!run(query, summaryColumns + QStringLiteral("WHERE s.id = ?"), {sessionId}))
            return std::unexpected(
                storeError(m_path, QStringLiteral("read the session"), query.lastError()));
        if (!query.next())
            return std::unexpected(noSuchSession(sessionId));
        summary = summaryFrom(query);
        return {};
    });
    if (!done)
        return std::unexpected(done.error());
    return summary;
}

base::Result<std::vector<StoredMessage>> SessionStore::messages(qint64 sessionId) const
{
    std::vector<StoredMessage> stored;
    auto done = use([&](QSqlDatabase &database) -> base::Status {
        QSqlQuery query(database);
        query.setForwardOnly(true);
        if (!run(query,
                 QStringLiteral("SELECT seq, saved, content FROM messages WHERE session_id = ?"
                                " ORDER BY seq"),
                 {sessionId}))
            return std::unexpected(
                storeError(m_path, QStringLiteral("read the session"), query.lastError()));
        while (query.next()) {
            const auto json =
                nlohmann::json::parse(query.value(2).toString().toStdString(), nullptr, false);
            auto message = MessageCodec::fromJson(json);
            if (!message)
                return std::unexpected(message.error());
            stored.push_back({query.value(0).toInt(), timeFrom(query.value(1)), *message});
        }
        return {};
    });
    if (!done)
        return std::unexpected(done.error());
    return stored;
}

base::Result<std::vector<llm::Message>> SessionStore::conversation(qint64 sessionId) const
{
    auto stored = messages(sessionId);
    if (!stored)
        return std::unexpected(stored.error());

    std::vector<llm::Message> conversation;
    conversation.reserve(stored->size());
    for (StoredMessage &message : *stored)
        conversation.push_back(std::move(message.message));
    return conversation;
}

base::Result<std::vector<SessionSummary>> SessionStore::sessions(const QString &search) const
{
    std::vector<SessionSummary> found;
    const QString match = matchExpression(search);
    auto done = use([&](QSqlDatabase &database) -> base::Status {
        QSqlQuery query(database);
        query.setForwardOnly(true);
        const QString order = QStringLiteral(" ORDER BY s.updated DESC, s.id DESC");
        const bool listed =
            match.isEmpty()
                ? run(query, summaryColumns + order)
                : run(query,
                      summaryColumns
                          + QStringLiteral("WHERE s.title LIKE ? ESCAPE '\\' OR s.id IN (SELECT "
                                           "session_id FROM message_search WHERE message_search "
                                           "MATCH ?)")
                          + order,
                      {likePattern(search.trimmed()), match});
        if (!listed)
            return std::unexpected(
                storeError(m_path, QStringLiteral("list the sessions"), query.lastError()));
        while (query.next())
            found.push_back(summaryFrom(query));
        return match.isEmpty() ? base::Status() : addExcerpts(database, match, found);
    });
    if (!done)
        return std::unexpected(done.error());
    return found;
}

base::Status SessionStore::addExcerpts(QSqlDatabase &database, const QString &match,
                                       std::vector<SessionSummary> &found) const
{
    QSqlQuery query(database);
    const QString statement = QStringLiteral(
        "SELECT snippet(message_search, 2, '[', ']', '\u2026', 10) FROM message_search"
        " WHERE message_search MATCH ? AND session_id = ? LIMIT 1");
    for (std::size_t i = 0; i < found.size() && i < excerptedSessions; ++i) {
        if (!run(query, statement, {match, found[i].id}))
            return std::unexpected(
                storeError(m_path, QStringLiteral("search the sessions"), query.lastError()));
        if (query.next())
            found[i].excerpt = query.value(0).toString().simplified();
    }
    return {};
}

base::Status SessionStore::deleteSession(qint64 sessionId)
{
    return use([&](QSqlDatabase &database) -> base::Status {
        QSqlQuery query(database);
        const auto failed = [&] {
            const QSqlError error = query.lastError();
            database.rollback();
            return std::unexpected(storeError(m_path, QStringLiteral("delete the session"), error));
        };
        if (!database.transaction())
            return std::unexpected(
                storeError(m_path, QStringLiteral("delete the session"), database.lastError()));
        // The search index is a virtual table, which foreign keys do not reach.
        if (!run(query, QStringLiteral("DELETE FROM message_search WHERE session_id = ?"),
                 {sessionId}))
            return failed();
        if (!run(query, QStringLiteral("DELETE FROM sessions WHERE id = ?"), {sessionId}))
            return failed();
        if (query.numRowsAffected() != 1) {
            database.rollback();
            return std::unexpected(noSuchSession(sessionId));
        }
        if (!database.commit())
            return failed();
        qCInfo(lcSession, "session %lld deleted", sessionId);
        return {};
    });
}

base::Status SessionStore::setCurrentSession(std::optional<qint64> sessionId)
{
    return use([&](QSqlDatabase &database) -> base::Status {
        QSqlQuery query(database);
        const bool done =
            sessionId
                ? run(query,
                      QStringLiteral("INSERT INTO state (key, value) VALUES (?, ?)"
                                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                      {currentSessionKey, QString::number(*sessionId)})
                : run(query, QStringLiteral("DELETE FROM state WHERE key = ?"),
                      {currentSessionKey});
        if (!done)
            return std::unexpected(
                storeError(m_path, QStringLiteral("remember the open session"), query.lastError()));
        return {};
    });
}

base::Result<std::optional<qint64>> SessionStore::currentSession() const
{
    std::optional<qint64> current;
    auto done = use([&](QSqlDatabase &database) -> base::Status {
        QSqlQuery query(database);
        if (!run(query,
                 QStringLiteral("SELECT s.id FROM state JOIN sessions s"
                                " ON s.id = CAST(state.value AS INTEGER) WHERE state.key = ?"),
                 {currentSessionKey}))
            return std::unexpected(
                storeError(m_path, QStringLiteral("read the session store"), query.lastError()));
        if (query.next())
            current = query.value(0).toLongLong();
        return {};
    });
    if (!done)
        return std::unexpected(done.error());
    return current;
}

} // namespace tandem::session
