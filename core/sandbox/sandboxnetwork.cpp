#include "sandbox/sandboxnetwork.h"

#include "sandbox/egressproxy.h"
#include "sandbox/hostallowlist.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace tandem::sandbox {

namespace {

constexpr char kProxyUrl[] = "http://127.0.0.1:3128";
constexpr char kSocketName[] = "proxy.sock";

} // namespace

SandboxNetwork::SandboxNetwork(QStringList allowedHosts, Sandbox::EventSink events)
    : m_allowedHosts(std::move(allowedHosts))
    , m_events(std::move(events))
{}

SandboxNetwork::~SandboxNetwork()
{
    stop();
}

// Names are looked up once here, so that a policy with a host that does not resolve fails before
// anything runs; the proxy looks them up again for every request.
base::Status SandboxNetwork::checkNamesResolve(const HostAllowlist &allowlist) const
{
    for (const QString &pattern : allowlist.patterns()) {
        const QString host = pattern.section(QLatin1Char(':'), 0, 0);
        if (host.startsWith(QLatin1String("*.")) || host.startsWith(QLatin1Char('['))
            || !host.contains(QRegularExpression(QStringLiteral("[a-z]"))))
            continue; // wildcards and literal addresses have nothing to look up
        if (EgressProxy::systemResolver(host, 443).isEmpty()) {
            return base::fail("sandbox_host_unresolved",
                              QStringLiteral("The allowed host %1 does not resolve: correct "
                                             "network.allow in your sandbox.json, or check "
                                             "this machine's DNS.")
                                  .arg(host));
        }
    }
    return {};
}

base::Status SandboxNetwork::start(std::optional<User> user)
{
    if (m_allowedHosts.isEmpty() || m_proxy)
        return {};

    auto allowlist = HostAllowlist::parse(m_allowedHosts);
    if (!allowlist)
        return std::unexpected(allowlist.error());
    if (auto resolved = checkNamesResolve(*allowlist); !resolved)
        return resolved;

    m_folder =
        std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/tandem-net-XXXXXX"));
    if (!m_folder->isValid()) {
        m_folder.reset();
        return base::fail("sandbox_proxy", QStringLiteral("Cannot create a folder for the "
                                                          "sandbox's network proxy in %1.")
                                               .arg(QDir::tempPath()));
    }

    EgressProxy::Options options;
    options.socketPath = m_folder->filePath(QString::fromLatin1(kSocketName));
    options.allowlist = *allowlist;
    options.onDecision = [events = m_events](const ProxyDecision &decision) {
        if (events)
            events("network_request", {{"method", decision.method.toStdString()},
                                       {"host", decision.host.toStdString()},
                                       {"port", decision.port},
                                       {"allowed", decision.allowed},
                                       {"reason", decision.reason.toStdString()}});
    };
    auto proxy = EgressProxy::start(std::move(options));
    if (!proxy) {
        m_folder.reset();
        return std::unexpected(proxy.error());
    }
    m_proxy = std::move(*proxy);

    if (user && user->uid != ::geteuid()) {
        if (auto handed = handOver(*user); !handed) {
            stop();
            return handed;
        }
    }
    return {};
}

// The folder stays 0700 and the socket 0600: only the sandbox's user, and root, get through.
base::Status SandboxNetwork::handOver(const User &user) const
{
    for (const QString &path : {m_folder->path(), m_proxy->socketPath()}) {
        if (::chown(QFile::encodeName(path).constData(), user.uid, user.gid) != 0) {
            return base::fail("sandbox_proxy",
                              QStringLiteral("Commands run as uid %1, and Tandem (uid %2) cannot "
                                             "hand them the network proxy's socket (%3): run "
                                             "Tandem as the workspace's owner, or allow no "
                                             "hosts.")
                                  .arg(user.uid)
                                  .arg(::geteuid())
                                  .arg(QString::fromUtf8(std::strerror(errno))));
        }
    }
    return {};
}

void SandboxNetwork::stop()
{
    m_proxy.reset();
    m_folder.reset();
}

QString SandboxNetwork::hostFolder() const
{
    return m_proxy ? m_folder->path() : QString();
}

QStringList SandboxNetwork::forwarderArguments() const
{
    if (!m_proxy)
        return {};
    return {QStringLiteral("--proxy-socket"),
            QString::fromLatin1(kInside) + QLatin1Char('/') + QString::fromLatin1(kSocketName),
            QStringLiteral("--proxy-port"), QString::number(kProxyPort)};
}

QStringList SandboxNetwork::environment() const
{
    if (!m_proxy)
        return {};

    // Both spellings: curl reads only the lower-case http_proxy, other tools the upper case.
    // No NO_PROXY: nothing bypasses the proxy, and it would have nowhere to go anyway.
    QStringList environment;
    for (const char *name : {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"})
        environment << QString::fromLatin1(name) + QLatin1Char('=')
                           + QString::fromLatin1(kProxyUrl);
    return environment;
}

} // namespace tandem::sandbox
