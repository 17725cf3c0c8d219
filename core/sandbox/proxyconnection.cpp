#include "sandbox/proxyconnection.h"

#include <QLoggingCategory>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

using Clock = std::chrono::steady_clock;

constexpr qsizetype kChunk = 64 * 1024;
constexpr qsizetype kBufferLimit = 256 * 1024;
constexpr std::chrono::seconds kAnswerTimeout{2};

// A numeric address, or none if `text` is a name.
struct Address
{
    int family = AF_UNSPEC;
    sockaddr_storage storage{};
    socklen_t length = 0;
};

Address numericAddress(const QString &text, int port)
{
    Address address;
    const QByteArray latin = text.toLatin1();
    auto *v4 = reinterpret_cast<sockaddr_in *>(&address.storage);
    auto *v6 = reinterpret_cast<sockaddr_in6 *>(&address.storage);
    if (inet_pton(AF_INET, latin.constData(), &v4->sin_addr) == 1) {
        v4->sin_family = address.family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(port));
        address.length = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, latin.constData(), &v6->sin6_addr) == 1) {
        v6->sin6_family = address.family = AF_INET6;
        v6->sin6_port = htons(static_cast<uint16_t>(port));
        address.length = sizeof(sockaddr_in6);
    }
    return address;
}

// The host as an address to connect to: brackets and one trailing dot gone.
QString bareHost(QString host)
{
    if (host.startsWith(u'['))
        return host.mid(1, host.size() - 2);
    if (host.endsWith(u'.'))
        host.chop(1);
    return host.toLower();
}

enum class Reach { Public, Loopback, Internal };

Reach reachOfIPv4(uint32_t address)
{
    const uint32_t first = address >> 24;
    if (first == 127)
        return Reach::Loopback;
    // 0.0.0.0/8 reaches the host itself, 169.254/16 the cloud metadata service.
    if (first == 0 || (address >> 16) == 0xa9fe || first >= 224)
        return Reach::Internal;
    return Reach::Public;
}

Reach reachOf(const QString &text)
{
    const Address address = numericAddress(text, 0);
    if (address.family == AF_INET) {
        const auto *v4 = reinterpret_cast<const sockaddr_in *>(&address.storage);
        return reachOfIPv4(ntohl(v4->sin_addr.s_addr));
    }
    if (address.family != AF_INET6)
        return Reach::Internal;

    const in6_addr &v6 = reinterpret_cast<const sockaddr_in6 *>(&address.storage)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&v6))
        return Reach::Loopback;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
        uint32_t embedded = 0;
        std::memcpy(&embedded, v6.s6_addr + 12, sizeof embedded);
        return reachOfIPv4(ntohl(embedded));
    }
    if (IN6_IS_ADDR_UNSPECIFIED(&v6) || IN6_IS_ADDR_LINKLOCAL(&v6) || IN6_IS_ADDR_MULTICAST(&v6))
        return Reach::Internal;
    return Reach::Public;
}

int pollOne(int fd, short events, int stopFd, Clock::time_point deadline)
{
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0)
        return 0;
    pollfd fds[2] = {{fd, events, 0}, {stopFd, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR)
        return pollOne(fd, events, stopFd, deadline);
    if (ready > 0 && fds[1].revents != 0)
        return -1;
    return ready;
}

