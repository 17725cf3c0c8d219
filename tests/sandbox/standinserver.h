#pragma once

#include <QByteArray>
#include <QList>

#include <atomic>
#include <list>
#include <mutex>
#include <thread>

// A server on the host's loopback for proxy tests, serving on threads of its own so that a
// test may block while it answers. Echo mode sends every byte back; Http mode reads one
// request, answers 200 with "hello from stand-in" (or the request's body, if it had one), half
// closes, and keeps recording whatever else arrives on the connection until the peer closes.
class StandInServer
{
public:
    enum class Mode { Echo, Http };

    explicit StandInServer(Mode mode, bool ipv6 = false);
    ~StandInServer();
    StandInServer(const StandInServer &) = delete;
    StandInServer &operator=(const StandInServer &) = delete;

    int port() const { return m_port; }
    int connections() const { return m_connections.load(); }
    // Everything each connection sent, in the order they arrived (Http mode).
    QList<QByteArray> received() const;

private:
    void acceptLoop();
    void serve(int fd);
    void serveHttp(int fd);
    void record(const QByteArray &bytes);

    Mode m_mode;
    int m_listenFd = -1;
    int m_stopPipe[2] = {-1, -1};
    int m_port = 0;
    std::atomic<int> m_connections{0};
    mutable std::mutex m_mutex;
    QList<QByteArray> m_received;
    std::thread m_acceptThread;
    std::list<std::thread> m_workers;
};
