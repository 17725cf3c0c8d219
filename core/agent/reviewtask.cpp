#include "agent/reviewtask.h"

#include "agent/projectinstructions.h"

#include "audit/auditlog.h"
#include "ptc/codeexecutiontool.h"
#include "ptc/toolbroker.h"
#include "reporting/kpitool.h"
#include "reporting/reporttool.h"
#include "sandbox/policyresolver.h"
#include "sandbox/sandboxfactory.h"
#include "tools/bashtool.h"
#include "tools/texteditortool.h"
#include "tools/usertoolsfile.h"
#include "vcs/reviewworkspace.h"

#include <QLoggingCategory>
#include <QUuid>

namespace tandem::agent {

Q_DECLARE_LOGGING_CATEGORY(lcAgent)

using nlohmann::json;

namespace {

constexpr auto kTestTimeout = std::chrono::minutes(10);
constexpr int kTestTailChars = 2000;

json pushToJson(const vcs::PushReport &report)
{
    json refs = json::array();
    for (const auto &ref : report.refs) {
        refs.push_back({{"ref", ref.ref.toStdString()},
                        {"accepted", ref.accepted},
                        {"message", ref.message.toStdString()}});
    }
    return {{"remote", report.remoteName.toStdString()},
            {"url", report.remoteUrl.toStdString()},
            {"refs", refs}};
}

} // namespace

std::string repositorySystemPrompt(const QString &workspaceInside)
{
    return "You are Tandem, a careful software engineer working on a copy of the user's "
           "repository. The repository is at "
           + workspaceInside.toStdString()
           + " (the working directory of every command; relative paths start there). Commands "
             "run in a sandbox with no network, where only the repository is writable and .git is "
             "read-only: do not commit or push, Tandem does that after you finish. Work like a "
             "good engineer: look at the code, run the tests to see the failure, make the "
             "smallest change that fixes the cause, run the tests again, then say in a few "
             "sentences what was wrong and what you changed.";
}

QString TestRun::summary() const
{
    return QStringLiteral("`%1`: %2 (exit %3)")
        .arg(command, passed ? QStringLiteral("passed") : QStringLiteral("failed"))
        .arg(exitCode);
}

ReviewTask::ReviewTask(llm::ModelClient &model, audit::AuditLog &audit, ReviewTaskOptions options,
                       QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_audit(audit)
    , m_options(std::move(options))
    , m_session(QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString())
{}

ReviewTask::~ReviewTask()
{
    if (m_sandbox)
        m_sandbox->stop();
}

QString ReviewTask::workspace() const
{
    return m_workspace ? m_workspace->path() : QString();
}

void ReviewTask::cancel()
{
    m_cancel.cancel();
    if (m_loop)
        m_loop->cancel();
}

base::Status ReviewTask::prepare()
{
    // Fail before anything is created when the sandbox cannot run at all.
    if (auto available = sandbox::SandboxFactory::checkAvailable(m_options.sandboxBackend);
        !available)
        return available;
    // The user's own host tools: a mistake in their file stops the run before it starts.
    auto userTools = tools::UserToolsFile::read(tools::UserToolsFile::userFilePath());
    if (!userTools)
        return std::unexpected(userTools.error());

    emit stepChanged(QStringLiteral("Preparing a workspace from %1").arg(m_options.source));
    auto workspace =
        vcs::ReviewWorkspace::prepare(m_options.source, m_options.task, m_options.workspacesRoot);
    if (!workspace)
        return std::unexpected(workspace.error());
    m_workspace = std::move(*workspace);

    if (auto ready = checkWorkspace(); !ready) {
        abandonWorkspace();
        return ready;
    }
    m_tools->add(std::make_unique<tools::BashTool>(*m_sandbox, tools::BashTool::Limits{}));
    m_tools->add(std::make_unique<tools::TextEditorTool>(
        tools::WorkspacePaths(m_workspace->path(), m_sandbox->workspaceInside())));
    m_tools->add(std::make_unique<ptc::CodeExecutionTool>(*m_sandbox, *m_broker,
                                                          ptc::CodeExecutionTool::Limits{}));
    for (tools::CommandTool::Definition &definition : *userTools)
        m_tools->add(std::make_unique<tools::CommandTool>(std::move(definition)));
    // Host tools for scripts only.
    m_tools->add(std::make_unique<reporting::KpiTool>());
    m_tools->add(
        std::make_unique<reporting::ReportTool>(m_workspace->path(), m_sandbox->workspaceInside()));
    if (m_options.addTools)
        m_options.addTools(*m_tools);

    AgentConfig config = m_options.agent;
    if (config.systemPrompt.empty())
        config.systemPrompt = repositorySystemPrompt(m_sandbox->workspaceInside());
    m_instructions = std::make_unique<ProjectInstructions>(m_workspace->path());
    config.projectContext = [instructions = m_instructions.get()] {
        return instructions->promptSection();
    };
    m_loop = std::make_unique<AgentLoop>(m_model, *m_tools, &m_audit, config);
    return {};
}

// What must hold before the model is asked anything: each check costs nothing now and would
// waste the model's whole run if it failed at the end.
base::Status ReviewTask::checkWorkspace()
{
    if (m_options.commitWhenDone) {
        if (auto identity = m_workspace->checkCommitIdentity(); !identity)
            return identity;
    }
    if (!m_options.pushRemote.isEmpty()) {
        if (auto remote = m_workspace->checkRemote(m_options.pushRemote); !remote)
            return remote;
    }
    m_audit.record("workspace", {{"source", m_options.source.toStdString()},
                                 {"path", m_workspace->path().toStdString()},
                                 {"branch", m_workspace->branchName().toStdString()},
                                 {"base", m_workspace->baseCommit().toStdString()}});

    // The gate is the repository's own test command, read before the model can edit it.
    m_testCommand = TestCommand::find(m_workspace->path());

    sandbox::SandboxPolicy base;
    base.workspace = m_workspace->path();
    auto resolved = sandbox::PolicyResolver::resolve(base, m_workspace->path());
    if (!resolved)
        return std::unexpected(resolved.error());
    recordPolicy(*resolved);
    m_sandboxSummary = QStringLiteral("%1 · %2").arg(m_options.sandboxBackend.isEmpty()
                                                         ? QStringLiteral("bubblewrap")
                                                         : m_options.sandboxBackend,
                                                     resolved->policy.summary());

    // The tools exist before the sandbox, whose policy binds their channel for scripts.
    m_tools = std::make_unique<tools::ToolRegistry>();
    m_broker = std::make_unique<ptc::ToolBroker>(*m_tools, &m_audit);
    if (auto channel = m_broker->check(); !channel)
        return channel;
    resolved->policy.channelFolders << m_broker->channel();

    auto created = sandbox::SandboxFactory::create(m_options.sandboxBackend, resolved->policy);
    if (!created)
        return std::unexpected(created.error());
    m_sandbox = std::move(*created);
    m_sandbox->setEventSink([this](const std::string &kind, nlohmann::json fields) {
        fields["session"] = m_session;
        m_audit.record(kind, std::move(fields));
    });
    return m_sandbox->start();
}

// What the sandbox may do, and every request in the policy files that was narrowed, so the
// log shows why a command had no network or hit a limit.
void ReviewTask::recordPolicy(const sandbox::ResolvedPolicy &resolved)
{
    const sandbox::SandboxPolicy &policy = resolved.policy;
    nlohmann::json hosts = nlohmann::json::array();
    for (const QString &host : policy.allowedHosts)
        hosts.push_back(host.toStdString());
    nlohmann::json notes = nlohmann::json::array();
    for (const QString &note : resolved.notes) {
        notes.push_back(note.toStdString());
        qCInfo(lcAgent, "sandbox policy: %s", qPrintable(note));
    }
    m_audit.record("sandbox_policy", {{"session", m_session},
                                      {"allowed_hosts", hosts},
                                      {"notes", notes},
                                      {"memory_bytes", policy.limits.memoryBytes},
                                      {"processes", policy.limits.processes},
                                      {"cpu_seconds", policy.limits.cpuTime.count()},
                                      {"disk_bytes", policy.limits.diskBytes}});
}

// A run that ends before any change leaves nothing behind: no folder, no tandem/* branch.
void ReviewTask::abandonWorkspace()
{
    if (!m_workspace || m_workspace->hasChanges())
        return;
    m_audit.record("workspace_discarded", {{"path", m_workspace->path().toStdString()}});
    // Everything that works on the workspace goes with it; the task cannot run again.
    m_loop.reset();
    m_tools.reset();
    m_broker.reset();
    m_sandbox.reset();
    m_workspace->discard();
    m_workspace.reset();
}

base::Result<ReviewOutcome> ReviewTask::execute()
{
    if (!m_loop)
        return base::fail("not_prepared", QStringLiteral("The task was not prepared."));

    ReviewOutcome outcome;
    outcome.workspace = m_workspace->path();
    outcome.branch = m_workspace->branchName();

    emit stepChanged(QStringLiteral("Working on: %1").arg(m_options.task));
    auto agent = m_loop->run(m_options.task);
    if (!agent) {
        abandonWorkspace();
        return std::unexpected(agent.error());
    }
    outcome.agent = *agent;

    const QString kept = QStringLiteral("the workspace is kept at %1").arg(outcome.workspace);
    if (agent->stop == AgentOutcome::Stop::Cancelled)
        return base::fail("cancelled", QStringLiteral("Stopped by the user; %1.").arg(kept));
    if (agent->stop == AgentOutcome::Stop::TurnBudget) {
        return base::fail("turn_budget",
                          QStringLiteral("The model did not finish within %1 turns; %2.")
                              .arg(m_options.agent.maxTurns)
                              .arg(kept));
    }
    if (!m_workspace->hasChanges()) {
        abandonWorkspace();
        return outcome;
    }

    emit stepChanged(QStringLiteral("Running the repository's tests"));
    auto tests = runTests();
    if (!tests)
        return std::unexpected(tests.error());
    if (m_cancel.isCancelled()) {
        return base::fail("cancelled",
                          QStringLiteral("Stopped by the user while the tests ran; nothing was "
                                         "committed, %1.")
                              .arg(kept));
    }
    if (!tests->command.isEmpty()) {
        outcome.tests = *tests;
        if (!tests->passed) {
            return base::fail("tests_failed",
                              QStringLiteral("The tests fail on the review branch (%1); nothing "
                                             "was committed or pushed, %2.")
                                  .arg(tests->summary(), kept));
        }
    }

    if (auto pushed = commitAndPush(outcome); !pushed)
        return std::unexpected(pushed.error());
    return outcome;
}

base::Result<TestRun> ReviewTask::runTests()
{
    if (!m_testCommand)
        return TestRun{};
    return runTests(*m_testCommand, m_cancel);
}

base::Result<TestRun> ReviewTask::runTests(const TestCommand &command,
                                           const base::CancelToken &cancel)
{
    if (!m_sandbox)
        return base::fail("not_prepared", QStringLiteral("The task was not prepared."));

    TestRun run;
    run.command = command.argv.join(QLatin1Char(' '));
    sandbox::ExecRequest request;
    request.argv = command.argv;
    request.timeout = kTestTimeout;
    auto result = m_sandbox->exec(request, cancel);
    if (!result)
        return std::unexpected(result.error());

    run.exitCode = result->exitCode;
    run.passed = result->exitCode == 0 && !result->timedOut && !result->cancelled;
    run.tail = QString::fromUtf8(result->stdoutData + result->stderrData).right(kTestTailChars);
    m_audit.record("test_run", {{"command", run.command.toStdString()},
                                {"origin", command.origin.toStdString()},
                                {"exit_code", run.exitCode},
                                {"timed_out", result->timedOut},
                                {"passed", run.passed}});
    return run;
}

base::Status ReviewTask::commitAndPush(ReviewOutcome &outcome)
{
    const QString testSummary =
        outcome.tests ? outcome.tests->summary() : QStringLiteral("No test command was found.");
    outcome.pullRequest = vcs::makePullRequest(m_options.task, m_workspace->diffStat(), testSummary,
                                               outcome.agent.finalText, m_workspace->branchName());

    emit stepChanged(QStringLiteral("Committing on %1").arg(outcome.branch));
    auto commit = m_workspace->commitAll(outcome.pullRequest.title + QStringLiteral("\n\n")
                                         + outcome.agent.finalText.trimmed());
    if (!commit)
        return std::unexpected(commit.error());
    outcome.commit = commit->sha;
    m_audit.record("git_commit", {{"branch", outcome.branch.toStdString()},
                                  {"sha", commit->sha.toStdString()},
                                  {"files", commit->filesChanged}});

    if (m_options.pushRemote.isEmpty())
        return {};

    emit stepChanged(QStringLiteral("Pushing %1 to %2").arg(outcome.branch, m_options.pushRemote));
    auto push = m_workspace->push(m_options.pushRemote, vcs::Credentials::fromEnvironment());
    m_audit.record("git_push", {{"remote", m_options.pushRemote.toStdString()},
                                {"ok", push.has_value()},
                                {"result", push ? pushToJson(*push) : json::object()},
                                {"error", push ? "" : push.error().message.toStdString()}});
    if (!push) {
        // Nothing is lost: say where the work is, so it can be pushed once the remote allows.
        const QString prefix = push.error().code == QLatin1String("push_rejected")
                                   ? QStringLiteral("Push rejected: ")
                                   : QStringLiteral("Push failed: ");
        return base::fail(push.error().code, prefix + push.error().message
                                                 + QStringLiteral(". The commit stays on %1 in %2.")
                                                       .arg(outcome.branch, outcome.workspace));
    }
    outcome.push = *push;
    return {};
}

} // namespace tandem::agent
