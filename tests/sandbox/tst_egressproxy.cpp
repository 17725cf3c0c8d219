#include "sandbox/egressproxy.h"

#include "standinserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <mutex>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace tandem;
using sandbox::EgressProxy;
using sandbox::HostAllowlist;
using sandbox::ProxyDecision;

namespace {

// Stands in for DNS: names map to loopback stand-ins, and every lookup is counted.
struct FakeDns
{
    std::mutex mutex;
    QMap<QString, EgressProxy::Endpoint> names;
    QStringList lookups;

    QList<EgressProxy::Endpoint> resolve(const QString &host, int)
    {
        const std::lock_guard lock(mutex);
        lookups << host;
        if (!names.contains(host))
            return {};
        return {names.value(host)};
    }

    int count() { return int(looked().size()); }

    QStringList looked()
    {
        const std::lock_guard lock(mutex);
        return lookups;
    }
};

struct DecisionLog
{
    std::mutex mutex;
    QList<ProxyDecision> decisions;

    QList<ProxyDecision> all()
    {
        const std::lock_guard lock(mutex);
        return decisions;
    }
};

int connectUnix(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const QByteArray native = QFile::encodeName(path);
    std::memcpy(address.sun_path, native.constData(), size_t(native.size()));
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Sends `data` while reading, then (if asked) ends our side, and reads until the peer closes
// or `timeoutMs` passes. Reading and writing together keeps large transfers from deadlocking.
QByteArray exchange(int fd, QByteArray data, bool endAfterSending, int timeoutMs = 10'000)
{
    QByteArray received;
    QElapsedTimer timer;
    timer.start();
    bool ended = false;
    while (timer.elapsed() < timeoutMs) {
        if (data.isEmpty() && endAfterSending && !ended) {
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
            else if (errno != EAGAIN)
                data.clear();
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

// Reads up to the end of a response head, and not a byte further.
QByteArray readHead(int fd, int timeoutMs = 5'000)
{
    QByteArray head;
    QElapsedTimer timer;
    timer.start();
    while (!head.endsWith("\r\n\r\n") && timer.elapsed() < timeoutMs) {
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, 100) <= 0)
            continue;
        char byte = 0;
        if (::recv(fd, &byte, 1, 0) != 1)
            break;
        head.append(byte);
    }
    return head;
}

QByteArray randomBytes(QRandomGenerator &random, qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = char(random.bounded(256));
    return bytes;
}

// Moves this thread, and every thread it starts from now on, into a network namespace of its
// own with only loopback up. Whatever the proxy under test does, even with a check removed,
// no packet of this test can then leave the machine.
bool isolateNetwork()
{
    const auto currentNamespace = [] {
        return QFileInfo(QStringLiteral("/proc/thread-self/ns/net")).symLinkTarget();
    };
    const QString before = currentNamespace();
    if (::unshare(CLONE_NEWNET) != 0)
        return false;

    // Threads started from here on, the proxy's among them, must be in the new one too.
    QString seenByThread;
    std::thread([&] { seenByThread = currentNamespace(); }).join();
    if (seenByThread.isEmpty() || seenByThread == before)
        return false;

    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    bool up = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
    request.ifr_flags = short(request.ifr_flags | IFF_UP);
    up = up && ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
    if (fd >= 0)
        ::close(fd);
    return up;
}

int countEntries(const QString &path)
{
    return int(QDir(path).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System).size());
}

} // namespace

class tst_EgressProxy : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void connectTargets_data();
    void connectTargets();
    void deniedConnectIsExplainedAndLogged();
    void plainHttpIsForwardedInOriginForm();
    void plainHttpRefusals_data();
    void plainHttpRefusals();
    void pipelinedRequestGoesNowhere_data();
    void pipelinedRequestGoesNowhere();
    void namesResolvingInsideAreRefused_data();
    void namesResolvingInsideAreRefused();
    void systemResolverNamesLoopbackAndIsRefused();
    void ipv6Literal();
    void largeTransfersArriveIntact();
    void concurrentTunnels();
    void garbageIsRefused();
    void slowHeadTimesOut();
    void oversizedHeadIsRefused();
    void connectionCapAnswersBusy();
    void socketIsPrivate();
    void stopsCleanlyWithOpenConnections();
    void sandboxedPythonReachesOnlyAllowedHosts();

private:
    void startProxy(const QStringList &allow,
                    const std::function<void(EgressProxy::Options &)> &adjust = {});
    QByteArray ask(const QByteArray &request, bool endAfterSending = false);
    int openTunnel(const QByteArray &target);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<FakeDns> m_dns;
    std::shared_ptr<DecisionLog> m_log;
    std::unique_ptr<StandInServer> m_echo;
    std::unique_ptr<StandInServer> m_http;
    std::unique_ptr<EgressProxy> m_proxy;
    bool m_isolated = false;
};

void tst_EgressProxy::initTestCase()
{
    m_isolated = isolateNetwork();
    if (!m_isolated)
        qWarning("no private network namespace (not root?): tests that aim beyond loopback skip");
}

void tst_EgressProxy::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_dns = std::make_shared<FakeDns>();
    m_log = std::make_shared<DecisionLog>();
    m_echo = std::make_unique<StandInServer>(StandInServer::Mode::Echo);
    m_http = std::make_unique<StandInServer>(StandInServer::Mode::Http);
    m_dns->names.insert(QStringLiteral("api.github.com"),
                        {QStringLiteral("127.0.0.1"), m_http->port()});
    m_dns->names.insert(QStringLiteral("echo.example"),
                        {QStringLiteral("127.0.0.1"), m_echo->port()});
}

void tst_EgressProxy::cleanup()
{
    m_proxy.reset();
    m_echo.reset();
    m_http.reset();
    m_dir.reset();
}

void tst_EgressProxy::startProxy(const QStringList &allow,
                                 const std::function<void(EgressProxy::Options &)> &adjust)
{
    auto allowlist = HostAllowlist::parse(allow);
    QVERIFY2(allowlist.has_value(), qPrintable(allowlist ? QString() : allowlist.error().message));

    EgressProxy::Options options;
    options.socketPath = m_dir->filePath(QStringLiteral("proxy.sock"));
    options.allowlist = *allowlist;
    options.resolver = [dns = m_dns](const QString &host, int port) {
        return dns->resolve(host, port);
    };
    options.onDecision = [log = m_log](const ProxyDecision &decision) {
        const std::lock_guard lock(log->mutex);
        log->decisions << decision;
    };
    // The stand-ins live on loopback under real-looking names.
    options.allowLoopbackForNames = true;
    if (adjust)
        adjust(options);

    auto proxy = EgressProxy::start(std::move(options));
    QVERIFY2(proxy.has_value(), qPrintable(proxy ? QString() : proxy.error().message));
    m_proxy = std::move(*proxy);
}

QByteArray tst_EgressProxy::ask(const QByteArray &request, bool endAfterSending)
{
    const int fd = connectUnix(m_proxy->socketPath());
    if (fd < 0)
        return {};
    const QByteArray response = exchange(fd, request, endAfterSending);
    ::close(fd);
    return response;
}

// A connected tunnel, or -1; the proxy's answer has been read.
int tst_EgressProxy::openTunnel(const QByteArray &target)
{
    const int fd = connectUnix(m_proxy->socketPath());
    const QByteArray request = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n";
    if (fd < 0 || ::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) < 0
        || !readHead(fd).startsWith("HTTP/1.1 200 ")) {
        if (fd >= 0)
            ::close(fd);
        return -1;
    }
    return fd;
}

