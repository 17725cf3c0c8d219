#pragma once

#include "agent/agentloop.h"
#include "agent/testcommand.h"

#include "vcs/pullrequest.h"
#include "vcs/pushreport.h"

#include "base/error.h"

#include <QObject>

#include <functional>
#include <memory>

namespace tandem::ptc {
class ToolBroker;
}

namespace tandem::audit {
class AuditLog;
}
namespace tandem::sandbox {
class Sandbox;
struct ResolvedPolicy;
} // namespace tandem::sandbox
namespace tandem::vcs {
class ReviewWorkspace;
}

namespace tandem::agent {

class ProjectInstructions;

struct ReviewTaskOptions
{
    QString source; // a local checkout or a clone URL
    QString task;
    QString pushRemote; // empty: commit only
    bool commitWhenDone = true; // false: a chat on the workspace, committed by hand
    QString workspacesRoot;
    QString sandboxBackend; // empty: bubblewrap; see sandbox::SandboxFactory
    AgentConfig agent;
    // Adds tools beyond the built-in ones (the computer tool), after them; they must outlive
    // the task.
    std::function<void(tools::ToolRegistry &)> addTools;
};

struct TestRun
{
    QString command;
    bool passed = false;
    int exitCode = -1;
    QString tail; // the end of its output

    QString summary() const;
};

struct ReviewOutcome
{
    QString workspace;
    QString branch;
    QString commit; // empty when the agent changed nothing
    std::optional<TestRun> tests;
    std::optional<vcs::PushReport> push;
    vcs::PullRequest pullRequest;
    AgentOutcome agent;
};

// The "fix this bug" flow, from a task to a pushed review branch: a workspace of Tandem's own
// on `tandem/<slug>`, the agent at work in a sandbox over it, the repository's tests run in the
// sandbox as a gate, a commit with the user's identity, a push with host-held credentials,
// and a pull-request text. Every step is audited.
//
//     ReviewTask task(model, audit, options);
//     task.prepare();                     // then connect to task.loop()'s signals
//     auto outcome = task.execute();
class ReviewTask : public QObject
{
    Q_OBJECT

public:
    ReviewTask(llm::ModelClient &model, audit::AuditLog &audit, ReviewTaskOptions options,
               QObject *parent = nullptr);
    ~ReviewTask() override;

    base::Status prepare();
    base::Result<ReviewOutcome> execute();
    void cancel();

    AgentLoop *loop() const { return m_loop.get(); }
    QString workspace() const;
    const ReviewTaskOptions &options() const { return m_options; }
    audit::AuditLog &auditLog() const { return m_audit; }

    // For a window that shows the workspace and commits and pushes by hand; null before
    // prepare(). Not to be used while the loop runs on another thread, except to read files.
    vcs::ReviewWorkspace *reviewWorkspace() const { return m_workspace.get(); }
    // The repository's test command as it was before the model could change the files.
    std::optional<TestCommand> testCommand() const { return m_testCommand; }
    // Runs `command` in the session's sandbox and audits the result; `cancel` stops it.
    base::Result<TestRun> runTests(const TestCommand &command, const base::CancelToken &cancel);
    // Which sandbox the session's commands run in and under what rules, for the window.
    QString sandboxSummary() const { return m_sandboxSummary; }
    // The workspace's CLAUDE.md and AGENTS.md, once prepared.
    ProjectInstructions *projectInstructions() const { return m_instructions.get(); }

signals:
    void stepChanged(const QString &description);

private:
    base::Status checkWorkspace();
    void abandonWorkspace();
    void recordPolicy(const sandbox::ResolvedPolicy &resolved);
    base::Result<TestRun> runTests();
    base::Status commitAndPush(ReviewOutcome &outcome);

    llm::ModelClient &m_model;
    audit::AuditLog &m_audit;
    ReviewTaskOptions m_options;
    std::string m_session; // ties the audit lines of one sandbox together
    QString m_sandboxSummary;
    std::unique_ptr<vcs::ReviewWorkspace> m_workspace;
    std::unique_ptr<sandbox::Sandbox> m_sandbox;
    std::unique_ptr<tools::ToolRegistry> m_tools;
    std::unique_ptr<ptc::ToolBroker> m_broker; // scripts' channel to m_tools
    std::unique_ptr<ProjectInstructions> m_instructions;
    std::unique_ptr<AgentLoop> m_loop;
    std::optional<TestCommand> m_testCommand; // fixed before the model can touch the files
    base::CancelToken m_cancel;
};

// The system prompt for work on a repository in Tandem's sandbox.
std::string repositorySystemPrompt(const QString &workspaceInside);

} // namespace tandem::agent
