#include "windowapp.h"

#include "computersetup.h"
#include "datadirectory.h"
#include "demorepository.h"
#include "modelsetup.h"
#include "providerswitcher.h"

#include "agent/reviewtask.h"
#include "audit/auditlog.h"
#include "tools/toolregistry.h"
#include "ui/computermonitor.h"
#include "ui/mainwindow.h"
#include "ui/webenginesetup.h"

#include <QApplication>
#include <QDateTime>
#include <QMessageBox>

namespace tandem::app {

namespace {

int showFatal(const base::Error &error)
{
    std::fprintf(stderr, "tandem: %s\n", qPrintable(error.message));
    QMessageBox::critical(nullptr, QStringLiteral("Tandem"), error.message);
    return 1;
}

} // namespace

int WindowApp::exec(int &argc, char **argv, const CommandLine &line)
{
    ui::disableChromiumSandboxIfRoot();
    ui::registerUrlSchemes();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Tandem"));
    QApplication::setApplicationVersion(QStringLiteral(TANDEM_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("dev.tandem.Tandem"));

    auto model = ModelSetup::create(line.model);
    if (!model)
        return showFatal(model.error());

    QString source = line.repo;
    if (source.isEmpty()) {
        auto demo = DemoRepository::ensure(dataDirectory());
        if (!demo)
            return showFatal(demo.error());
        source = *demo;
    }

    audit::AuditLog audit(dataDirectory() + QStringLiteral("/audit.jsonl"));
    if (auto opened = audit.open(); !opened)
        return showFatal(opened.error());

    agent::ReviewTaskOptions options;
    options.source = source;
    options.task = QStringLiteral("session %1")
                       .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")));
    options.workspacesRoot = dataDirectory() + QStringLiteral("/workspaces");
    options.sandboxBackend = line.backend;
    if (line.codeExecution == QLatin1String("anthropic"))
        options.agent.serverCodeExecution = llm::callers::kCodeExecution20260120;
    options.commitWhenDone = false;

    // The monitor pane exists only once the window does; steps before it are not shown.
    std::unique_ptr<ComputerSetup> computerUse;
    std::function<void(const computer::ComputerStep &)> showStep;
    if (!line.computerWindow.isEmpty()) {
        auto opened = ComputerSetup::open(line.computerWindow, audit);
        if (!opened)
            return showFatal(opened.error());
        computerUse = std::move(*opened);
        options.addTools = [&computerUse, &showStep](tools::ToolRegistry &registry) {
            computerUse->addTo(registry, [&showStep](const computer::ComputerStep &step) {
                if (showStep)
                    showStep(step);
            });
        };
    }
    ProviderSwitcher provider(std::move(*model));
    agent::ReviewTask session(provider.client(), audit, options);
    if (auto prepared = session.prepare(); !prepared)
        return showFatal(prepared.error());

    ui::WindowInfo info;
    info.modelLabel = provider.current().label();
    info.demoModel = provider.current().isDemo();
    info.workspace = session.workspace();
    info.sandbox = session.sandboxSummary();
    ui::MainWindow window(*session.loop(), info);
    provider.attach(window, session.projectInstructions());
    if (computerUse) {
        ui::ComputerMonitor *monitor = window.addComputerMonitor();
        showStep = monitor->observer();
        // The key is seen on a thread of its own; the window stops the task on its thread.
        computerUse->watchStopKey([monitor] {
            QMetaObject::invokeMethod(monitor, &ui::ComputerMonitor::stopRequested,
                                      Qt::QueuedConnection);
        });
    }
    window.show();
    return app.exec();
}

} // namespace tandem::app
