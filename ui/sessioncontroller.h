#pragma once

#include "session/sessionstore.h"

#include "base/error.h"

#include <QObject>

#include <optional>

class QDockWidget;

namespace tandem::agent {
class AgentLoop;
}

namespace tandem::session {
class SessionRecorder;
}

namespace tandem::ui {

class MainWindow;
class SessionPanel;

// Sessions in the window: every message of the loop saved as it completes, a dock with the
// saved sessions and their search, a Session menu (new, open the list, export), and the
// session of the last run reopened on start. Opening a session replays its history into the
// chat and lets the loop continue from it. Store and loop must outlive it, and no task may run
// when it goes, since a task saves through it: destroy the window first, which waits for its
// task.
class SessionController : public QObject
{
    Q_OBJECT

public:
    // `details` names the workspace and model that new sessions record.
    SessionController(MainWindow &window, agent::AgentLoop &loop, session::SessionStore &store,
                      session::SessionStore::NewSession details);
    ~SessionController() override;

    // Reopens the session the window had open when it last closed (or was killed), if any.
    void resumeLast();
    // Both refuse while a task runs, and say so in the chat.
    bool openSession(qint64 sessionId);
    bool newSession();
    bool deleteSession(qint64 sessionId);
    base::Status exportSession(qint64 sessionId, bool markdown, const QString &file) const;

    std::optional<qint64> currentSession() const;
    SessionPanel *panel() const { return m_panel; }
    QDockWidget *dock() const { return m_dock; }

private:
    void addDock();
    void addMenu();
    void connectRecorder();
    void refreshList();
    void noteInterruption(const std::vector<llm::Message> &conversation);
    bool refuseWhileRunning();
    void confirmDelete(qint64 sessionId);
    void askExport(qint64 sessionId, bool markdown);
    void exportCurrent(bool markdown);

    MainWindow &m_window;
    agent::AgentLoop &m_loop;
    session::SessionStore &m_store;
    session::SessionRecorder *m_recorder = nullptr;
    SessionPanel *m_panel = nullptr;
    QDockWidget *m_dock = nullptr;
};

} // namespace tandem::ui
