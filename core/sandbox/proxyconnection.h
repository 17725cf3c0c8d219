#pragma once

#include "sandbox/egressproxy.h"
#include "sandbox/proxyrequest.h"

#include <QByteArray>

namespace tandem::sandbox {

// One client connection of the EgressProxy, served start to end on the calling thread: read
// the request head (bounded in size and time), check it, resolve and connect, then relay bytes
// both ways. Every step waits in poll() on the connection's sockets and the proxy's stop
// descriptor, so stopping the proxy ends it promptly.
class ProxyConnection
{
public:
    // Takes ownership of `clientFd`; `stopFd` becomes readable when the proxy stops.
    ProxyConnection(int clientFd, int stopFd, const EgressProxy::Options &options);
    ~ProxyConnection();
    ProxyConnection(const ProxyConnection &) = delete;
    ProxyConnection &operator=(const ProxyConnection &) = delete;

    void serve();

private:
    base::Result<QByteArray> readHead();
    bool checkTarget(const ProxyRequest &request);
    QList<EgressProxy::Endpoint> resolve(const ProxyRequest &request);
    bool connectUpstream(const ProxyRequest &request, const QList<EgressProxy::Endpoint> &targets);
    bool connectTo(const EgressProxy::Endpoint &target,
                   std::chrono::steady_clock::time_point deadline, int *error);
    void relay(QByteArray toUpstream, qint64 clientBytesToForward);

    void refuse(const ProxyRequest &request, int status, const QString &reason,
                const QString &body);
    void refuseUnreadable(const base::Error &error);
    void answer(int status, const QByteArray &body);
    void report(const ProxyRequest &request, bool allowed, const QString &reason) const;

    int m_client = -1;
    int m_upstream = -1;
    int m_stopFd = -1;
    const EgressProxy::Options &m_options;
    QByteArray m_afterHead; // bytes the client sent after its head
};

} // namespace tandem::sandbox
