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
    if (!m_pending.empty() && !flush())
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
    QMutexLocker lock(&m_mutex);
    m_pending[index] = message;

    if (!m_session) {
        SessionStore::NewSession details = m_details;
        details.title = titleFor(message);
        auto created = m_store.createSession(details);
        if (!created) {
            emit saveFailed(created.error().message);
            return;
        }
        m_session = *created;
        // Reopened on the next start, even when this one ends by a kill.
        if (auto remembered = m_store.setCurrentSession(*created); !remembered)
            emit saveFailed(remembered.error().message);
        emit sessionCreated(*created);
    }
    flush();
}

// Called with the mutex held.
bool SessionRecorder::flush()
{
    if (!m_session)
        return false;

    const qint64 sessionId = *m_session;
    if (auto saved = m_store.saveMessages(sessionId, m_pending); !saved) {
        qCWarning(lcSession, "saving failed: %s", qPrintable(saved.error().code));
        emit saveFailed(saved.error().message);
        return false;
    }
    for (const auto &entry : m_pending)
        emit messageSaved(sessionId, entry.first);
    m_pending.clear();
    return true;
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
