#pragma once

#include "ptc/brokerrun.h"

#include "sandbox/sandboxpolicy.h"

#include <QTemporaryDir>

#include <atomic>
#include <memory>

namespace tandem::ptc {

// The tool channel of one session: a folder of Tandem's, bound read-only into the session's
// sandbox at kInside before it starts, in which each script run gets a socket and a folder of
// its own (the script and its generated tool module). A socket is a file on a bound path
// because abstract sockets do not cross network namespaces.
//
//     ToolBroker broker(registry, &audit);
//     policy.channelFolders << broker.channel();          // before the sandbox starts
//     auto run = broker.openRun(RunBudget{});
//     ... run the script with TANDEM_TOOLS_SOCKET=broker.inside(run->socketPath()) ...
//     run->close();
class ToolBroker
{
public:
    static constexpr char kInside[] = "/run/tandem/tools";

    ToolBroker(const tools::ToolRegistry &registry, audit::AuditLog *audit);

    base::Status check() const;
    sandbox::ChannelFolder channel() const;

    // A new run: its folder and listening socket. The caller closes it when the script ends.
    base::Result<std::unique_ptr<BrokerRun>> openRun(RunBudget budget);

    // The host folder of a run, and a host path as the sandbox sees it.
    QString runFolder(const BrokerRun &run) const;
    QString inside(const QString &hostPath) const;

    const tools::ToolRegistry &registry() const { return m_registry; }

private:
    const tools::ToolRegistry &m_registry;
    audit::AuditLog *m_audit;
    QTemporaryDir m_folder;
    std::atomic<int> m_nextRun{1};
};

} // namespace tandem::ptc