void tst_EgressProxy::connectTargets_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<int>("lookups");

    QTest::newRow("allowed name") << QByteArray("echo.example:443") << QByteArray("200") << 1;
    QTest::newRow("upper case") << QByteArray("ECHO.Example:443") << QByteArray("200") << 1;
    QTest::newRow("trailing dot") << QByteArray("echo.example.:443") << QByteArray("200") << 1;
    QTest::newRow("other port") << QByteArray("echo.example:22") << QByteArray("403") << 0;
    QTest::newRow("unlisted") << QByteArray("evil.example:443") << QByteArray("403") << 0;
    QTest::newRow("suffix trick") << QByteArray("echo.example.evil.example:443")
                                  << QByteArray("403") << 0;
    QTest::newRow("unlisted address") << QByteArray("127.0.0.1:443") << QByteArray("403") << 0;
    QTest::newRow("decimal address") << QByteArray("2130706433:443") << QByteArray("403") << 0;
    QTest::newRow("hex address") << QByteArray("0x7f.1:443") << QByteArray("403") << 0;
    QTest::newRow("octal address") << QByteArray("0177.0.0.1:443") << QByteArray("403") << 0;
    QTest::newRow("short address") << QByteArray("127.1:443") << QByteArray("403") << 0;
    QTest::newRow("ipv6 unlisted") << QByteArray("[::1]:443") << QByteArray("403") << 0;
    QTest::newRow("no port") << QByteArray("echo.example") << QByteArray("400") << 0;
    QTest::newRow("userinfo") << QByteArray("echo.example@evil.example:443") << QByteArray("400")
                              << 0;
    QTest::newRow("percent") << QByteArray("echo%2eexample:443") << QByteArray("400") << 0;
    QTest::newRow("unresolvable") << QByteArray("nowhere.example:443") << QByteArray("502") << 1;
}

