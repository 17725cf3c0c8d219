#include "session/sessionrecorder.h"

#include "session/logging.h"

#include "agent/agentloop.h"

#include <QMutexLocker>

namespace tandem::session {

namespace {

constexpr qsizetype titleLength = 60;

} // namespace

SessionRecorder::SessionRecorder(SessionStore &store, SessionStore::NewSession details,
                                 QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_details(std::move(details))
{}

void SessionRecorder::follow(agent::AgentLoop &loop)
{
    // Direct: the loop waits for the save, which is the point.
    connect(&loop, &agent::AgentLoop::messageCompleted, this, &SessionRecorder::record,
            Qt::DirectConnection);
}

void SessionRecorder::setSession(std::optional<qint64> sessionId)
{
    QMutexLocker lock(&m_mutex);
    if (!m_pending.empty() && m_session && !m_store.saveMessages(*m_session, m_pending).has_value())
        qCWarning(lcSession, "%zu unsaved messages dropped on switching sessions",
                  m_pending.size());
    m_pending.clear();
    m_session = sessionId;
}

std::optional<qint64> SessionRecorder::session() const
{
    QMutexLocker lock(&m_mutex);
    return m_session;
}

void SessionRecorder::record(int index, const llm::Message &message)
{
    Outcome outcome;
    {
        QMutexLocker lock(&m_mutex);
        m_pending[index] = message;
        outcome = save(message);
    }
    // Signalled without the lock, so that a receiver on this thread may ask session().
    if (outcome.created)
        emit sessionCreated(*outcome.created);
    for (const QString &problem : std::as_const(outcome.problems))
        emit saveFailed(problem);
    for (int saved : std::as_const(outcome.saved))
        emit messageSaved(outcome.sessionId, saved);
}

// Called with the mutex held: creates the session if there is none yet, then saves.
SessionRecorder::Outcome SessionRecorder::save(const llm::Message &message)
{
    Outcome outcome;
    if (!m_session) {
        SessionStore::NewSession details = m_details;
        details.title = titleFor(message);
        auto created = m_store.createSession(details);
        if (!created) {
            outcome.problems.append(created.error().message);
            return outcome;
        }
        m_session = *created;
        outcome.created = *created;
        // Reopened on the next start, even when this one ends by a kill.
        if (auto remembered = m_store.setCurrentSession(*created); !remembered)
            outcome.problems.append(remembered.error().message);
    }

    outcome.sessionId = *m_session;
    if (auto saved = m_store.saveMessages(*m_session, m_pending); !saved) {
        qCWarning(lcSession, "saving failed: %s", qPrintable(saved.error().code));
        outcome.problems.append(saved.error().message);
        return outcome;
    }
    for (const auto &entry : m_pending)
        outcome.saved.append(entry.first);
    m_pending.clear();
    return outcome;
}

QString SessionRecorder::titleFor(const llm::Message &message)
{
    const QString text = QString::fromStdString(message.text()).trimmed();
    QString title = text.section(u'\n', 0, 0).simplified();
    if (title.isEmpty())
        return tr("Session");
    if (title.size() > titleLength)
        title = title.left(titleLength - 1).trimmed() + QChar(0x2026);
    return title;
}

} // namespace tandem::session
