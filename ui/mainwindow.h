#pragma once

#include "ui/windowinfo.h"

#include <QMainWindow>

class QDockWidget;
class QSplitter;

namespace tandem::agent {
class AgentLoop;
class ReviewTask;
} // namespace tandem::agent

namespace tandem::artifacts {
class ArtifactExtractor;
class ArtifactStore;
} // namespace tandem::artifacts

namespace tandem::ui {

class AgentRunner;
class ApprovalBridge;
class ArtifactPane;
class ArtifactToolFeed;
class ChatView;
class ComputerMonitor;
class RepositoryPanel;
class FindBar;
class WindowMenus;

// Tandem's window: a banner naming the model and the workspace, the chat on the left and the
// artifact pane on the right. It runs `loop` on a worker thread for each task the user sends;
// the loop must outlive the window.
//
// Qt WebEngine needs its URL scheme registered before the QApplication exists: call
// registerUrlSchemes() (ui/webenginesetup.h) first thing in main().
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(agent::AgentLoop &loop, const WindowInfo &info, QWidget *parent = nullptr);
    ~MainWindow() override;

    ChatView *chatView() const { return m_chat; }
    ArtifactPane *artifactPane() const { return m_artifacts; }
    AgentRunner *runner() const { return m_runner; }
    // Hand it to the approval desk: its questions show as cards in the chat.
    ApprovalBridge *approvalBridge() const { return m_approvals; }

    // Shows the computer-use monitor beside the chat (created on the first call); its Stop
    // button stops the running task. Hand monitor->observer() to the computer tool.
    ComputerMonitor *addComputerMonitor();
    ComputerMonitor *computerMonitor() const { return m_monitor; }

    // Docks the repository panel of `session`, whose loop the window runs: the review branch,
    // its diff, tests, pull request and push. The session must outlive the window.
    RepositoryPanel *addRepositoryPanel(agent::ReviewTask &session);
    RepositoryPanel *repositoryPanel() const { return m_repository; }

    // Shows the artifacts the model makes with the artifact tool that keeps them in `store`,
    // which must outlive the window.
    void showArtifactsFrom(artifacts::ArtifactStore &store);

    // Puts a side panel (sessions, repository) in the window's one column of tabbed panels.
    void addSideDock(QDockWidget *dock);

    // The menu bar; every part of the window adds its commands there (see WindowMenus).
    WindowMenus *menus() const { return m_menus; }

private:
    void buildLayout(const WindowInfo &info);
    void connectRunner();
    void connectExtractor();
    void buildMenus();
    void toggleArtifactPane();
    void startTask(const QString &task);
    void stopTask();
    void showRunning(bool running);
    void endText();

    AgentRunner *m_runner = nullptr;
    artifacts::ArtifactExtractor *m_extractor = nullptr;
    ChatView *m_chat = nullptr;
    ArtifactPane *m_artifacts = nullptr;
    ArtifactToolFeed *m_toolFeed = nullptr;
    QSplitter *m_splitter = nullptr;
    ComputerMonitor *m_monitor = nullptr;
    ApprovalBridge *m_approvals = nullptr;
    RepositoryPanel *m_repository = nullptr;
    FindBar *m_findBar = nullptr;
    WindowMenus *m_menus = nullptr;
    QList<QDockWidget *> m_sideDocks;
};

} // namespace tandem::ui