void tst_EgressProxy::connectTargets()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, status);
    QFETCH(int, lookups);
    startProxy({"echo.example", "nowhere.example"});

    const int fd = connectUnix(m_proxy->socketPath());
    QVERIFY(fd >= 0);
    const QByteArray request = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n";
    QVERIFY(::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) > 0);
    const QByteArray head = readHead(fd);
    QVERIFY2(head.startsWith("HTTP/1.1 " + status + ' '), head.constData());

    if (status == "200") {
        QCOMPARE(exchange(fd, "ping through the tunnel", true),
                 QByteArray("ping through the tunnel"));
        QCOMPARE(m_echo->connections(), 1);
    } else {
        QCOMPARE(m_echo->connections(), 0);
    }
    ::close(fd);
    QCOMPARE(m_dns->count(), lookups);
}

void tst_EgressProxy::deniedConnectIsExplainedAndLogged()
{
    startProxy({"api.github.com"});

    const QByteArray response = ask("CONNECT evil.example:443 HTTP/1.1\r\n\r\n");
    QVERIFY2(response.startsWith("HTTP/1.1 403 "), response.constData());
    QVERIFY(response.contains("evil.example:443"));
    QVERIFY(response.contains("network.allow"));
    QVERIFY(response.contains("sandbox.json"));
    QCOMPARE(m_dns->count(), 0);

    const QList<ProxyDecision> decisions = m_log->all();
    QCOMPARE(decisions.size(), 1);
    QCOMPARE(decisions[0].method, QStringLiteral("CONNECT"));
    QCOMPARE(decisions[0].host, QStringLiteral("evil.example"));
    QCOMPARE(decisions[0].port, 443);
    QVERIFY(!decisions[0].allowed);
    QVERIFY(!decisions[0].reason.isEmpty());

    QVERIFY(ask("CONNECT api.github.com:443 HTTP/1.1\r\n\r\n", true).startsWith("HTTP/1.1 200 "));
    QCOMPARE(m_log->all().size(), 2);
    QVERIFY(m_log->all()[1].allowed);
    QCOMPARE(m_dns->count(), 1);
}

void tst_EgressProxy::plainHttpIsForwardedInOriginForm()
{
    startProxy({"api.github.com"});

    const QByteArray response =
        ask("GET http://api.github.com/repos?page=2 HTTP/1.1\r\nHost: api.github.com\r\n"
            "Proxy-Connection: keep-alive\r\nProxy-Authorization: Basic c2VjcmV0\r\n"
            "Connection: keep-alive, X-Drop\r\nX-Drop: 1\r\nAccept: */*\r\n"
            "X-Name: caf\xc3\xa9\r\n\r\n");
    QVERIFY2(response.startsWith("HTTP/1.1 200 OK"), response.constData());
    QVERIFY(response.endsWith("hello from stand-in\n"));

    // The stand-in records a connection once the proxy has closed it.
    QTRY_COMPARE(m_http->received().size(), 1);
    const QList<QByteArray> received = m_http->received();
    const QByteArray &upstream = received.first();
    QVERIFY2(upstream.startsWith("GET /repos?page=2 HTTP/1.1\r\n"), upstream.constData());
    QVERIFY(upstream.contains("\r\nHost: api.github.com\r\n"));
    QVERIFY(upstream.contains("\r\nAccept: */*\r\n"));
    QVERIFY(upstream.contains("\r\nX-Name: caf\xc3\xa9\r\n"));
    QVERIFY(upstream.contains("\r\nConnection: close\r\n"));
    QVERIFY(!upstream.contains("Proxy-"));
    QVERIFY(!upstream.contains("keep-alive"));
    QVERIFY(!upstream.contains("X-Drop"));

    QCOMPARE(m_log->all().size(), 1);
    QCOMPARE(m_log->all()[0].method, QStringLiteral("GET"));
    QVERIFY(m_log->all()[0].allowed);
}

