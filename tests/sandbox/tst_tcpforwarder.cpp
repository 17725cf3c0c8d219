#include "tcpforwarder.h"

#include <QDir>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <list>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using tandem::sandboxinit::TcpForwarder;

namespace {

// Plays the host's proxy: echoes each connection and, once the client has finished sending,
// adds "<eof>" and closes, so a test sees that the end of stream travelled through.
class UnixEchoServer
{
public:
    explicit UnixEchoServer(const QString &path)
    {
        (void)::pipe2(m_stop, O_CLOEXEC);
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray native = QFile::encodeName(path);
        std::memcpy(address.sun_path, native.constData(), size_t(native.size()));
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
            || ::listen(m_fd, 64) != 0)
            qFatal("unix echo server cannot listen");
        m_thread = std::thread([this] { acceptLoop(); });
    }

    ~UnixEchoServer()
    {
        (void)::write(m_stop[1], "x", 1);
        m_thread.join();
        for (std::thread &worker : m_workers)
            worker.join();
        ::close(m_fd);
        ::close(m_stop[0]);
        ::close(m_stop[1]);
    }

    int connections() const { return m_connections.load(); }

private:
    bool readable(int fd) const
    {
        pollfd fds[2] = {{fd, POLLIN, 0}, {m_stop[0], POLLIN, 0}};
        return ::poll(fds, 2, 10'000) > 0 && fds[1].revents == 0;
    }

    void acceptLoop()
    {
        while (readable(m_fd)) {
            const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0)
                continue;
            ++m_connections;
            m_workers.emplace_back([this, fd] { echo(fd); });
        }
    }

    void echo(int fd) const
    {
        char chunk[65536];
        while (readable(fd)) {
            const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
            if (got == 0)
                (void)::send(fd, "<eof>", 5, MSG_NOSIGNAL);
            if (got <= 0 || ::send(fd, chunk, size_t(got), MSG_NOSIGNAL) != got)
                break;
        }
        ::close(fd);
    }

    int m_fd = -1;
    int m_stop[2] = {-1, -1};
    std::atomic<int> m_connections{0};
    std::thread m_thread;
    std::list<std::thread> m_workers;
};

int connectTcp(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Sends everything while reading, ends our side, reads until the peer closes.
QByteArray exchange(int fd, QByteArray data, int timeoutMs = 10'000)
{
    QByteArray received;
    QElapsedTimer timer;
    timer.start();
    bool ended = false;
    while (timer.elapsed() < timeoutMs) {
        if (data.isEmpty() && !ended) {
            ::shutdown(fd, SHUT_WR);
            ended = true;
        }
        pollfd pfd{fd, short(POLLIN | (data.isEmpty() ? 0 : POLLOUT)), 0};
        if (::poll(&pfd, 1, 100) <= 0)
            continue;
        if (pfd.revents & POLLOUT) {
            const ssize_t sent =
                ::send(fd, data.constData(), size_t(std::min<qsizetype>(data.size(), 65536)),
                       MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent > 0)
                data.remove(0, sent);
        }
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            char chunk[65536];
            const ssize_t got = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
            if (got == 0 || (got < 0 && errno != EAGAIN))
                break;
            if (got > 0)
                received.append(chunk, got);
        }
    }
    return received;
}

// Whether the peer closes the connection within `timeoutMs`.
bool closesSoon(int fd, int timeoutMs)
{
    pollfd pfd{fd, POLLIN, 0};
    char byte = 0;
    return ::poll(&pfd, 1, timeoutMs) > 0 && ::recv(fd, &byte, 1, MSG_DONTWAIT) <= 0;
}

int openFds()
{
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)
                   .size());
}

} // namespace

class tst_TcpForwarder : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void relaysBothWaysIntact();
    void concurrentConnections();
    void missingProxyClosesTheClient();
    void stopEndsRunWithConnectionsOpen();
    void busyPortIsReported();

private:
    void startForwarder(const QString &socketPath);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<UnixEchoServer> m_echo;
    std::unique_ptr<TcpForwarder> m_forwarder;
    std::thread m_runner;
};

void tst_TcpForwarder::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_echo = std::make_unique<UnixEchoServer>(m_dir->filePath(QStringLiteral("proxy.sock")));
}

