#pragma once

#include "session/sessionstore.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QStringList>

#include <map>
#include <optional>

namespace tandem::agent {
class AgentLoop;
}

namespace tandem::session {

// Saves each message of the loop's conversation the moment it is complete, on the loop's own
// thread and before the loop goes on: when the model is asked for the next turn, every turn
// before it is on disk. The first message of a new session creates it, titled after the
// user's words. A message that cannot be saved (the store is locked) is kept and saved with
// the next one, and saveFailed() says why.
class SessionRecorder : public QObject
{
    Q_OBJECT

public:
    // `details` gives a new session its workspace and model; its title is ignored.
    SessionRecorder(SessionStore &store, SessionStore::NewSession details,
                    QObject *parent = nullptr);

    // Records every message `loop` completes, on the loop's thread.
    void follow(agent::AgentLoop &loop);

    // Where the next messages go; none starts a new session with the next message. Call it
    // while no run is live.
    void setSession(std::optional<qint64> sessionId);
    std::optional<qint64> session() const;

    // Saves a message at `index` of the conversation; the loop's signal calls it.
    void record(int index, const llm::Message &message);

    static QString titleFor(const llm::Message &message);

signals:
    // Emitted on the thread that saved; queue them to the window.
    void sessionCreated(qint64 sessionId);
    void messageSaved(qint64 sessionId, int index);
    void saveFailed(const QString &message);

private:
    struct Outcome
    {
        std::optional<qint64> created;
        qint64 sessionId = 0;
        QList<int> saved;
        QStringList problems;
    };

    Outcome save(const llm::Message &message);

    SessionStore &m_store;
    SessionStore::NewSession m_details;
    mutable QMutex m_mutex;
    std::optional<qint64> m_session;
    std::map<int, llm::Message> m_pending; // not saved yet, by index
};

} // namespace tandem::session
