#include "replayserver.h"

#include <QMutexLocker>
#include <QRandomGenerator>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace {

QByteArray readRequest(int client, QByteArray &head)
{
    QByteArray data;
    char buffer[65536];
    qsizetype headerEnd = -1;
    qsizetype length = 0;
    while (true) {
        pollfd fd{client, POLLIN, 0};
        if (::poll(&fd, 1, 5000) <= 0)
            break;
        const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0)
            break;
        data.append(buffer, n);
        if (headerEnd < 0 && (headerEnd = data.indexOf("\r\n\r\n")) >= 0) {
            head = data.left(headerEnd);
            for (const QByteArray &line : head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
        }
        if (headerEnd >= 0 && data.size() - headerEnd - 4 >= length)
            break;
    }
    return headerEnd < 0 ? QByteArray() : data.mid(headerEnd + 4);
}

} // namespace

ReplayServer::ReplayServer(QList<Response> responses)
    : m_responses(std::move(responses))
{
    m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    ::setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(m_listener, reinterpret_cast<sockaddr *>(&address), sizeof address);
    ::listen(m_listener, 8);
    socklen_t size = sizeof address;
    ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&address), &size);
    m_port = ntohs(address.sin_port);
    m_clock.start();
    m_thread = std::thread([this] { serve(); });
}

ReplayServer::~ReplayServer()
{
    m_stopping = true;
    ::shutdown(m_listener, SHUT_RDWR);
    ::close(m_listener);
    m_thread.join();
}

QString ReplayServer::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

QList<QByteArray> ReplayServer::requestBodies() const
{
    QMutexLocker lock(&m_mutex);
    return m_bodies;
}

QList<QByteArray> ReplayServer::requestHeads() const
{
    QMutexLocker lock(&m_mutex);
    return m_heads;
}

QList<qint64> ReplayServer::requestTimes() const
{
    QMutexLocker lock(&m_mutex);
    return m_times;
}

QList<QByteArray> ReplayServer::cut(const QByteArray &stream, int maxPiece, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<QByteArray> pieces;
    for (qsizetype at = 0; at < stream.size();) {
        const int size = 1 + int(random.bounded(maxPiece));
        pieces << stream.mid(at, size);
        at += size;
    }
    return pieces;
}

void ReplayServer::serve()
{
    for (int served = 0; served < m_responses.size() && !m_stopping; ++served) {
        pollfd fd{m_listener, POLLIN, 0};
        // Bounded: a test that never connects still ends.
        if (::poll(&fd, 1, 30'000) <= 0)
            return;
        const int client = ::accept(m_listener, nullptr, nullptr);
        if (client < 0)
            return;
        answer(client, m_responses[served]);
        ::close(client);
    }
}

void ReplayServer::answer(int client, const Response &response)
{
    QByteArray head;
    const qint64 arrived = m_clock.elapsed();
    const QByteArray body = readRequest(client, head);
    {
        QMutexLocker lock(&m_mutex);
        m_times << arrived;
        m_heads << head;
        m_bodies << body;
    }

    const int yes = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    const QByteArray status = "HTTP/1.1 " + response.status
                              + "\r\nContent-Type: text/event-stream\r\nConnection: close\r\n"
                              + response.headers + "\r\n";
    ::send(client, status.constData(), status.size(), MSG_NOSIGNAL);
    for (const QByteArray &piece : response.pieces) {
        // A client that hung up (a cancel, say) gets no more.
        if (m_stopping || ::send(client, piece.constData(), piece.size(), MSG_NOSIGNAL) < 0)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}
