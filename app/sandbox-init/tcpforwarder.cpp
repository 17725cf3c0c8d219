#include "tcpforwarder.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace tandem::sandboxinit {

namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kBufferLimit = 256 * 1024;

std::string describe(const char *what)
{
    return std::string(what) + ": " + std::strerror(errno);
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

short wanted(bool readable, const std::string &out)
{
    return short((readable ? POLLIN : 0) | (out.empty() ? 0 : POLLOUT));
}

// Reads what is there into `into`; false when the socket failed.
bool receive(int fd, std::string &into, bool &done)
{
    char chunk[kChunk];
    const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
    if (got < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    done = got == 0;
    into.append(chunk, size_t(got));
    return true;
}

bool sendSome(int fd, std::string &data)
{
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    data.erase(0, size_t(sent));
    return true;
}

} // namespace

TcpForwarder::TcpForwarder(std::string unixSocketPath, int maxConnections)
    : m_socketPath(std::move(unixSocketPath))
    , m_maxConnections(size_t(maxConnections > 0 ? maxConnections : 1))
{
    if (::pipe2(m_stopPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        m_error = describe("pipe");
}

TcpForwarder::~TcpForwarder()
{
    for (Pair &pair : m_pairs)
        closePair(pair);
    closeFd(m_listenFd);
    closeFd(m_stopPipe[0]);
    closeFd(m_stopPipe[1]);
}

bool TcpForwarder::listen(uint16_t port)
{
    if (m_stopPipe[0] < 0)
        return false;
    sockaddr_un probe{};
    if (m_socketPath.empty() || m_socketPath.size() >= sizeof probe.sun_path) {
        m_error = "the proxy socket path is empty or too long: " + m_socketPath;
        return false;
    }

    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int on = 1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (m_listenFd < 0 || ::setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0
        || ::bind(m_listenFd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::listen(m_listenFd, 128) != 0
        || ::getsockname(m_listenFd, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        m_error = describe("cannot listen on 127.0.0.1");
        closeFd(m_listenFd);
        return false;
    }
    m_port = ntohs(address.sin_port);
    return true;
}

void TcpForwarder::stop()
{
    const char byte = 1;
    // Nothing to do when the pipe is full: a stop is already on its way.
    [[maybe_unused]] const ssize_t written = ::write(m_stopPipe[1], &byte, 1);
}

void TcpForwarder::run()
{
    std::vector<pollfd> fds;
    while (m_listenFd >= 0) {
        // Connections beyond the cap wait in the kernel's backlog until one ends.
        fds.clear();
        fds.push_back({m_stopPipe[0], POLLIN, 0});
        fds.push_back({m_pairs.size() < m_maxConnections ? m_listenFd : -1, POLLIN, 0});
        for (const Pair &pair : m_pairs) {
            const short client =
                wanted(!pair.clientDone && pair.toUpstream.size() < kBufferLimit, pair.toClient);
            const short upstream =
                wanted(!pair.upstreamDone && pair.toClient.size() < kBufferLimit, pair.toUpstream);
            // A socket we want nothing from stays out, or its hang-up would wake us forever.
            fds.push_back({client ? pair.client : -1, client, 0});
            fds.push_back({upstream ? pair.upstream : -1, upstream, 0});
        }

        if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR)
            break;
        if (fds[0].revents != 0)
            break;

        for (size_t i = 0; i < m_pairs.size(); ++i)
            service(m_pairs[i], fds[2 + 2 * i].revents, fds[3 + 2 * i].revents);
        std::erase_if(m_pairs, [](const Pair &pair) { return pair.client < 0; });
        if (fds[1].revents & POLLIN)
            acceptClient();
    }

    for (Pair &pair : m_pairs)
        closePair(pair);
    m_pairs.clear();
}

void TcpForwarder::acceptClient()
{
    const int client = ::accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0)
        return;

    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, m_socketPath.data(), m_socketPath.size());
    const int upstream = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    // A Unix socket connects at once or not at all (EAGAIN: the proxy's backlog is full).
    if (upstream < 0
        || ::connect(upstream, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        if (upstream >= 0)
            ::close(upstream);
        ::close(client);
        return;
    }
    m_pairs.push_back(Pair{client, upstream, {}, {}, false, false, false, false});
}

void TcpForwarder::service(Pair &pair, short clientEvents, short upstreamEvents)
{
    constexpr short readable = POLLIN | POLLHUP | POLLERR;
    constexpr short writable = POLLOUT | POLLHUP | POLLERR;
    bool ok = true;
    if ((clientEvents & readable) && !pair.clientDone)
        ok = ok && receive(pair.client, pair.toUpstream, pair.clientDone);
    if ((upstreamEvents & readable) && !pair.upstreamDone)
        ok = ok && receive(pair.upstream, pair.toClient, pair.upstreamDone);
    if ((clientEvents & writable) && !pair.toClient.empty())
        ok = ok && sendSome(pair.client, pair.toClient);
    if ((upstreamEvents & writable) && !pair.toUpstream.empty())
        ok = ok && sendSome(pair.upstream, pair.toUpstream);

    // An end of stream travels on once everything before it has.
    if (pair.clientDone && pair.toUpstream.empty() && !pair.upstreamShut) {
        ::shutdown(pair.upstream, SHUT_WR);
        pair.upstreamShut = true;
    }
    if (pair.upstreamDone && pair.toClient.empty() && !pair.clientShut) {
        ::shutdown(pair.client, SHUT_WR);
        pair.clientShut = true;
    }
    if (!ok || (pair.clientShut && pair.upstreamShut))
        closePair(pair);
}

void TcpForwarder::closePair(Pair &pair)
{
    closeFd(pair.client);
    closeFd(pair.upstream);
}

} // namespace tandem::sandboxinit