// Sends what the socket takes in one go; false when the peer is gone.
bool sendSome(int fd, QByteArray &data)
{
    const ssize_t sent = ::send(fd, data.constData(), size_t(data.size()), MSG_NOSIGNAL);
    if (sent < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    data.remove(0, sent);
    return true;
}

// One direction of a relay: bytes read from `from` wait in `pending` until `to` takes them.
// `allowance` caps how many are passed on at all (-1: no cap); the rest is read and dropped.
struct Flow
{
    int from = -1;
    int to = -1;
    QByteArray pending;
    qint64 allowance = -1;
    bool ended = false; // `from` sent its last byte
    bool shut = false; // and `to` has been told

    short readEvents() const { return !ended && pending.size() < kBufferLimit ? POLLIN : 0; }
    short writeEvents() const { return pending.isEmpty() ? 0 : POLLOUT; }

    bool read(short revents)
    {
        if (!(revents & (POLLIN | POLLHUP | POLLERR)) || !readEvents())
            return true;
        char chunk[kChunk];
        const ssize_t got = ::recv(from, chunk, sizeof chunk, 0);
        if (got < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        ended = got == 0;
        qint64 take = got;
        if (allowance >= 0) {
            take = std::min(take, allowance);
            allowance -= take;
        }
        pending.append(chunk, take);
        return true;
    }

    bool write(short revents)
    {
        if (!(revents & (POLLOUT | POLLHUP | POLLERR)) || pending.isEmpty())
            return true;
        return sendSome(to, pending);
    }

    // An end of stream travels on once everything before it has.
    void passOnEnd()
    {
        if (ended && pending.isEmpty() && !shut) {
            ::shutdown(to, SHUT_WR);
            shut = true;
        }
    }
};

QByteArray statusText(int status)
{
    switch (status) {
    case 200:
        return "Connection established";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 431:
        return "Request Header Fields Too Large";
    case 502:
        return "Bad Gateway";
    default:
        return "Service Unavailable";
    }
}

QString target(const ProxyRequest &request)
{
    return request.host + u':' + QString::number(request.port);
}

// What to add to network.allow for this host: the bare host when the port is a default one.
QString allowEntry(const ProxyRequest &request)
{
    if (request.port == 80 || request.port == 443)
        return request.host;
    return target(request);
}

} // namespace

ProxyConnection::ProxyConnection(int clientFd, int stopFd, const EgressProxy::Options &options)
    : m_client(clientFd)
    , m_stopFd(stopFd)
    , m_options(options)
{}

ProxyConnection::~ProxyConnection()
{
    if (m_upstream >= 0)
        ::close(m_upstream);
    ::close(m_client);
}

void ProxyConnection::serve()
{
    const auto head = readHead();
    if (!head) {
        refuseUnreadable(head.error());
        return;
    }

    const auto request = ProxyRequest::parse(*head);
    if (!request) {
        refuseUnreadable(request.error());
        return;
    }

    if (!checkTarget(*request))
        return;
    const QList<EgressProxy::Endpoint> targets = resolve(*request);
    if (targets.isEmpty() || !connectUpstream(*request, targets))
        return;
    report(*request, true, QStringLiteral("allowed"));

    if (request->tunnel) {
        answer(200, {});
        relay(m_afterHead, -1);
        return;
    }
    const QByteArray body = m_afterHead.left(request->bodyLength);
    relay(request->upstreamHead + body, request->bodyLength - body.size());
}

base::Result<QByteArray> ProxyConnection::readHead()
{
    const auto deadline = Clock::now() + m_options.headerTimeout;
    QByteArray buffer;
    while (true) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end >= 0 && end + 4 <= m_options.maxHeaderBytes) {
            m_afterHead = buffer.mid(end + 4);
            return buffer.left(end + 4);
        }
        if (buffer.size() >= m_options.maxHeaderBytes)
            return base::fail(QStringLiteral("proxy_too_large"),
                              QStringLiteral("the request head is too large"));

        const int ready = pollOne(m_client, POLLIN, m_stopFd, deadline);
        if (ready < 0)
            return base::fail(QStringLiteral("proxy_stopped"), QStringLiteral("proxy stopped"));
        if (ready == 0)
            return base::fail(QStringLiteral("proxy_timeout"),
                              QStringLiteral("the request head did not arrive in time"));

        char chunk[4096];
        const ssize_t got = ::recv(m_client, chunk, sizeof chunk, 0);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
            return base::fail(QStringLiteral("proxy_closed"), QStringLiteral("client left"));
        if (got > 0)
            buffer.append(chunk, got);
    }
}

bool ProxyConnection::checkTarget(const ProxyRequest &request)
{
    if (m_options.allowlist.allows(request.host, request.port))
        return true;

    const QString body = QStringLiteral("Tandem's sandbox refused %1: it is not an allowed host. "
                                        "To allow it, add \"%2\" to network.allow in your "
                                        "sandbox.json.\n")
                             .arg(target(request), allowEntry(request));
    refuse(request, 403, QStringLiteral("not in the allowed hosts"), body);
    return false;
}

QList<EgressProxy::Endpoint> ProxyConnection::resolve(const ProxyRequest &request)
{
    const QString host = bareHost(request.host);
    // A listed address is taken as it is: the allowlist named exactly this one.
    if (numericAddress(host, request.port).family != AF_UNSPEC)
        return {{host, request.port}};

    const QList<EgressProxy::Endpoint> found = m_options.resolver(host, request.port);
    QList<EgressProxy::Endpoint> usable;
    for (const EgressProxy::Endpoint &endpoint : found) {
        const Reach reach = reachOf(endpoint.address);
        if (reach == Reach::Public || (reach == Reach::Loopback && m_options.allowLoopbackForNames))
            usable.append(endpoint);
    }

    if (found.isEmpty()) {
        refuse(request, 502, QStringLiteral("does not resolve"),
               QStringLiteral("Tandem's proxy could not resolve %1.\n").arg(request.host));
    } else if (usable.isEmpty()) {
        const QString why = QStringLiteral("resolves to a loopback, link-local or unspecified "
                                           "address (%1)")
                                .arg(found.first().address);
        refuse(request, 403, why,
               QStringLiteral("Tandem's sandbox refused %1: it %2.\n").arg(target(request), why));
    }
    return usable;
}

