#pragma once

#include "sandbox/sandbox.h"
#include "sandbox/sandboxpolicy.h"

namespace tandem::sandbox {

// The default backend: each command runs under bubblewrap with every namespace unshared (no
// network, its own pids), the system read-only, a private /tmp and home, the workspace the
// only writable host path (its .git read-only), a clean environment, a new session, no
// capabilities, and a non-root uid. It dies with Tandem.
class BubblewrapSandbox : public Sandbox
{
public:
    explicit BubblewrapSandbox(SandboxPolicy policy);

    // Whether bwrap is installed; the error says how to install it.
    static base::Status checkInstalled();

    base::Status start() override;
    base::Result<ExecResult> exec(const ExecRequest &request,
                                  const base::CancelToken &cancel) override;
    void stop() override;

    QString workspaceInside() const override { return m_policy.workspaceInside; }
    QString describe() const override;

    // The full bwrap command line for a command; public so tests can inspect it.
    QStringList commandLine(const ExecRequest &request) const;

private:
    QStringList systemBinds() const;
    QStringList workspaceBinds() const;
    QStringList environment() const;

    SandboxPolicy m_policy;
    QString m_bwrap;
    bool m_started = false;
};

} // namespace tandem::sandbox
