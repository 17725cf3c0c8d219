#pragma once

#include "base/error.h"
#include "sandbox/sandbox.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class QTemporaryDir;

namespace tandem::sandbox {

class EgressProxy;
class HostAllowlist;

// The only way out of a sandbox whose policy allows hosts, the same for every backend: Tandem's
// egress proxy listens on a socket in a private folder, the backend binds that folder read-only
// at kInside, and a forwarder inside (tandem-sandbox-init with forwarderArguments()) serves it as
// http://127.0.0.1:3128, which environment() names for programs. Every decision of the proxy
// becomes a "network_request" event. With no hosts allowed, start() does nothing and isOn() is
// false: the sandbox has no network at all.
//
//     SandboxNetwork network(policy.allowedHosts, [this](auto &kind, auto fields) { ... });
//     if (auto started = network.start(); !started)
//         return started; // e.g. an allowed host that does not resolve
//     if (network.isOn())
//         bind network.hostFolder() at SandboxNetwork::kInside, read-only
class SandboxNetwork
{
public:
    // The host uid and gid that commands run as, when they are not Tandem's own.
    struct User
    {
        unsigned uid = 0;
        unsigned gid = 0;
    };

    static constexpr char kInside[] = "/run/tandem/net";
    static constexpr int kProxyPort = 3128;

    SandboxNetwork(QStringList allowedHosts, Sandbox::EventSink events);
    ~SandboxNetwork();
    SandboxNetwork(const SandboxNetwork &) = delete;
    SandboxNetwork &operator=(const SandboxNetwork &) = delete;

    // Checks that every allowed name resolves, then starts the proxy. With `user`, the socket
    // and its folder are handed to that user, so that it alone (and root) may connect.
    base::Status start(std::optional<User> user = std::nullopt);
    void stop();

    bool isOn() const { return m_proxy != nullptr; }
    bool allowsHosts() const { return !m_allowedHosts.isEmpty(); }
    const QStringList &allowedHosts() const { return m_allowedHosts; }

    // The folder that holds the proxy's socket, to bind at kInside; empty when off.
    QString hostFolder() const;
    // What tandem-sandbox-init needs to forward 127.0.0.1:kProxyPort; empty when off.
    QStringList forwarderArguments() const;
    // HTTP_PROXY and its spellings, for every command; empty when off.
    QStringList environment() const;

private:
    base::Status checkNamesResolve(const HostAllowlist &allowlist) const;
    base::Status handOver(const User &user) const;

    QStringList m_allowedHosts;
    Sandbox::EventSink m_events;
    std::unique_ptr<QTemporaryDir> m_folder;
    std::unique_ptr<EgressProxy> m_proxy;
};

} // namespace tandem::sandbox
