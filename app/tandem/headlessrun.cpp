#include "headlessrun.h"

#include "computersetup.h"
#include "datadirectory.h"
#include "logfile.h"
#include "modelsetup.h"
#include "transcriptprinter.h"

#include "agent/reviewtask.h"
#include "approval/approvaldesk.h"
#include "approval/standinganswer.h"
#include "audit/auditlog.h"
#include "computer/approvaldeskgate.h"
#include "tools/toolregistry.h"

#include <QDir>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

namespace tandem::app {

namespace {

std::atomic<bool> g_interrupted{false};

void onInterrupt(int)
{
    // Only an atomic store is safe here; a watcher thread passes it on to the task.
    g_interrupted.store(true);
}

// Turns Ctrl+C into a cancel of the running task, within a poll interval.
class InterruptWatcher
{
public:
    explicit InterruptWatcher(agent::ReviewTask &task)
        : m_thread([this, &task] {
            while (!m_done.load()) {
                if (g_interrupted.exchange(false))
                    task.cancel();
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        })
    {
        std::signal(SIGINT, onInterrupt);
        std::signal(SIGTERM, onInterrupt);
    }
    ~InterruptWatcher()
    {
        m_done.store(true);
        m_thread.join();
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }

private:
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

int failWith(const base::Error &error)
{
    std::fprintf(stderr, "tandem: %s\n", qPrintable(error.message));
    return 1;
}

// The demo model only knows its own scenarios; on anything else it refuses, and the user
// should learn why rather than read its protocol error alone.
int failWithModel(const base::Error &error, const ModelSetup &model)
{
    if (!model.isDemo() || error.code != QLatin1String("model_error"))
        return failWith(error);
    return failWith(base::Error::make(
        error.code, error.message
                        + QStringLiteral(" The scripted demo model only knows the bundled demo "
                                         "repository's task; set ANTHROPIC_API_KEY to work on "
                                         "your own with Claude.")));
}

void printOutcome(const agent::ReviewOutcome &outcome)
{
    std::printf("\n== Done\n");
    if (outcome.commit.isEmpty()) {
        std::printf("No files changed; nothing to commit.\n");
        return;
    }
    if (outcome.tests)
        std::printf("Tests: %s\n", qPrintable(outcome.tests->summary()));
    std::printf("Committed %s on %s in %s\n", qPrintable(outcome.commit.left(12)),
                qPrintable(outcome.branch), qPrintable(outcome.workspace));
    if (outcome.push)
        std::printf("Pushed: %s\n", qPrintable(outcome.push->summary()));
    std::printf("\nPull request title: %s\n\n%s\n", qPrintable(outcome.pullRequest.title),
                qPrintable(outcome.pullRequest.body));
}

} // namespace

int HeadlessRun::exec(const CommandLine &line)
{
    LogFile::install(dataDirectory() + QStringLiteral("/tandem.log"));
    auto model = ModelSetup::create(line.model);
    if (!model)
        return failWith(model.error());

    audit::AuditLog audit(dataDirectory() + QStringLiteral("/audit.jsonl"));
    if (auto opened = audit.open(); !opened)
        return failWith(opened.error());

    agent::ReviewTaskOptions options;
    options.source = line.repo;
    options.task = line.task;
    options.pushRemote = line.pushRemote;
    options.sandboxBackend = line.backend;
    if (line.codeExecution == QLatin1String("anthropic"))
        options.agent.serverCodeExecution = llm::callers::kCodeExecution20260120;
    options.workspacesRoot = dataDirectory() + QStringLiteral("/workspaces");

    // Nobody is at a window to approve a call: the policy's questions get a standing answer.
    auto policy =
        approval::ApprovalPolicy::load(dataDirectory() + QStringLiteral("/approvals.json"));
    if (!policy)
        return failWith(policy.error());
    approval::ApprovalDesk approvals(*policy, &audit);
    approval::StandingAnswer standing(
        line.approveAll, QStringLiteral("this call needs the user's approval and `tandem run` has "
                                        "nobody to ask; the user can allow such calls with "
                                        "--approve-all."));
    approvals.setApprover(&standing);
    computer::ApprovalDeskGate gate(approvals);

    std::unique_ptr<ComputerSetup> computerUse;
    if (!line.computerWindow.isEmpty()) {
        auto opened = ComputerSetup::open(line.computerWindow, audit);
        if (!opened)
            return failWith(opened.error());
        computerUse = std::move(*opened);
        computerUse->setApprovalGate(&gate);
        options.addTools = [&computerUse](tools::ToolRegistry &registry) {
            computerUse->addTo(registry);
        };
    }

    agent::ReviewTask task((*model)->client(), audit, options);
    std::printf("== Model: %s%s\n", qPrintable((*model)->label()),
                (*model)->isDemo() ? " (not a real model: set ANTHROPIC_API_KEY for Claude)" : "");
    if (auto prepared = task.prepare(); !prepared)
        return failWith(prepared.error());

    task.loop()->setApprovals(&approvals);
    TranscriptPrinter printer(*task.loop(), stdout);
    QObject::connect(&task, &agent::ReviewTask::stepChanged, &printer, &TranscriptPrinter::step);
    printer.step(QStringLiteral("Workspace %1").arg(task.workspace()));
    if (computerUse) {
        printer.step(computerUse->describe());
        printer.step(computerUse->watchStopKey([&task] { task.cancel(); }));
    }

    auto outcome = [&task] {
        InterruptWatcher watcher(task);
        return task.execute();
    }();

    if (!outcome)
        return failWithModel(outcome.error(), **model);
    printOutcome(*outcome);
    return 0;
}

} // namespace tandem::app
