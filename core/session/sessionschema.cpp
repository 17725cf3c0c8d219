#include "session/sessionschema.h"

#include "session/logging.h"
#include "session/messagecodec.h"
#include "session/storeerror.h"

#include <QSqlQuery>

namespace tandem::session {

namespace {

const char *const version1Tables[] = {
    "CREATE TABLE sessions ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " title TEXT NOT NULL,"
    " created TEXT NOT NULL,"
    " updated TEXT NOT NULL,"
    " workspace TEXT NOT NULL DEFAULT '',"
    " model TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE messages ("
    " session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " role TEXT NOT NULL,"
    " content TEXT NOT NULL,"
    " saved TEXT NOT NULL,"
    " PRIMARY KEY (session_id, seq)) WITHOUT ROWID",
    "CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
};

base::Status execAll(QSqlDatabase &database, const QString &path, const QStringList &statements)
{
    QSqlQuery query(database);
    for (const QString &statement : statements) {
        if (!query.exec(statement))
            return std::unexpected(
                storeError(path, QStringLiteral("prepare the session store"), query.lastError()));
    }
    return {};
}

// Runs one migration step in a transaction that also records the version it reaches.
template <typename Step>
base::Status inTransaction(QSqlDatabase &database, const QString &path, int reaches, Step step)
{
    if (!database.transaction())
        return std::unexpected(
            storeError(path, QStringLiteral("prepare the session store"), database.lastError()));
    auto done = step();
    if (done)
        done = execAll(database, path, {QStringLiteral("PRAGMA user_version = %1").arg(reaches)});
    if (!done || !database.commit()) {
        database.rollback();
        return done ? std::unexpected(storeError(path, QStringLiteral("prepare the session store"),
                                                 database.lastError()))
                    : done;
    }
    qCInfo(lcSession, "session store at schema version %d", reaches);
    return {};
}

} // namespace

base::Result<int> SessionSchema::version(QSqlDatabase &database, const QString &path)
{
    QSqlQuery query(database);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return std::unexpected(
            storeError(path, QStringLiteral("read the session store"), query.lastError()));
    return query.value(0).toInt();
}

base::Status SessionSchema::createVersion1(QSqlDatabase &database, const QString &path)
{
    return inTransaction(database, path, 1, [&]() -> base::Status {
        QStringList statements;
        for (const char *statement : version1Tables)
            statements.append(QString::fromLatin1(statement));
        return execAll(database, path, statements);
    });
}

// The index holds each message's searchable text beside its place; it is filled here from
// the messages already saved.
base::Status SessionSchema::addSearchIndex(QSqlDatabase &database, const QString &path)
{
    return inTransaction(database, path, 2, [&]() -> base::Status {
        if (auto made = execAll(database, path,
                                {QStringLiteral("CREATE VIRTUAL TABLE message_search USING fts5("
                                                "session_id UNINDEXED, seq UNINDEXED, body,"
                                                " tokenize = 'unicode61 remove_diacritics 2')")});
            !made)
            return made;

        QSqlQuery rows(database);
        rows.setForwardOnly(true);
        QSqlQuery insert(database);
        insert.prepare(
            QStringLiteral("INSERT INTO message_search (session_id, seq, body) VALUES (?, ?, ?)"));
        if (!rows.exec(QStringLiteral("SELECT session_id, seq, content FROM messages")))
            return std::unexpected(
                storeError(path, QStringLiteral("index the saved messages"), rows.lastError()));
        while (rows.next()) {
            const auto json =
                nlohmann::json::parse(rows.value(2).toString().toStdString(), nullptr, false);
            auto message = MessageCodec::fromJson(json);
            const std::string body = message ? MessageCodec::searchableText(*message) : "";
            insert.addBindValue(rows.value(0));
            insert.addBindValue(rows.value(1));
            insert.addBindValue(QString::fromStdString(body));
            if (!insert.exec())
                return std::unexpected(storeError(path, QStringLiteral("index the saved messages"),
                                                  insert.lastError()));
        }
        return {};
    });
}

base::Status SessionSchema::migrate(QSqlDatabase &database, const QString &path)
{
    auto current = version(database, path);
    if (!current)
        return std::unexpected(current.error());
    if (*current > kVersion) {
        return base::fail(QStringLiteral("session_store_newer"),
                          QStringLiteral("The session store %1 was written by a newer Tandem "
                                         "(schema %2; this one knows up to %3). Tandem left it "
                                         "as it is; use the newer version to open it.")
                              .arg(path)
                              .arg(*current)
                              .arg(kVersion));
    }

    if (*current < 1) {
        if (auto done = createVersion1(database, path); !done)
            return done;
    }
    if (*current < 2) {
        if (auto done = addSearchIndex(database, path); !done)
            return done;
    }
    return {};
}

} // namespace tandem::session