void tst_EgressProxy::plainHttpRefusals_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("status");

    QTest::newRow("unlisted host") << QByteArray("GET http://evil.example/ HTTP/1.1\r\n"
                                                 "Host: evil.example\r\n\r\n")
                                   << QByteArray("403");
    QTest::newRow("host header mismatch") << QByteArray("GET http://api.github.com/ HTTP/1.1\r\n"
                                                        "Host: evil.example\r\n\r\n")
                                          << QByteArray("400");
    QTest::newRow("host header other port")
        << QByteArray("GET http://api.github.com/ HTTP/1.1\r\nHost: api.github.com:8080\r\n\r\n")
        << QByteArray("400");
    QTest::newRow("duplicate host") << QByteArray("GET http://api.github.com/ HTTP/1.1\r\n"
                                                  "Host: api.github.com\r\n"
                                                  "Host: evil.example\r\n\r\n")
                                    << QByteArray("400");
    QTest::newRow("duplicate host, same value")
        << QByteArray("GET http://api.github.com/ HTTP/1.1\r\nHost: api.github.com\r\n"
                      "host: api.github.com\r\n\r\n")
        << QByteArray("400");
    QTest::newRow("no host") << QByteArray("GET http://api.github.com/ HTTP/1.1\r\n\r\n")
                             << QByteArray("400");
    QTest::newRow("userinfo") << QByteArray("GET http://api.github.com@evil.example/ HTTP/1.1\r\n"
                                            "Host: evil.example\r\n\r\n")
                              << QByteArray("400");
    QTest::newRow("userinfo, allowed last")
        << QByteArray("GET http://evil.example@api.github.com/ HTTP/1.1\r\n"
                      "Host: api.github.com\r\n\r\n")
        << QByteArray("400");
    QTest::newRow("percent-encoded host")
        << QByteArray("GET http://api%2egithub.com/ HTTP/1.1\r\nHost: api%2egithub.com\r\n\r\n")
        << QByteArray("400");
    QTest::newRow("backslash authority")
        << QByteArray("GET http://evil.example\\@api.github.com/ HTTP/1.1\r\n"
                      "Host: api.github.com\r\n\r\n")
        << QByteArray("400");
    QTest::newRow("origin form") << QByteArray("GET / HTTP/1.1\r\nHost: api.github.com\r\n\r\n")
                                 << QByteArray("400");
    QTest::newRow("https absolute") << QByteArray("GET https://api.github.com/ HTTP/1.1\r\n"
                                                  "Host: api.github.com\r\n\r\n")
                                    << QByteArray("400");
    QTest::newRow("ftp absolute") << QByteArray("GET ftp://api.github.com/ HTTP/1.1\r\n"
                                                "Host: api.github.com\r\n\r\n")
                                  << QByteArray("400");
    QTest::newRow("chunked body") << QByteArray("POST http://api.github.com/ HTTP/1.1\r\n"
                                                "Host: api.github.com\r\n"
                                                "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                  << QByteArray("411");
    QTest::newRow("two lengths") << QByteArray("POST http://api.github.com/ HTTP/1.1\r\n"
                                               "Host: api.github.com\r\nContent-Length: 1\r\n"
                                               "Content-Length: 2\r\n\r\nab")
                                 << QByteArray("400");
    QTest::newRow("bare lf") << QByteArray("GET http://api.github.com/ HTTP/1.1\r\n"
                                           "Host: api.github.com\nHost: evil.example\r\n\r\n")
                             << QByteArray("400");
    QTest::newRow("folded header") << QByteArray("GET http://api.github.com/ HTTP/1.1\r\n"
                                                 "Host: api.github.com\r\n evil.example\r\n\r\n")
                                   << QByteArray("400");
    QTest::newRow("space before colon") << QByteArray("GET http://evil.example/ HTTP/1.1\r\n"
                                                      "Host : api.github.com\r\n\r\n")
                                        << QByteArray("400");
    QTest::newRow("decimal address") << QByteArray("GET http://2130706433/ HTTP/1.1\r\n"
                                                   "Host: 2130706433\r\n\r\n")
                                     << QByteArray("403");
    QTest::newRow("non-ascii url")
        << QByteArray("GET http://api.github.com/caf\xc3\xa9 HTTP/1.1\r\n"
                      "Host: api.github.com\r\n\r\n")
        << QByteArray("400");
    QTest::newRow("nul in header") << QByteArray("GET http://api.github.com/ HTTP/1.1\r\n"
                                                 "Host: api.github.com\r\nX-A: a\0b\r\n\r\n",
                                                 71)
                                   << QByteArray("400");
    QTest::newRow("http 0.9 style")
        << QByteArray("GET http://api.github.com/\r\n\r\n") << QByteArray("400");
}

void tst_EgressProxy::plainHttpRefusals()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, status);
    startProxy({"api.github.com"});

    const QByteArray response = ask(request);
    QVERIFY2(response.startsWith("HTTP/1.1 " + status + ' '), response.constData());
    QCOMPARE(m_http->connections(), 0);
    QCOMPARE(m_dns->count(), 0);
    QCOMPARE(m_log->all().size(), 1);
    QVERIFY(!m_log->all()[0].allowed);
}

void tst_EgressProxy::pipelinedRequestGoesNowhere_data()
{
    QTest::addColumn<bool>("later");

    QTest::newRow("with the head") << false;
    QTest::newRow("after part of the body") << true;
}

