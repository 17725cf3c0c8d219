#include "standinserver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// Waits for input on `fd`, or the stop pipe, for at most `ms`; true when `fd` is readable.
bool waitReadable(int fd, int stopFd, int ms)
{
    pollfd fds[2] = {{fd, POLLIN, 0}, {stopFd, POLLIN, 0}};
    return ::poll(fds, 2, ms) > 0 && fds[1].revents == 0 && fds[0].revents != 0;
}

bool sendAll(int fd, QByteArray data)
{
    while (!data.isEmpty()) {
        const ssize_t sent = ::send(fd, data.constData(), size_t(data.size()), MSG_NOSIGNAL);
        if (sent <= 0)
            return false;
        data.remove(0, sent);
    }
    return true;
}

} // namespace

StandInServer::StandInServer(Mode mode, bool ipv6)
    : m_mode(mode)
{
    (void)::pipe2(m_stopPipe, O_CLOEXEC);
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (ipv6) {
        auto *address = reinterpret_cast<sockaddr_in6 *>(&storage);
        address->sin6_family = AF_INET6;
        address->sin6_addr = in6addr_loopback;
        length = sizeof *address;
    } else {
        auto *address = reinterpret_cast<sockaddr_in *>(&storage);
        address->sin_family = AF_INET;
        address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        length = sizeof *address;
    }
    m_listenFd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::bind(m_listenFd, reinterpret_cast<sockaddr *>(&storage), length) != 0
        || ::listen(m_listenFd, 64) != 0
        || ::getsockname(m_listenFd, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        qFatal("stand-in server cannot listen");
    m_port = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6 *>(&storage)->sin6_port
                        : reinterpret_cast<sockaddr_in *>(&storage)->sin_port);
    m_acceptThread = std::thread([this] { acceptLoop(); });
}

StandInServer::~StandInServer()
{
    (void)::write(m_stopPipe[1], "x", 1);
    m_acceptThread.join();
    for (std::thread &worker : m_workers)
        worker.join();
    ::close(m_listenFd);
    ::close(m_stopPipe[0]);
    ::close(m_stopPipe[1]);
}

QList<QByteArray> StandInServer::received() const
{
    const std::lock_guard lock(m_mutex);
    return m_received;
}

void StandInServer::acceptLoop()
{
    while (waitReadable(m_listenFd, m_stopPipe[0], -1)) {
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        ++m_connections;
        m_workers.emplace_back([this, fd] { serve(fd); });
    }
}

void StandInServer::serve(int fd)
{
    if (m_mode == Mode::Http) {
        serveHttp(fd);
    } else {
        char chunk[65536];
        while (waitReadable(fd, m_stopPipe[0], 10'000)) {
            const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
            if (got <= 0 || !sendAll(fd, QByteArray(chunk, got)))
                break;
        }
    }
    ::close(fd);
}

void StandInServer::serveHttp(int fd)
{
    QByteArray bytes;
    char chunk[65536];
    qsizetype answeredAt = -1;
    while (waitReadable(fd, m_stopPipe[0], 10'000)) {
        const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
        if (got <= 0)
            break;
        bytes.append(chunk, got);

        const qsizetype end = bytes.indexOf("\r\n\r\n");
        if (answeredAt >= 0 || end < 0)
            continue;
        qsizetype length = 0;
        for (const QByteArray &line : bytes.left(end).split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (bytes.size() < end + 4 + length)
            continue;

        const QByteArray body = length ? bytes.mid(end + 4, length) : "hello from stand-in\n";
        sendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size())
                        + "\r\nConnection: close\r\n\r\n" + body);
        ::shutdown(fd, SHUT_WR);
        answeredAt = bytes.size();
    }
    record(bytes);
}

void StandInServer::record(const QByteArray &bytes)
{
    const std::lock_guard lock(m_mutex);
    m_received.append(bytes);
}
