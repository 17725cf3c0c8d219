#pragma once

#include "base/error.h"
#include "sandbox/hostallowlist.h"

#include <QList>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

namespace tandem::sandbox {

// What the proxy did with one request, for the audit log.
struct ProxyDecision
{
    QString method; // "CONNECT", "GET", ...; empty when the request could not be read
    QString host; // as the client named it
    int port = 0;
    bool allowed = false;
    QString reason;
};

// The only way out of a sandbox that may reach some hosts. It listens on a Unix socket that is
// bound into the sandbox, where a forwarder turns it into http://127.0.0.1:3128 for
// HTTP_PROXY and HTTPS_PROXY. It serves CONNECT tunnels and plain HTTP requests with absolute
// URLs; each target is checked against the allowlist before anything is resolved, names that
// resolve to loopback or link-local addresses are refused, and every decision is reported.
//
// It runs on its own threads (one accepts, one per connection, all poll-based), so a busy GUI
// thread does not stall the sandbox; destroying it closes every connection and joins them
// (a name lookup under way, which nothing can interrupt, is waited for).
//
//     EgressProxy::Options options;
//     options.socketPath = runtimeDir + "/proxy.sock";
//     options.allowlist = *HostAllowlist::parse(policy.allowedHosts);
//     options.onDecision = [](const ProxyDecision &d) { ... }; // called on proxy threads
//     auto proxy = EgressProxy::start(std::move(options));
class EgressProxy
{
public:
    // A numeric address ("93.184.216.34", "::1") and the port to connect to.
    struct Endpoint
    {
        QString address;
        int port = 0;
    };

    // Looks a name up; an empty list means it does not resolve. Called on proxy threads, only
    // for hosts the allowlist allows.
    using Resolver = std::function<QList<Endpoint>(const QString &host, int port)>;
    using DecisionHandler = std::function<void(const ProxyDecision &decision)>;

    struct Options
    {
        QString socketPath;
        HostAllowlist allowlist;
        Resolver resolver; // empty: systemResolver()
        DecisionHandler onDecision; // may be empty; must be thread-safe
        int socketMode = 0600;
        int maxConnections = 64;
        qsizetype maxHeaderBytes = 16 * 1024;
        std::chrono::milliseconds headerTimeout{10'000};
        std::chrono::milliseconds connectTimeout{10'000};
        // Only for tests with a stand-in server on loopback under a real-looking name: lets
        // names resolve to loopback. Link-local and unspecified addresses stay refused.
        bool allowLoopbackForNames = false;
    };

    ~EgressProxy();
    EgressProxy(const EgressProxy &) = delete;
    EgressProxy &operator=(const EgressProxy &) = delete;

    // Listens on options.socketPath (a stale socket there is replaced) and starts serving.
    static base::Result<std::unique_ptr<EgressProxy>> start(Options options);

    QString socketPath() const;
    // Client connections being served right now.
    int activeConnections() const;

    // getaddrinfo(), every address it returns.
    static QList<Endpoint> systemResolver(const QString &host, int port);

private:
    struct Worker
    {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };

    explicit EgressProxy(Options options);

    void acceptLoop();
    void acceptOne();
    void reapFinishedWorkers();

    const Options m_options;
    int m_listenFd = -1;
    int m_stopFd = -1;
    std::thread m_acceptThread;
    mutable std::mutex m_workersMutex;
    std::list<Worker> m_workers;
};

} // namespace tandem::sandbox