void tst_EgressProxy::pipelinedRequestGoesNowhere()
{
    QFETCH(bool, later);
    startProxy({"api.github.com"});
    const QByteArray head = "POST http://api.github.com/first HTTP/1.1\r\n"
                            "Host: api.github.com\r\nContent-Length: 10\r\n\r\nhello";
    const QByteArray rest = "world"
                            "GET http://evil.example/second HTTP/1.1\r\nHost: evil.example\r\n\r\n"
                            "GET /third HTTP/1.1\r\nHost: evil.example\r\n\r\n";

    const int fd = connectUnix(m_proxy->socketPath());
    QVERIFY(fd >= 0);
    if (later) {
        // The rest arrives once the proxy is relaying, not with the head it parsed.
        QVERIFY(::send(fd, head.constData(), size_t(head.size()), MSG_NOSIGNAL) > 0);
        QTRY_COMPARE(m_http->connections(), 1);
        QTest::qWait(50);
    }
    const QByteArray response = exchange(fd, later ? rest : head + rest, false);
    ::close(fd);
    QVERIFY2(response.startsWith("HTTP/1.1 200 OK"), response.constData());
    QVERIFY(response.endsWith("\r\n\r\nhelloworld"));

    QTRY_COMPARE(m_http->received().size(), 1);
    const QList<QByteArray> received = m_http->received();
    QVERIFY2(!received.first().contains("evil.example"), received.first().constData());
    QVERIFY(received.first().endsWith("\r\n\r\nhelloworld"));
    QCOMPARE(m_dns->looked(), QStringList{"api.github.com"});
}

void tst_EgressProxy::namesResolvingInsideAreRefused_data()
{
    QTest::addColumn<QString>("address");

    QTest::newRow("loopback") << "127.0.0.1";
    QTest::newRow("loopback elsewhere in 127/8") << "127.3.2.1";
    QTest::newRow("metadata") << "169.254.169.254";
    QTest::newRow("unspecified") << "0.0.0.0";
    QTest::newRow("ipv6 loopback") << "::1";
    QTest::newRow("ipv6 link-local") << "fe80::1";
    QTest::newRow("ipv6 unspecified") << "::";
    QTest::newRow("mapped loopback") << "::ffff:127.0.0.1";
    QTest::newRow("mapped metadata") << "::ffff:169.254.169.254";
}

void tst_EgressProxy::namesResolvingInsideAreRefused()
{
    QFETCH(QString, address);
    if (!m_isolated && !address.contains(QStringLiteral("127.")) && address != u"::1")
        QSKIP("aims beyond loopback: runs only in a private network namespace");
    const QByteArray port = QByteArray::number(m_echo->port());
    m_dns->names.insert(QStringLiteral("rebind.example"), {address, m_echo->port()});
    startProxy({QStringLiteral("rebind.example:") + port, QStringLiteral("127.0.0.1:") + port},
               [](EgressProxy::Options &options) { options.allowLoopbackForNames = false; });

    const QByteArray refused = ask("CONNECT rebind.example:" + port + " HTTP/1.1\r\n\r\n", true);
    QVERIFY2(refused.startsWith("HTTP/1.1 403 "), refused.constData());
    QVERIFY(refused.contains(address.toLatin1()));
    QCOMPARE(m_dns->count(), 1);
    QCOMPARE(m_echo->connections(), 0);

    // The same stand-in, listed by its address, is reachable: the user named it.
    const int fd = openTunnel("127.0.0.1:" + port);
    QVERIFY(fd >= 0);
    QCOMPARE(exchange(fd, "listed", true), QByteArray("listed"));
    ::close(fd);
    QCOMPARE(m_dns->count(), 1);
}

void tst_EgressProxy::systemResolverNamesLoopbackAndIsRefused()
{
    // Only /etc/hosts answers for this name here, so the real resolver sends nothing out.
    QFile hosts(QStringLiteral("/etc/hosts"));
    if (!hosts.open(QIODevice::ReadOnly)
        || !hosts.readAll().contains(QByteArrayLiteral("127.0.0.1 localhost")))
        QSKIP("needs localhost in /etc/hosts");

    const QList<EgressProxy::Endpoint> found =
        EgressProxy::systemResolver(QStringLiteral("localhost"), 8080);
    QVERIFY(std::ranges::any_of(found, [](const EgressProxy::Endpoint &endpoint) {
        return endpoint.address == u"127.0.0.1" && endpoint.port == 8080;
    }));

    const QByteArray port = QByteArray::number(m_echo->port());
    startProxy({QStringLiteral("localhost:") + port}, [](EgressProxy::Options &options) {
        options.resolver = {};
        options.allowLoopbackForNames = false;
    });
    const QByteArray refused = ask("CONNECT localhost:" + port + " HTTP/1.1\r\n\r\n");
    QVERIFY2(refused.startsWith("HTTP/1.1 403 "), refused.constData());
    QVERIFY(refused.contains("loopback"));
    QCOMPARE(m_echo->connections(), 0);
}

