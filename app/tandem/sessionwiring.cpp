#include "sessionwiring.h"

#include "datadirectory.h"

#include "ui/agentrunner.h"
#include "ui/chatview.h"
#include "ui/mainwindow.h"
#include "ui/sessioncontroller.h"

#include <cstdio>

namespace tandem::app {

SessionWiring::SessionWiring(session::SessionStore::NewSession details)
    : m_details(std::move(details))
    , m_store(dataDirectory() + QStringLiteral("/sessions.sqlite"))
{}

SessionWiring::~SessionWiring() = default;

void SessionWiring::attach(ui::MainWindow &window, agent::AgentLoop &loop)
{
    m_window = &window;
    if (auto opened = m_store.open(); !opened) {
        m_problem = opened.error().message;
        std::fprintf(stderr, "tandem: %s\n", qPrintable(m_problem));
        return;
    }
    m_controller = std::make_unique<ui::SessionController>(window, loop, m_store, m_details);
}

void SessionWiring::start(const QString &task)
{
    if (!m_window)
        return;
    if (m_controller)
        m_controller->resumeLast();
    else
        m_window->chatView()->addError(
            QObject::tr("Sessions are not saved in this window. %1").arg(m_problem));

    if (task.isEmpty())
        return;
    m_window->chatView()->addUserMessage(task);
    m_window->runner()->start(task);
}

} // namespace tandem::app
