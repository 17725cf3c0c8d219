#include "ui/sessioncontroller.h"

#include "ui/agentrunner.h"
#include "ui/chatview.h"
#include "ui/logging.h"
#include "ui/mainwindow.h"
#include "ui/sessionpanel.h"
#include "ui/transcriptreplay.h"
#include "ui/windowmenus.h"

#include "session/sessionexporter.h"
#include "session/sessionrecorder.h"

#include "agent/agentloop.h"

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>

namespace tandem::ui {

SessionController::SessionController(MainWindow &window, agent::AgentLoop &loop,
                                     session::SessionStore &store,
                                     session::SessionStore::NewSession details)
    : m_window(window)
    , m_loop(loop)
    , m_store(store)
    , m_recorder(new session::SessionRecorder(store, std::move(details), this))
{
    m_recorder->follow(loop);
    addDock();
    addMenu();
    connectRecorder();
    refreshList();
}

SessionController::~SessionController() = default;

void SessionController::addDock()
{
    m_panel = new SessionPanel;
    m_dock = new QDockWidget(tr("Sessions"), &m_window);
    m_dock->setObjectName(QStringLiteral("sessionDock"));
    m_dock->setWidget(m_panel);
    m_window.addSideDock(m_dock);

    connect(m_panel, &SessionPanel::searchChanged, this, &SessionController::refreshList);
    connect(m_panel, &SessionPanel::newRequested, this, &SessionController::newSession);
    connect(m_panel, &SessionPanel::openRequested, this, &SessionController::openSession);
    connect(m_panel, &SessionPanel::deleteRequested, this, &SessionController::confirmDelete);
    connect(m_panel, &SessionPanel::exportRequested, this, &SessionController::askExport);
    connect(m_window.runner(), &AgentRunner::runningChanged, m_panel,
            [this](bool running) { m_panel->setEnabled(!running); });
}

void SessionController::addMenu()
{
    QMenu *menu = m_window.menuBar()->addMenu(tr("&Session"));
    menu->setObjectName(QStringLiteral("sessionMenu"));
    // The File menu's New Session waits for the sessions to exist; it lives on in this menu.
    QAction *start = m_window.menus()->action(QStringLiteral("newSessionAction"));
    start->setEnabled(true);
    connect(start, &QAction::triggered, this, &SessionController::newSession);
    menu->addAction(start);
    menu->addAction(m_dock->toggleViewAction());
    menu->addSeparator();
    connect(menu->addAction(tr("Export as &Markdown\u2026")), &QAction::triggered, this,
            [this] { exportCurrent(true); });
    connect(menu->addAction(tr("Export as &JSON\u2026")), &QAction::triggered, this,
            [this] { exportCurrent(false); });
}

// The recorder saves on the loop's thread; what the window shows follows on this one.
void SessionController::connectRecorder()
{
    using session::SessionRecorder;
    connect(m_recorder, &SessionRecorder::sessionCreated, this, [this](qint64 sessionId) {
        m_panel->setCurrent(sessionId);
        refreshList();
    });
    connect(m_recorder, &SessionRecorder::messageSaved, this, &SessionController::refreshList);
    connect(m_recorder, &SessionRecorder::saveFailed, m_window.chatView(), &ChatView::addError);
}

void SessionController::resumeLast()
{
    auto current = m_store.currentSession();
    if (!current) {
        m_window.chatView()->addError(current.error().message);
        return;
    }
    if (*current)
        openSession(**current);
}

bool SessionController::openSession(qint64 sessionId)
{
    if (refuseWhileRunning())
        return false;
    auto conversation = m_store.conversation(sessionId);
    if (!conversation) {
        m_window.chatView()->addError(conversation.error().message);
        return false;
    }

    m_loop.setConversation(*conversation);
    m_recorder->setSession(sessionId);
    if (auto remembered = m_store.setCurrentSession(sessionId); !remembered)
        qCWarning(lcUi, "the open session is not remembered: %s",
                  qPrintable(remembered.error().code));
    TranscriptReplay::replay(*m_window.chatView(), *conversation);
    noteInterruption(*conversation);
    m_panel->setCurrent(sessionId);
    qCInfo(lcUi, "session %lld opened with %zu messages", sessionId, conversation->size());
    return true;
}

// Says what was lost when the last run ended in the middle of a turn.
void SessionController::noteInterruption(const std::vector<llm::Message> &conversation)
{
    if (conversation.empty())
        return;
    const llm::Message &last = conversation.back();
    if (last.role == llm::Role::User)
        m_window.chatView()->addNotice(
            tr("The reply to the last message did not finish. Send a message to go on."));
    else if (!last.toolUses().empty())
        m_window.chatView()->addNotice(
            tr("Tandem stopped while a tool was running; its result was lost."));
}

bool SessionController::newSession()
{
    if (refuseWhileRunning())
        return false;
    m_loop.setConversation({});
    m_recorder->setSession(std::nullopt);
    if (auto forgotten = m_store.setCurrentSession(std::nullopt); !forgotten)
        qCWarning(lcUi, "the new session is not remembered: %s",
                  qPrintable(forgotten.error().code));
    m_window.chatView()->clearTranscript();
    m_panel->setCurrent(std::nullopt);
    return true;
}

bool SessionController::deleteSession(qint64 sessionId)
{
    if (refuseWhileRunning())
        return false;
    const bool open = m_recorder->session() == sessionId;
    if (auto deleted = m_store.deleteSession(sessionId); !deleted) {
        m_window.chatView()->addError(deleted.error().message);
        return false;
    }
    if (open)
        newSession();
    refreshList();
    return true;
}

base::Status SessionController::exportSession(qint64 sessionId, bool markdown,
                                              const QString &file) const
{
    using session::SessionExporter;
    auto exported = SessionExporter::exportSession(m_store, sessionId,
                                                   markdown ? SessionExporter::Format::Markdown
                                                            : SessionExporter::Format::Json);
    if (!exported)
        return std::unexpected(exported.error());

    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(*exported) != exported->size()
        || !out.commit())
        return base::fail(QStringLiteral("export_failed"),
                          tr("Could not write %1: %2").arg(file, out.errorString()));
    return {};
}

