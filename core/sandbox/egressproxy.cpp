#include "sandbox/egressproxy.h"

#include "sandbox/proxyconnection.h"

#include <QFile>
#include <QLoggingCategory>

#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

// How often the accepting thread looks for finished connections when nothing else happens.
constexpr int kReapIntervalMs = 500;

const QByteArray kBusyResponse = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                 "Connection: close\r\n\r\n";

base::Result<int> listenOn(const QString &path, int mode)
{
    const QByteArray native = QFile::encodeName(path);
    sockaddr_un address{};
    if (native.isEmpty() || size_t(native.size()) >= sizeof address.sun_path) {
        return base::fail("proxy_socket_path",
                          QStringLiteral("The proxy socket path %1 is empty or longer than %2 "
                                         "bytes: use a shorter runtime directory.")
                              .arg(path)
                              .arg(sizeof address.sun_path - 1));
    }

    struct stat existing
    {};
    if (::lstat(native.constData(), &existing) == 0) {
        if (!S_ISSOCK(existing.st_mode)) {
            return base::fail("proxy_socket_path",
                              QStringLiteral("%1 exists and is not a socket: remove it or choose "
                                             "another path for the proxy.")
                                  .arg(path));
        }
        ::unlink(native.constData()); // left over from a run that did not stop cleanly
    }

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, native.constData(), size_t(native.size()));
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::chmod(native.constData(), mode_t(mode)) != 0 || ::listen(fd, 128) != 0) {
        const int error = errno;
        if (fd >= 0)
            ::close(fd);
        return base::fail("proxy_listen", QStringLiteral("The proxy cannot listen on %1 (%2).")
                                              .arg(path, qt_error_string(error)));
    }
    return fd;
}

} // namespace

EgressProxy::EgressProxy(Options options)
    : m_options(std::move(options))
{}

EgressProxy::~EgressProxy()
{
    const uint64_t one = 1;
    if (::write(m_stopFd, &one, sizeof one) != sizeof one)
        qCWarning(lcSandbox, "could not signal the proxy to stop: %s", strerror(errno));
    if (m_acceptThread.joinable())
        m_acceptThread.join();

    ::close(m_listenFd);
    ::close(m_stopFd);
    ::unlink(QFile::encodeName(m_options.socketPath).constData());
    qCInfo(lcSandbox, "proxy on %s stopped", qPrintable(m_options.socketPath));
}

base::Result<std::unique_ptr<EgressProxy>> EgressProxy::start(Options options)
{
    if (!options.resolver)
        options.resolver = &EgressProxy::systemResolver;

    const auto listener = listenOn(options.socketPath, options.socketMode);
    if (!listener)
        return std::unexpected(listener.error());

    std::unique_ptr<EgressProxy> proxy(new EgressProxy(std::move(options)));
    proxy->m_listenFd = *listener;
    proxy->m_stopFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (proxy->m_stopFd < 0) {
        ::close(proxy->m_listenFd);
        return base::fail(
            "proxy_listen",
            QStringLiteral("The proxy cannot start (%1).").arg(qt_error_string(errno)));
    }

    proxy->m_acceptThread = std::thread([raw = proxy.get()] { raw->acceptLoop(); });
    qCInfo(lcSandbox, "proxy listening on %s for %s", qPrintable(proxy->socketPath()),
           qPrintable(proxy->m_options.allowlist.patterns().join(QStringLiteral(", "))));
    return proxy;
}

QString EgressProxy::socketPath() const
{
    return m_options.socketPath;
}

int EgressProxy::activeConnections() const
{
    const std::lock_guard lock(m_workersMutex);
    return int(std::ranges::count_if(m_workers, [](const Worker &w) { return !w.done->load(); }));
}

void EgressProxy::acceptLoop()
{
    while (true) {
        pollfd fds[2] = {{m_listenFd, POLLIN, 0}, {m_stopFd, POLLIN, 0}};
        const int ready = ::poll(fds, 2, kReapIntervalMs);
        if (ready < 0 && errno != EINTR)
            qCWarning(lcSandbox, "proxy poll failed: %s", strerror(errno));
        if (fds[1].revents != 0)
            break;

        reapFinishedWorkers();
        if (fds[0].revents & POLLIN)
            acceptOne();
    }

    // Every connection sees the stop descriptor too and ends on its own.
    const std::lock_guard lock(m_workersMutex);
    for (Worker &worker : m_workers)
        worker.thread.join();
    m_workers.clear();
}

void EgressProxy::acceptOne()
{
    const int client = ::accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0 && (errno == EMFILE || errno == ENFILE)) {
        // The connection stays queued; waiting a little keeps the loop from spinning on it.
        qCWarning(lcSandbox, "proxy cannot accept a connection: %s", strerror(errno));
        std::this_thread::sleep_for(std::chrono::milliseconds(kReapIntervalMs));
    }
    if (client < 0)
        return;

    if (activeConnections() >= m_options.maxConnections) {
        qCWarning(lcSandbox, "proxy refused a connection: %d already open",
                  m_options.maxConnections);
        (void)::send(client, kBusyResponse.constData(), size_t(kBusyResponse.size()), MSG_NOSIGNAL);
        ::close(client);
        return;
    }

    // Counted from before it starts, so that activeConnections() never misses one that has
    // already answered its client.
    auto done = std::make_shared<std::atomic<bool>>(false);
    const std::lock_guard lock(m_workersMutex);
    m_workers.push_back({std::thread(), done});
    m_workers.back().thread = std::thread([this, client, done] {
        try {
            ProxyConnection(client, m_stopFd, m_options).serve();
        } catch (const std::exception &e) {
            qCWarning(lcSandbox, "proxy connection failed: %s", e.what());
        }
        done->store(true);
    });
}

void EgressProxy::reapFinishedWorkers()
{
    const std::lock_guard lock(m_workersMutex);
    for (auto it = m_workers.begin(); it != m_workers.end();) {
        if (it->done->load()) {
            it->thread.join();
            it = m_workers.erase(it);
        } else {
            ++it;
        }
    }
}

QList<EgressProxy::Endpoint> EgressProxy::systemResolver(const QString &host, int port)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo *found = nullptr;
    const QByteArray service = QByteArray::number(port);
    if (::getaddrinfo(host.toLatin1().constData(), service.constData(), &hints, &found) != 0)
        return {};

    QList<Endpoint> endpoints;
    for (addrinfo *it = found; it; it = it->ai_next) {
        char text[NI_MAXHOST] = {};
        if (::getnameinfo(it->ai_addr, it->ai_addrlen, text, sizeof text, nullptr, 0,
                          NI_NUMERICHOST)
            == 0)
            endpoints.append({QString::fromLatin1(text), port});
    }
    ::freeaddrinfo(found);
    return endpoints;
}

} // namespace tandem::sandbox