void tst_TcpForwarder::cleanup()
{
    if (m_forwarder)
        m_forwarder->stop();
    if (m_runner.joinable())
        m_runner.join();
    m_forwarder.reset();
    m_echo.reset();
    m_dir.reset();
}

void tst_TcpForwarder::startForwarder(const QString &socketPath)
{
    m_forwarder = std::make_unique<TcpForwarder>(QFile::encodeName(socketPath).toStdString());
    QVERIFY2(m_forwarder->listen(0), m_forwarder->error().c_str());
    QVERIFY(m_forwarder->port() != 0);
    m_runner = std::thread([forwarder = m_forwarder.get()] { forwarder->run(); });
}

void tst_TcpForwarder::relaysBothWaysIntact()
{
    startForwarder(m_dir->filePath(QStringLiteral("proxy.sock")));
    QByteArray payload(1 << 20, Qt::Uninitialized);
    QRandomGenerator random(3);
    for (char &byte : payload)
        byte = char(random.bounded(256));

    const int fd = connectTcp(m_forwarder->port());
    QVERIFY(fd >= 0);
    const QByteArray echoed = exchange(fd, payload, 30'000);
    ::close(fd);
    QCOMPARE(echoed.size(), payload.size() + 5);
    QVERIFY(echoed.startsWith(payload));
    QVERIFY(echoed.endsWith("<eof>"));
}

void tst_TcpForwarder::concurrentConnections()
{
    startForwarder(m_dir->filePath(QStringLiteral("proxy.sock")));
    constexpr int kClients = 8;
    QList<int> fds;
    for (int i = 0; i < kClients; ++i)
        fds << connectTcp(m_forwarder->port());
    QVERIFY(!fds.contains(-1));

    QList<QByteArray> echoed(kClients);
    std::vector<std::thread> threads;
    for (int i = 0; i < kClients; ++i) {
        threads.emplace_back(
            [&, i] { echoed[i] = exchange(fds[i], QByteArray(200'000, char('a' + i))); });
    }
    for (std::thread &thread : threads)
        thread.join();
    for (int i = 0; i < kClients; ++i) {
        ::close(fds[i]);
        QCOMPARE(echoed[i], QByteArray(200'000, char('a' + i)) + "<eof>");
    }
    QCOMPARE(m_echo->connections(), kClients);
}

void tst_TcpForwarder::missingProxyClosesTheClient()
{
    startForwarder(m_dir->filePath(QStringLiteral("missing.sock")));
    const int fd = connectTcp(m_forwarder->port());
    QVERIFY(fd >= 0);
    QVERIFY(closesSoon(fd, 2'000));
    ::close(fd);
}

void tst_TcpForwarder::stopEndsRunWithConnectionsOpen()
{
    const int fdsBefore = openFds();
    startForwarder(m_dir->filePath(QStringLiteral("proxy.sock")));
    QList<int> fds;
    for (int i = 0; i < 3; ++i)
        fds << connectTcp(m_forwarder->port());
    QVERIFY(!fds.contains(-1));
    QTRY_COMPARE(m_echo->connections(), 3);

    QElapsedTimer timer;
    timer.start();
    m_forwarder->stop();
    m_runner.join();
    QVERIFY(timer.elapsed() < 1'000);
    for (int fd : fds) {
        QVERIFY(closesSoon(fd, 1'000));
        ::close(fd);
    }
    m_forwarder.reset();
    // The echo server closes its ends on its own threads, a moment later.
    QTRY_COMPARE(openFds(), fdsBefore);
}

void tst_TcpForwarder::busyPortIsReported()
{
    startForwarder(m_dir->filePath(QStringLiteral("proxy.sock")));
    TcpForwarder second(
        QFile::encodeName(m_dir->filePath(QStringLiteral("proxy.sock"))).toStdString());
    QVERIFY(!second.listen(m_forwarder->port()));
    QVERIFY(!second.error().empty());
    second.run(); // returns at once: it never listened

    TcpForwarder tooLong(std::string(200, 'x'));
    QVERIFY(!tooLong.listen(0));
    QVERIFY(tooLong.error().find("too long") != std::string::npos);
}

QTEST_GUILESS_MAIN(tst_TcpForwarder)
#include "tst_tcpforwarder.moc"