std::optional<qint64> SessionController::currentSession() const
{
    return m_recorder->session();
}

void SessionController::refreshList()
{
    auto sessions = m_store.sessions(m_panel->searchText());
    if (!sessions) {
        qCWarning(lcUi, "sessions not listed: %s", qPrintable(sessions.error().message));
        return;
    }
    m_panel->setSessions(*sessions);
}

bool SessionController::refuseWhileRunning()
{
    const AgentRunner *runner = m_window.runner();
    if (!runner->isRunning() && !runner->isBusy())
        return false;
    m_window.chatView()->addNotice(runner->isRunning()
                                       ? tr("Stop the running task before switching sessions.")
                                       : tr("The stopped task is still winding down; try again "
                                            "in a moment."));
    return true;
}

void SessionController::confirmDelete(qint64 sessionId)
{
    const auto answer =
        QMessageBox::question(&m_window, tr("Delete session"),
                              tr("Delete this session and its messages? This cannot be undone."));
    if (answer == QMessageBox::Yes)
        deleteSession(sessionId);
}

void SessionController::askExport(qint64 sessionId, bool markdown)
{
    const QString suffix = markdown ? QStringLiteral("md") : QStringLiteral("json");
    const QString file = QFileDialog::getSaveFileName(
        &m_window, tr("Export session"), QStringLiteral("session-%1.%2").arg(sessionId).arg(suffix),
        markdown ? tr("Markdown (*.md)") : tr("JSON (*.json)"));
    if (file.isEmpty())
        return;
    if (auto done = exportSession(sessionId, markdown, file); !done)
        QMessageBox::warning(&m_window, tr("Export session"), done.error().message);
}

void SessionController::exportCurrent(bool markdown)
{
    if (const auto current = currentSession())
        askExport(*current, markdown);
    else
        m_window.chatView()->addNotice(tr("This session has no saved messages to export yet."));
}

} // namespace tandem::ui
