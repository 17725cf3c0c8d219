#pragma once

#include "session/sessionstore.h"

#include <QString>

#include <memory>

namespace tandem::agent {
class AgentLoop;
}
namespace tandem::ui {
class MainWindow;
class SessionController;
} // namespace tandem::ui

namespace tandem::app {

// The window's sessions: the store in the data directory, saving and the session list when
// it opens, and on start the last session reopened and a task from the command line sent.
// Make it before the window, so that it outlives the window's running task.
class SessionWiring
{
public:
    explicit SessionWiring(session::SessionStore::NewSession details);
    ~SessionWiring();

    // Without a store the window still works; start() says why nothing is saved.
    void attach(ui::MainWindow &window, agent::AgentLoop &loop);
    void start(const QString &task);

private:
    ui::MainWindow *m_window = nullptr;
    session::SessionStore::NewSession m_details;
    session::SessionStore m_store;
    std::unique_ptr<ui::SessionController> m_controller;
    QString m_problem; // why sessions are off
};

} // namespace tandem::app