bool ProxyConnection::connectUpstream(const ProxyRequest &request,
                                      const QList<EgressProxy::Endpoint> &targets)
{
    const auto deadline = Clock::now() + m_options.connectTimeout;
    int error = ETIMEDOUT;
    for (const EgressProxy::Endpoint &endpoint : targets) {
        if (connectTo(endpoint, deadline, &error))
            return true;
    }

    const QString why = QStringLiteral("could not connect: %1").arg(qt_error_string(error));
    refuse(request, 502, why,
           QStringLiteral("Tandem's proxy could not connect to %1: %2.\n")
               .arg(target(request), qt_error_string(error)));
    return false;
}

bool ProxyConnection::connectTo(const EgressProxy::Endpoint &endpoint,
                                std::chrono::steady_clock::time_point deadline, int *error)
{
    const Address address = numericAddress(endpoint.address, endpoint.port);
    if (address.family == AF_UNSPEC) {
        *error = EINVAL;
        return false;
    }

    const int fd = ::socket(address.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = errno;
        return false;
    }
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address.storage), address.length) == 0) {
        m_upstream = fd;
        return true;
    }

    *error = errno;
    if (*error == EINPROGRESS) {
        const int ready = pollOne(fd, POLLOUT, m_stopFd, deadline);
        socklen_t length = sizeof *error;
        *error = ETIMEDOUT;
        if (ready > 0)
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, error, &length);
        if (ready > 0 && *error == 0) {
            m_upstream = fd;
            return true;
        }
    }
    ::close(fd);
    return false;
}

// Moves bytes both ways until both sides are done. For a plain request only its body goes
// upstream (`clientBytesToForward`, -1 for a tunnel): whatever the client sends after it, a
// second request for another host among it, is dropped unread by anyone.
void ProxyConnection::relay(QByteArray toUpstream, qint64 clientBytesToForward)
{
    const bool tunnel = clientBytesToForward < 0;
    Flow up{m_client, m_upstream, std::move(toUpstream), clientBytesToForward};
    Flow down{m_upstream, m_client, {}, -1};

    while (true) {
        up.passOnEnd();
        down.passOnEnd();
        // A plain response is complete when the server closes: no need to wait for the client.
        if ((down.shut && !tunnel) || (up.shut && down.shut))
            return;

        const short clientEvents = up.readEvents() | down.writeEvents();
        const short upstreamEvents = down.readEvents() | up.writeEvents();
        // A socket we want nothing from is left out, or its hang-up would wake us forever.
        pollfd fds[3] = {{clientEvents ? m_client : -1, clientEvents, 0},
                         {upstreamEvents ? m_upstream : -1, upstreamEvents, 0},
                         {m_stopFd, POLLIN, 0}};
        if (::poll(fds, 3, -1) < 0 && errno != EINTR)
            return;
        if (fds[2].revents != 0)
            return;

        const bool ok = up.read(fds[0].revents) && down.read(fds[1].revents)
                        && down.write(fds[0].revents) && up.write(fds[1].revents);
        if (!ok)
            return;
    }
}

void ProxyConnection::refuse(const ProxyRequest &request, int status, const QString &reason,
                             const QString &body)
{
    report(request, false, reason);
    answer(status, body.toUtf8());
}

void ProxyConnection::refuseUnreadable(const base::Error &error)
{
    int status = 400;
    if (error.code == u"proxy_closed" || error.code == u"proxy_stopped")
        return;
    if (error.code == u"proxy_timeout")
        status = 408;
    else if (error.code == u"proxy_too_large")
        status = 431;
    else if (error.code == u"proxy_length_required")
        status = 411;

    report(ProxyRequest(), false, QStringLiteral("unreadable request: %1").arg(error.message));
    answer(status, QStringLiteral("Tandem's proxy could not use this request: %1.\n")
                       .arg(error.message)
                       .toUtf8());
}

void ProxyConnection::answer(int status, const QByteArray &body)
{
    QByteArray response =
        "HTTP/1.1 " + QByteArray::number(status) + ' ' + statusText(status) + "\r\n";
    if (status != 200) {
        response += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: "
                    + QByteArray::number(body.size()) + "\r\nConnection: close\r\n";
    }
    response += "\r\n" + body;

    const auto deadline = Clock::now() + kAnswerTimeout;
    while (!response.isEmpty() && pollOne(m_client, POLLOUT, m_stopFd, deadline) > 0) {
        if (!sendSome(m_client, response))
            return;
    }
}

void ProxyConnection::report(const ProxyRequest &request, bool allowed, const QString &reason) const
{
    const ProxyDecision decision{request.method, request.host, request.port, allowed, reason};
    qCInfo(lcSandbox, "proxy %s %s %s:%d: %s", allowed ? "allowed" : "refused",
           qPrintable(decision.method.isEmpty() ? QStringLiteral("-") : decision.method),
           qPrintable(decision.host), decision.port, qPrintable(reason));
    if (m_options.onDecision)
        m_options.onDecision(decision);
}

} // namespace tandem::sandbox