void tst_EgressProxy::ipv6Literal()
{
    StandInServer echo6(StandInServer::Mode::Echo, true);
    const QByteArray port = QByteArray::number(echo6.port());
    startProxy({QStringLiteral("[::1]:") + port});

    int fd = openTunnel("[::1]:" + port);
    QVERIFY(fd >= 0);
    QCOMPARE(exchange(fd, "over ipv6", true), QByteArray("over ipv6"));
    ::close(fd);

    fd = openTunnel("[0:0::1]:" + port);
    QVERIFY(fd >= 0);
    ::close(fd);

    QVERIFY(ask("CONNECT ::1:" + port + " HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "));
    QVERIFY(ask("CONNECT [::1%lo]:" + port + " HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "));
    QVERIFY(ask("CONNECT [::ffff:127.0.0.1]:" + port + " HTTP/1.1\r\n\r\n")
                .startsWith("HTTP/1.1 403 "));
    QCOMPARE(m_dns->count(), 0);
}

void tst_EgressProxy::largeTransfersArriveIntact()
{
    startProxy({"echo.example", "api.github.com"});
    QRandomGenerator random(42);
    const QByteArray payload = randomBytes(random, 1 << 20);

    const int fd = openTunnel("echo.example:443");
    QVERIFY(fd >= 0);
    const QByteArray echoed = exchange(fd, payload, true, 30'000);
    ::close(fd);
    QCOMPARE(echoed.size(), payload.size());
    QVERIFY(echoed == payload);

    const QByteArray response = ask("PUT http://api.github.com/upload HTTP/1.1\r\n"
                                    "Host: api.github.com\r\nContent-Length: "
                                    + QByteArray::number(payload.size()) + "\r\n\r\n" + payload);
    QVERIFY(response.startsWith("HTTP/1.1 200 OK"));
    QVERIFY(response.endsWith(payload));
}

void tst_EgressProxy::concurrentTunnels()
{
    startProxy({"echo.example"});
    constexpr int kTunnels = 8;
    QList<QByteArray> payloads;
    QRandomGenerator random(7);
    for (int i = 0; i < kTunnels; ++i)
        payloads << randomBytes(random, 256 * 1024);

    QList<int> fds;
    for (int i = 0; i < kTunnels; ++i)
        fds << openTunnel("echo.example:443");
    QVERIFY(!fds.contains(-1));
    QCOMPARE(m_proxy->activeConnections(), kTunnels);

    QList<QByteArray> echoed(kTunnels);
    std::vector<std::thread> threads;
    for (int i = 0; i < kTunnels; ++i)
        threads.emplace_back([&, i] { echoed[i] = exchange(fds[i], payloads[i], true, 30'000); });
    for (std::thread &thread : threads)
        thread.join();
    for (int i = 0; i < kTunnels; ++i) {
        ::close(fds[i]);
        QVERIFY2(echoed[i] == payloads[i], qPrintable(QString::number(i)));
    }
    QCOMPARE(m_echo->connections(), kTunnels);
    QTRY_COMPARE(m_proxy->activeConnections(), 0);
}

void tst_EgressProxy::garbageIsRefused()
{
    const QStringList allow{"api.github.com", "echo.example"};
    startProxy(allow);
    const HostAllowlist allowlist = *HostAllowlist::parse(allow);
    const QList<QByteArray> valid = {
        "CONNECT echo.example:443 HTTP/1.1\r\nHost: echo.example:443\r\n\r\n",
        "GET http://api.github.com/x HTTP/1.1\r\nHost: api.github.com\r\n\r\n",
    };

    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("garbage seed %u", seed);
    QRandomGenerator random(seed);
    for (int round = 0; round < 300; ++round) {
        QByteArray bytes;
        if (round % 3 == 0) {
            bytes = randomBytes(random, 1 + random.bounded(4096));
        } else if (round % 3 == 1) {
            bytes = randomBytes(random, random.bounded(512)) + "\r\n\r\n";
        } else {
            // A valid request with a few bytes changed: the cases a parser gets wrong.
            bytes = valid[round % 2];
            for (int flips = 1 + random.bounded(3); flips > 0; --flips)
                bytes[random.bounded(bytes.size())] = char(random.bounded(256));
        }
        const QByteArray response = ask(bytes, true);
        QVERIFY2(response.isEmpty() || response.startsWith("HTTP/1.1 "), response.constData());
    }

    // Whatever got through named an allowed host, and the proxy still serves.
    for (const QString &host : m_dns->looked())
        QVERIFY2(allowlist.allows(host, 443) || allowlist.allows(host, 80), qPrintable(host));
    for (const ProxyDecision &decision : m_log->all()) {
        if (decision.allowed)
            QVERIFY(allowlist.allows(decision.host, decision.port));
    }
    const int fd = openTunnel("echo.example:443");
    QVERIFY(fd >= 0);
    ::close(fd);
}

void tst_EgressProxy::slowHeadTimesOut()
{
    startProxy({"echo.example"}, [](EgressProxy::Options &options) {
        options.headerTimeout = std::chrono::milliseconds(500);
    });
    const int fd = connectUnix(m_proxy->socketPath());
    QVERIFY(fd >= 0);

    QElapsedTimer timer;
    timer.start();
    const QByteArray drip = "CONNECT echo.example:443 HTTP/1.1\r\nX-Slow: ";
    QByteArray response;
    for (int i = 0; timer.elapsed() < 5'000 && response.isEmpty(); ++i) {
        (void)::send(fd, drip.constData() + (i % drip.size()), 1, MSG_NOSIGNAL);
        response = exchange(fd, {}, false, 100);
    }
    ::close(fd);
    QVERIFY2(response.startsWith("HTTP/1.1 408 "), response.constData());
    QVERIFY2(timer.elapsed() < 1'500, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_echo->connections(), 0);
}

void tst_EgressProxy::oversizedHeadIsRefused()
{
    startProxy({"api.github.com"});
    const QByteArray request = "GET http://api.github.com/ HTTP/1.1\r\nHost: api.github.com\r\n"
                               "X-Big: "
                               + QByteArray(20'000, 'a') + "\r\n\r\n";
    const QByteArray response = ask(request);
    QVERIFY2(response.startsWith("HTTP/1.1 431 "), response.left(200).constData());
    QCOMPARE(m_http->connections(), 0);
}

void tst_EgressProxy::connectionCapAnswersBusy()
{
    startProxy({"echo.example"}, [](EgressProxy::Options &options) { options.maxConnections = 2; });
    const int first = openTunnel("echo.example:443");
    const int second = openTunnel("echo.example:443");
    QVERIFY(first >= 0 && second >= 0);

    QVERIFY(ask("CONNECT echo.example:443 HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 503 "));
    ::close(first);
    QTRY_COMPARE(m_proxy->activeConnections(), 1);
    QVERIFY(ask("CONNECT echo.example:443 HTTP/1.1\r\n\r\n", true).startsWith("HTTP/1.1 200 "));
    ::close(second);
}

void tst_EgressProxy::socketIsPrivate()
{
    startProxy({"echo.example"});
    struct stat info
    {};
    QCOMPARE(::stat(QFile::encodeName(m_proxy->socketPath()).constData(), &info), 0);
    QVERIFY(S_ISSOCK(info.st_mode));
    QCOMPARE(info.st_mode & 0777, 0600u);

    // A stale socket from an earlier run is replaced; any other file is left alone.
    const QString path = m_proxy->socketPath();
    m_proxy.reset();
    QVERIFY(!QFileInfo::exists(path));
    QFile other(path);
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.close();
    EgressProxy::Options options;
    options.socketPath = path;
    const auto refused = EgressProxy::start(options);
    QVERIFY(!refused.has_value());
    QVERIFY(refused.error().message.contains(path));
    QVERIFY(QFileInfo(path).isFile());
}

void tst_EgressProxy::stopsCleanlyWithOpenConnections()
{
    const int threadsBefore = countEntries(QStringLiteral("/proc/self/task"));
    const int fdsBefore = countEntries(QStringLiteral("/proc/self/fd"));
    startProxy({"echo.example"});

    QList<int> clients;
    for (int i = 0; i < 4; ++i)
        clients << openTunnel("echo.example:443");
    for (int i = 0; i < 2; ++i) {
        clients << connectUnix(m_proxy->socketPath());
        (void)::send(clients.last(), "CONNECT echo", 12, MSG_NOSIGNAL);
    }
    QVERIFY(!clients.contains(-1));
    QTRY_COMPARE(m_proxy->activeConnections(), 6);

    QElapsedTimer timer;
    timer.start();
    const QString path = m_proxy->socketPath();
    m_proxy.reset();
    QVERIFY2(timer.elapsed() < 2'000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!QFileInfo::exists(path));

    for (int fd : clients) {
        QCOMPARE(exchange(fd, {}, false, 2'000), QByteArray()); // ends at the proxy's close
        ::close(fd);
    }
    QTRY_COMPARE(countEntries(QStringLiteral("/proc/self/task")), threadsBefore);
    QTRY_COMPARE(countEntries(QStringLiteral("/proc/self/fd")), fdsBefore);
}

void tst_EgressProxy::sandboxedPythonReachesOnlyAllowedHosts()
{
    const QString bwrap = QStandardPaths::findExecutable(QStringLiteral("bwrap"));
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (bwrap.isEmpty() || python.isEmpty())
        QSKIP("needs bwrap and python3");
    const QString forwarder = QStringLiteral(TANDEM_BINARY_DIR "/tests/tandem-test-forwarder");
    QVERIFY(QFileInfo(forwarder).isExecutable());

    // The proxy's socket sits in a folder of its own, bound into the sandbox.
    QVERIFY(QDir(m_dir->path()).mkpath(QStringLiteral("run")));
    StandInServer denied(StandInServer::Mode::Http);
    const QString allowed = QStringLiteral("127.0.0.1:%1").arg(m_http->port());
    startProxy({allowed}, [&](EgressProxy::Options &options) {
        options.socketPath = m_dir->filePath(QStringLiteral("run/proxy.sock"));
        options.allowLoopbackForNames = false;
    });

    const QString script = QStringLiteral(R"(
import http.client, socket, sys, time, urllib.error, urllib.request
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", 3128), timeout=1).close()
        break
    except OSError:
        time.sleep(0.01)
def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return "%d %s" % (r.status, r.read().decode().strip())
    except urllib.error.HTTPError as e:
        return "%d %s" % (e.code, e.read().decode().strip())
    except Exception as e:
        return "error " + type(e).__name__
print("allowed:", get("http://%1/hello"))
print("denied:", get("http://denied.example/"))
print("other port:", get("http://127.0.0.1:%2/"))
c = http.client.HTTPConnection("127.0.0.1", 3128, timeout=10)
c.set_tunnel("127.0.0.1", %3)
c.request("GET", "/tunnel")
r = c.getresponse()
print("tunnel:", r.status, r.read().decode().strip())
try:
    socket.create_connection(("127.0.0.1", %3), timeout=2).close()
    print("direct: connected")
except OSError:
    print("direct: refused")
)")
                               .arg(allowed)
                               .arg(denied.port())
                               .arg(m_http->port());

    QStringList args{
        "--unshare-all", "--die-with-parent", "--new-session", "--uid",     "1000", "--gid",
        "1000",          "--cap-drop",        "ALL",           "--ro-bind", "/usr", "/usr"};
    for (const char *link : {"/bin", "/sbin", "/lib", "/lib64"}) {
        const QFileInfo info(QString::fromLatin1(link));
        if (info.isSymLink())
            args << "--symlink" << info.symLinkTarget() << info.filePath();
    }
    for (const char *file : {"/etc/ld.so.cache", "/etc/alternatives", "/etc/python3.11"}) {
        if (QFileInfo::exists(QString::fromLatin1(file)))
            args << "--ro-bind" << file << file;
    }
    args << "--proc"
         << "/proc"
         << "--dev"
         << "/dev"
         << "--tmpfs"
         << "/tmp"
         << "--ro-bind" << forwarder << "/opt/tandem/forwarder"
         << "--bind" << m_dir->filePath(QStringLiteral("run")) << "/run/tandem"
         << "--remount-ro"
         << "/"
         << "--clearenv"
         << "--setenv"
         << "PATH"
         << "/usr/bin:/bin"
         << "--setenv"
         << "HTTP_PROXY"
         << "http://127.0.0.1:3128"
         << "--setenv"
         << "HTTPS_PROXY"
         << "http://127.0.0.1:3128"
         << "--"
         << "bash"
         << "-c"
         << "/opt/tandem/forwarder /run/tandem/proxy.sock 3128 & exec python3 -c \"$0\"" << script;

    QProcess sandbox;
    sandbox.start(bwrap, args);
    QVERIFY(sandbox.waitForFinished(60'000));
    const QByteArray out = sandbox.readAllStandardOutput();
    QVERIFY2(sandbox.exitCode() == 0, sandbox.readAllStandardError().constData());

    QVERIFY2(out.contains("allowed: 200 hello from stand-in"), out.constData());
    QVERIFY2(out.contains("denied: 403 "), out.constData());
    QVERIFY(out.contains("network.allow"));
    QVERIFY2(out.contains("other port: 403 "), out.constData());
    QVERIFY2(out.contains("tunnel: 200 hello from stand-in"), out.constData());
    QVERIFY2(out.contains("direct: refused"), out.constData());

    QTRY_COMPARE(m_http->received().size(), 2);
    QCOMPARE(denied.connections(), 0);
    // The allowed stand-in is a listed address and the rest were refused: nothing looked up.
    QCOMPARE(m_dns->count(), 0);
    const QList<ProxyDecision> decisions = m_log->all();
    QVERIFY(std::ranges::any_of(decisions, [](const ProxyDecision &d) {
        return d.host == u"denied.example" && !d.allowed;
    }));
}

QTEST_GUILESS_MAIN(tst_EgressProxy)
#include "tst_egressproxy.moc"
