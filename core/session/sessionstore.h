#pragma once

#include "session/storedsession.h"

#include "llm/message.h"

#include "base/error.h"

#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

class QThread;

namespace tandem::session {

class StoreConnection;

// Saved conversations in one SQLite file in WAL mode: the sessions, each message of each as
// the Messages API's JSON in its place, a full-text index of their text, and which session
// the window had open. Each save is its own transaction, committed with synchronous=FULL
// before it returns, so what was saved survives Tandem being killed at any instant.
//
// Any thread may call it: the thread that opened the store uses one connection, every other
// call on another thread opens its own for the time of the call. Nothing here throws.
//
//     SessionStore store(dataDirectory() + "/sessions.sqlite");
//     if (auto opened = store.open(); !opened) ... // opened.error().message says why
//     auto id = store.createSession({"Fix the total", workspace, "anthropic:claude"});
//     store.saveMessage(*id, 0, message);
class SessionStore
{
public:
    struct NewSession
    {
        QString title;
        QString workspace;
        QString model;
    };

    explicit SessionStore(QString path, int busyTimeoutMs = 5000);
    ~SessionStore();

    SessionStore(const SessionStore &) = delete;
    SessionStore &operator=(const SessionStore &) = delete;

    // Creates the file and its folder if needed, migrates an older schema and checks the file;
    // a damaged, locked or newer store is refused without a change.
    base::Status open();
    bool isOpen() const { return m_own != nullptr; }
    const QString &path() const { return m_path; }

    base::Result<qint64> createSession(const NewSession &session);
    // Saves the message at `index` of the session's conversation, replacing what was there.
    base::Status saveMessage(qint64 sessionId, int index, const llm::Message &message);
    // Saves several, all or none.
    base::Status saveMessages(qint64 sessionId, const std::map<int, llm::Message> &messages);

    base::Result<SessionSummary> session(qint64 sessionId) const;
    base::Result<std::vector<StoredMessage>> messages(qint64 sessionId) const;
    base::Result<std::vector<llm::Message>> conversation(qint64 sessionId) const;
    // Newest first. A non-empty `search` keeps the sessions whose title contains it or whose
    // messages contain each of its words (as words or the start of words).
    base::Result<std::vector<SessionSummary>> sessions(const QString &search = {}) const;
    base::Status deleteSession(qint64 sessionId);

    // The session the window shows, to reopen on the next start; none for a new one.
    base::Status setCurrentSession(std::optional<qint64> sessionId);
    base::Result<std::optional<qint64>> currentSession() const;

private:
    base::Status use(const std::function<base::Status(QSqlDatabase &)> &work) const;
    base::Status check(QSqlDatabase &database) const;
    base::Status writeMessages(QSqlDatabase &database, qint64 sessionId,
                               const std::map<int, llm::Message> &messages) const;
    base::Status addExcerpts(QSqlDatabase &database, const QString &match,
                             std::vector<SessionSummary> &found) const;

    QString m_path;
    int m_busyTimeoutMs;
    std::unique_ptr<StoreConnection> m_own;
    QThread *m_ownerThread = nullptr;
};

} // namespace tandem::session
