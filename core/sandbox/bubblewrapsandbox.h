#pragma once

#include "sandbox/sandbox.h"
#include "sandbox/sandboxpolicy.h"

#include <QMutex>

#include <memory>

namespace tandem::sandbox {

class CgroupSet;
class DeniedPathGuard;
class SandboxNetwork;
class SupervisorLink;

// The default backend. start() builds one bubblewrap sandbox for the session and keeps it
// warm: every namespace unshared (no network, its own pids), the system read-only, a private
// size-capped /tmp and home, the workspace the only writable host path with .git and the
// other denied paths read-only, a clean environment, a new session, no capabilities, a
// non-root uid and a seccomp filter. When the policy allows hosts, Tandem's egress proxy is the
// only way out: the supervisor serves it inside as http://127.0.0.1:3128. Inside, a small
// supervisor starts each command with a fork, in a cgroup of its own, so a command costs about a
// millisecond and a timeout kills everything it started. stop() destroys the sandbox; so does
// Tandem's exit.
class BubblewrapSandbox : public Sandbox
{
public:
    explicit BubblewrapSandbox(SandboxPolicy policy);
    ~BubblewrapSandbox() override;

    // Whether bwrap is installed; the error says how to install it.
    static base::Status checkInstalled();

    base::Status start() override;
    base::Result<ExecResult> exec(const ExecRequest &request,
                                  const base::CancelToken &cancel) override;
    void stop() override;

    QString workspaceInside() const override { return m_policy.workspaceInside; }
    QString describe() const override;

    // Which limits this machine lets the sandbox enforce, and by what, e.g.
    // "processes: pids cgroup". For the window, the log and the docs.
    QStringList enforcement() const;

    // The bwrap command line that starts the sandbox; public so tests can inspect it.
    QStringList commandLine() const;

private:
    QStringList systemBinds() const;
    QStringList workspaceBinds() const;
    QStringList commandEnvironment() const;
    base::Status prepareCgroups();
    QStringList channelBinds() const;
    void recordStart() const;
    void recordGuardNotes(long long id, const QStringList &notes) const;

    SandboxPolicy m_policy;
    QString m_bwrap;
    QString m_init;
    QString m_etc;
    QMutex m_mutex;
    std::unique_ptr<CgroupSet> m_cgroups;
    std::unique_ptr<DeniedPathGuard> m_guard;
    std::unique_ptr<SupervisorLink> m_link;
    std::unique_ptr<SandboxNetwork> m_network;
    long long m_nextId = 1;
};

} // namespace tandem::sandbox
