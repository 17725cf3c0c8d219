#include "ui/mainwindow.h"

#include "ui/agentrunner.h"
#include "ui/approvalbridge.h"
#include "ui/artifactpane.h"
#include "ui/artifacttoolfeed.h"
#include "ui/chatview.h"
#include "ui/computermonitor.h"
#include "ui/findbar.h"
#include "ui/modelbanner.h"
#include "ui/repositorypanel.h"
#include "ui/windowmenus.h"

#include "artifacts/artifactextractor.h"
#include "artifacts/artifactstore.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QGuiApplication>
#include <QMenu>
#include <QMessageBox>
#include <QScreen>
#include <QSplitter>
#include <QVBoxLayout>

namespace tandem::ui {

namespace {

const QSize preferredSize(1440, 900);

} // namespace

MainWindow::MainWindow(agent::AgentLoop &loop, const WindowInfo &info, QWidget *parent)
    : QMainWindow(parent)
    , m_runner(new AgentRunner(loop, this))
    , m_extractor(new artifacts::ArtifactExtractor(this))
{
    setWindowTitle(tr("Tandem"));
    buildLayout(info);
    m_approvals = new ApprovalBridge(m_chat, this);
    connectRunner();
    connectExtractor();
    buildMenus();

    const QScreen *screen = QGuiApplication::primaryScreen();
    const QSize available = screen ? screen->availableSize() : preferredSize;
    resize(preferredSize.boundedTo(available * 0.9));
    m_splitter->setSizes({width() / 3, width() - width() / 3});
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout(const WindowInfo &info)
{
    m_chat = new ChatView;
    m_artifacts = new ArtifactPane;

    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_chat);
    m_splitter->addWidget(m_artifacts);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 2);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(new ModelBanner(info));
    layout->addWidget(m_splitter, 1);
    m_findBar = new FindBar(m_artifacts->editor());
    layout->addWidget(m_findBar);
    setCentralWidget(central);
}

void MainWindow::connectRunner()
{
    connect(m_chat, &ChatView::sendRequested, this, &MainWindow::startTask);
    connect(m_chat, &ChatView::stopRequested, this, &MainWindow::stopTask);
    connect(m_artifacts, &ArtifactPane::contextRequested, m_chat, &ChatView::addToPrompt);

    connect(m_runner, &AgentRunner::runningChanged, this, &MainWindow::showRunning);
    connect(m_runner, &AgentRunner::replyStarted, m_extractor,
            &artifacts::ArtifactExtractor::reset);
    connect(m_runner, &AgentRunner::textDelta, m_chat, &ChatView::appendAssistantText);
    connect(m_runner, &AgentRunner::textDelta, m_extractor, &artifacts::ArtifactExtractor::feed);
    connect(m_runner, &AgentRunner::toolCallStarted, this, &MainWindow::endText);
    connect(m_runner, &AgentRunner::toolCallStarted, m_chat, &ChatView::addToolCall);
    connect(m_runner, &AgentRunner::toolCallDetails, m_chat, &ChatView::showToolCallDetails);
    connect(m_runner, &AgentRunner::toolCallImage, m_chat,
            [this](const QString &id, const QByteArray &base64) {
                m_chat->showToolCallImage(id, base64);
            });
    connect(m_runner, &AgentRunner::toolCallFinished, m_chat, &ChatView::finishToolCall);
    connect(m_runner, &AgentRunner::replyFinished, this, &MainWindow::endText);
    connect(m_runner, &AgentRunner::runFailed, m_chat, &ChatView::addError);
    connect(m_runner, &AgentRunner::runEnded, this, [this](const QString &notice) {
        if (!notice.isEmpty())
            m_chat->addNotice(notice);
    });
}

ComputerMonitor *MainWindow::addComputerMonitor()
{
    if (m_monitor)
        return m_monitor;

    m_monitor = new ComputerMonitor;
    m_monitor->setObjectName(QStringLiteral("computerMonitor"));
    m_splitter->insertWidget(1, m_monitor);
    m_splitter->setStretchFactor(1, 2);
    connect(m_monitor, &ComputerMonitor::stopRequested, this, &MainWindow::stopTask);
    return m_monitor;
}

RepositoryPanel *MainWindow::addRepositoryPanel(agent::ReviewTask &session)
{
    if (m_repository)
        return m_repository;

    m_repository = new RepositoryPanel(session);
    m_repository->setObjectName(QStringLiteral("repositoryPanel"));
    auto *dock = new QDockWidget(tr("Repository"), this);
    dock->setObjectName(QStringLiteral("repositoryDock"));
    dock->setWidget(m_repository);
    addSideDock(dock);

    connect(m_chat, &ChatView::sendRequested, m_repository, &RepositoryPanel::setTask);
    connect(m_runner, &AgentRunner::runningChanged, m_repository,
            &RepositoryPanel::setAgentRunning);
    connect(m_runner, &AgentRunner::replyStarted, m_repository, &RepositoryPanel::beginReply);
    connect(m_runner, &AgentRunner::textDelta, m_repository, &RepositoryPanel::appendReplyText);
    // Any tool may have changed files: a diff of the workspace is cheap next to a tool call.
    connect(m_runner, &AgentRunner::toolCallFinished, m_repository, &RepositoryPanel::refresh);
    return m_repository;
}

