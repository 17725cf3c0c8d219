#include "windowapp.h"

#include "computersetup.h"
#include "computerusemenu.h"
#include "datadirectory.h"
#include "demorepository.h"
#include "modelsetup.h"
#include "providerswitcher.h"
#include "sessionwiring.h"

#include "agent/agentloop.h"
#include "agent/reviewtask.h"
#include "approval/approvaldesk.h"
#include "artifacts/artifactstore.h"
#include "artifacts/artifacttool.h"
#include "audit/auditlog.h"
#include "computer/approvaldeskgate.h"
#include "tools/toolregistry.h"
#include "ui/approvalbridge.h"
#include "ui/auditlogwindow.h"
#include "ui/chatview.h"
#include "ui/mainwindow.h"
#include "ui/repositorypanel.h"
#include "ui/themechoicemenu.h"
#include "ui/thememanager.h"
#include "ui/webenginesetup.h"

#include <QApplication>
#include <QDateTime>
#include <QIcon>
#include <QMessageBox>

namespace tandem::app {

namespace {

int showFatal(const base::Error &error)
{
    std::fprintf(stderr, "tandem: %s\n", qPrintable(error.message));
    QMessageBox::critical(nullptr, QStringLiteral("Tandem"), error.message);
    return 1;
}

void nameApplication()
{
    QApplication::setApplicationName(QStringLiteral("Tandem"));
    QApplication::setApplicationVersion(QStringLiteral(TANDEM_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("dev.tandem.Tandem"));
    QIcon icon;
    for (int size : {16, 32, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/dev.tandem.Tandem-%1.png").arg(size));
    QApplication::setWindowIcon(icon);
    // Settings in $XDG_CONFIG_HOME/tandem/Tandem.conf, for every QSettings of the window.
    QApplication::setOrganizationName(QStringLiteral("tandem"));
}

// The repository the user named, else the demo one (made on the first start).
base::Result<QString> sourceRepository(const CommandLine &line)
{
    if (!line.repo.isEmpty())
        return line.repo;
    return DemoRepository::ensure(dataDirectory());
}

agent::ReviewTaskOptions sessionOptions(const CommandLine &line, const QString &source)
{
    agent::ReviewTaskOptions options;
    options.source = source;
    options.task = QStringLiteral("session %1")
                       .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")));
    options.workspacesRoot = dataDirectory() + QStringLiteral("/workspaces");
    options.sandboxBackend = line.backend;
    if (line.codeExecution == QLatin1String("anthropic"))
        options.agent.serverCodeExecution = llm::callers::kCodeExecution20260120;
    options.commitWhenDone = false;
    return options;
}

// The loop asks the desk before a call runs; the desk asks the user through the chat's cards.
void connectApprovals(ui::MainWindow &window, agent::AgentLoop &loop,
                      approval::ApprovalDesk &approvals, bool askForEveryTool)
{
    loop.setApprovals(&approvals);
    approvals.setApprover(window.approvalBridge());
    window.chatView()->setAskForEveryTool(askForEveryTool);
    QObject::connect(window.chatView(), &ui::ChatView::askForEveryToolChanged, &window,
                     [&approvals](bool ask) { approvals.setAskForEveryTool(ask); });
}

} // namespace

int WindowApp::exec(int &argc, char **argv, const CommandLine &line)
{
    ui::disableChromiumSandboxIfRoot();
    ui::registerUrlSchemes();
    QApplication app(argc, argv);
    nameApplication();
    ui::ThemeManager theme;

    auto model = ModelSetup::create(line.model);
    if (!model)
        return showFatal(model.error());
    auto source = sourceRepository(line);
    if (!source)
        return showFatal(source.error());
    audit::AuditLog audit(dataDirectory() + QStringLiteral("/audit.jsonl"));
    if (auto opened = audit.open(); !opened)
        return showFatal(opened.error());
    agent::ReviewTaskOptions options = sessionOptions(line, *source);

    auto policy =
        approval::ApprovalPolicy::load(dataDirectory() + QStringLiteral("/approvals.json"));
    if (!policy)
        return showFatal(policy.error());
    approval::ApprovalDesk approvals(*policy, &audit);
    computer::ApprovalDeskGate gate(approvals);

    // The monitor pane exists only once the window does; steps before it are not shown. The
    // registry is kept so that a window the user picks later can bring the computer tool in.
    std::unique_ptr<ComputerSetup> computerUse;
    std::unique_ptr<ComputerUseMenu> computerMenu;
    tools::ToolRegistry *registry = nullptr;
    if (!line.computerWindow.isEmpty()) {
        auto opened = ComputerSetup::open(line.computerWindow, audit);
        if (!opened)
            return showFatal(opened.error());
        computerUse = std::move(*opened);
        computerUse->setApprovalGate(&gate);
    }
    artifacts::ArtifactStore artifactStore;
    options.addTools = [&](tools::ToolRegistry &tools) {
        registry = &tools;
        tools.add(std::make_unique<artifacts::ArtifactTool>(artifactStore));
        if (computerUse) {
            computerUse->addTo(tools, [&computerMenu](const computer::ComputerStep &step) {
                if (computerMenu)
                    computerMenu->showStep(step);
            });
        }
    };
    ProviderSwitcher provider(std::move(*model));
    agent::ReviewTask session(provider.client(), audit, options);
    if (auto prepared = session.prepare(); !prepared)
        return showFatal(prepared.error());

    ui::WindowInfo info;
    info.modelLabel = provider.current().label();
    info.demoModel = provider.current().isDemo();
    info.workspace = session.workspace();
    info.sandbox = session.sandboxSummary();
    // Made before the window and so gone after it: the window's end waits for a running
    // task, which may still be saving.
    SessionWiring sessions({{}, info.workspace, info.modelLabel});
    ui::MainWindow window(*session.loop(), info);
    provider.attach(window, session.projectInstructions());
    connectApprovals(window, *session.loop(), approvals, policy->asksForEveryTool());
    window.addRepositoryPanel(session);
    window.showArtifactsFrom(artifactStore);
    if (registry) {
        computerMenu =
            std::make_unique<ComputerUseMenu>(window, audit, computerUse, *registry, &gate);
        if (computerUse)
            computerMenu->attachMonitor();
    }
    ui::ThemeChoiceMenu::addTo(window.menus(), &theme);
    ui::AuditLogWindow::addToMenu(window.menus(), audit.path(), &window);
    sessions.attach(window, *session.loop());
    window.show();
    sessions.start(line.task);
    return app.exec();
}

} // namespace tandem::app