// The commands every session has. Send works where the chat has the focus (the artifact's
// editor uses Ctrl+Return to render at once); the others anywhere in the window.
void MainWindow::buildMenus()
{
    m_menus = new WindowMenus(this);

    // Sessions and the settings dialog connect and enable these two when they exist.
    m_menus
        ->addAction(WindowMenus::File, QStringLiteral("newSessionAction"), tr("&New Session"),
                    QKeySequence::New)
        ->setEnabled(false);
    m_menus->menu(WindowMenus::File)->addSeparator();
    QAction *quit = m_menus->addAction(WindowMenus::File, QStringLiteral("quitAction"), tr("&Quit"),
                                       QKeySequence(tr("Ctrl+Q")));
    connect(quit, &QAction::triggered, qApp, &QApplication::closeAllWindows);

    QAction *find = m_menus->addAction(WindowMenus::Edit, QStringLiteral("findAction"),
                                       tr("&Find in Code…"), QKeySequence::Find);
    connect(find, &QAction::triggered, m_findBar, &FindBar::open);
    m_menus->menu(WindowMenus::Edit)->addSeparator();
    m_menus
        ->addAction(WindowMenus::Edit, QStringLiteral("settingsAction"), tr("&Settings…"),
                    QKeySequence(tr("Ctrl+,")))
        ->setEnabled(false);

    QAction *pane = m_menus->addAction(WindowMenus::View, QStringLiteral("toggleArtifactsAction"),
                                       tr("&Artifact Pane"), QKeySequence(tr("Ctrl+Shift+A")));
    pane->setCheckable(true);
    pane->setChecked(true);
    connect(pane, &QAction::triggered, this, &MainWindow::toggleArtifactPane);
    connect(m_artifacts, &ArtifactPane::closedByUser, pane, [pane] { pane->setChecked(false); });

    QAction *send = m_menus->addAction(WindowMenus::Task, QStringLiteral("sendAction"), tr("&Send"),
                                       QKeySequence(tr("Ctrl+Return")));
    send->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_chat->addAction(send);
    connect(send, &QAction::triggered, m_chat, &ChatView::sendPrompt);

    QAction *stop = m_menus->addAction(WindowMenus::Task, QStringLiteral("stopAction"), tr("S&top"),
                                       QKeySequence(Qt::Key_Escape));
    stop->setEnabled(false);
    connect(stop, &QAction::triggered, this, &MainWindow::stopTask);

    QAction *prompt = m_menus->addAction(WindowMenus::Task, QStringLiteral("focusPromptAction"),
                                         tr("&Write a Task"), QKeySequence(tr("Ctrl+K")));
    connect(prompt, &QAction::triggered, m_chat, &ChatView::focusPrompt);

    QAction *about =
        m_menus->addAction(WindowMenus::Help, QStringLiteral("aboutAction"), tr("&About Tandem"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About Tandem"),
                           tr("<b>Tandem %1</b><p>A desktop companion for people who write "
                              "code: a chat with a coding model beside a live artifact view.</p>"
                              "<p>Licensed under the Apache License 2.0.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

// One column of side panels, as tabs: the chat and the artifact pane are the work, and each
// needs the width more than a second column of panels would.
void MainWindow::addSideDock(QDockWidget *dock)
{
    if (m_sideDocks.isEmpty()) {
        addDockWidget(Qt::LeftDockWidgetArea, dock);
        resizeDocks({dock}, {340}, Qt::Horizontal);
    } else {
        tabifyDockWidget(m_sideDocks.first(), dock);
        m_sideDocks.first()->raise();
    }
    m_sideDocks.append(dock);
}

// Closing lets the page go, a runaway script included; opening renders what arrived meanwhile.
void MainWindow::toggleArtifactPane()
{
    if (m_artifacts->isClosedByUser())
        m_artifacts->openPane();
    else
        m_artifacts->closePane();
    m_menus->action(QStringLiteral("toggleArtifactsAction"))
        ->setChecked(!m_artifacts->isClosedByUser());
}

void MainWindow::connectExtractor()
{
    using artifacts::ArtifactExtractor;

    connect(m_extractor, &ArtifactExtractor::blockStarted, m_artifacts,
            &ArtifactPane::beginArtifact);
    connect(m_extractor, &ArtifactExtractor::blockGrew, m_artifacts, &ArtifactPane::growArtifact);
    connect(m_extractor, &ArtifactExtractor::blockCompleted, m_artifacts,
            &ArtifactPane::completeArtifact);
    connect(m_extractor, &ArtifactExtractor::blockAbandoned, m_artifacts,
            &ArtifactPane::abandonArtifact);

    m_toolFeed = new ArtifactToolFeed(*m_artifacts, this);
    connect(m_runner, &AgentRunner::toolInputDelta, m_toolFeed, &ArtifactToolFeed::takeInput);
    connect(m_runner, &AgentRunner::toolCallFinished, m_toolFeed, &ArtifactToolFeed::callFinished);
    connect(m_runner, &AgentRunner::runningChanged, m_toolFeed, &ArtifactToolFeed::runningChanged);
}

// The store tells from the agent's thread; the connection queues to this one.
void MainWindow::showArtifactsFrom(artifacts::ArtifactStore &store)
{
    connect(&store, &artifacts::ArtifactStore::changed, m_artifacts,
            &ArtifactPane::showToolArtifact);
}

void MainWindow::startTask(const QString &task)
{
    m_extractor->reset();
    m_runner->start(task);
}

void MainWindow::stopTask()
{
    m_runner->stop();
}

void MainWindow::showRunning(bool running)
{
    m_chat->setRunning(running);
    m_menus->action(QStringLiteral("sendAction"))->setEnabled(!running);
    m_menus->action(QStringLiteral("stopAction"))->setEnabled(running);
    if (!running)
        endText();
}

// A text block ended (a tool call follows, the reply is over, or the run stopped): the
// extractor settles its last line and the chat renders the block in full.
void MainWindow::endText()
{
    m_extractor->finish();
    m_chat->endAssistantText();
}

} // namespace tandem::ui
