#include "sandbox/bubblewrapsandbox.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace tandem;

namespace {

const QByteArray kCanary = "sk-ant-TEST-CANARY-7f3a";

sandbox::ExecRequest shell(const QString &script, int timeoutMs = 20'000)
{
    sandbox::ExecRequest request;
    request.argv = {QStringLiteral("bash"), QStringLiteral("-c"), script};
    request.timeout = std::chrono::milliseconds(timeoutMs);
    return request;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

// Is anything with this marker in its command line still running anywhere on the host?
bool hostProcessWith(const QString &marker)
{
    QProcess pgrep;
    pgrep.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), marker});
    pgrep.waitForFinished();
    return pgrep.exitCode() == 0;
}

} // namespace

class tst_BubblewrapSandbox : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void runsInTheWorkspace();
    void workspaceIsWritable();
    void outsideTheWorkspaceIsReadOnlyOrHidden_data();
    void outsideTheWorkspaceIsReadOnlyOrHidden();
    void gitFolderIsReadOnly();
    void environmentIsClean();
    void homeIsPrivate();
    void runsAsANonRootUser();
    void hasNoNetwork();
    void timeoutKillsTheWholeTree();
    void backgroundChildHoldingThePipeDoesNotBlock();
    void outputIsCapped();
    void floodIsCounted();
    void cancelStopsAtOnce();
    void processCountIsCapped();
    void commandLineHoldsNoSecret();

private:
    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<QTemporaryDir> m_workspace;
    std::unique_ptr<sandbox::BubblewrapSandbox> m_sandbox;
};

void tst_BubblewrapSandbox::initTestCase()
{
    if (auto installed = sandbox::BubblewrapSandbox::checkInstalled(); !installed)
        QFAIL(qPrintable(installed.error().message));

    // Secrets the host process holds: none may be visible inside.
    qputenv("ANTHROPIC_API_KEY", kCanary);
    qputenv("TANDEM_GIT_TOKEN", "ghp_TESTCANARY0000000000000000000000000");
    m_home = std::make_unique<QTemporaryDir>();
    writeFile(m_home->filePath(QStringLiteral(".ssh/id_canary")), "CANARY-SSH-KEY");
    qputenv("HOME", m_home->path().toUtf8());
}

void tst_BubblewrapSandbox::init()
{
    m_workspace = std::make_unique<QTemporaryDir>();
    writeFile(m_workspace->filePath(QStringLiteral("hello.txt")), "hello from the workspace\n");
    writeFile(m_workspace->filePath(QStringLiteral(".git/config")), "[core]\n");
    sandbox::SandboxPolicy policy;
    policy.workspace = m_workspace->path();
    m_sandbox = std::make_unique<sandbox::BubblewrapSandbox>(policy);
    auto started = m_sandbox->start();
    QVERIFY2(started.has_value(), started ? "" : qPrintable(started.error().message));
}

void tst_BubblewrapSandbox::cleanup()
{
    m_sandbox->stop();
}

void tst_BubblewrapSandbox::runsInTheWorkspace()
{
    auto result = m_sandbox->exec(shell(QStringLiteral("pwd; cat hello.txt")), {});
    QVERIFY(result.has_value());
    QCOMPARE(result->exitCode, 0);
    QCOMPARE(result->stdoutData, QByteArray("/workspace\nhello from the workspace\n"));
}

void tst_BubblewrapSandbox::workspaceIsWritable()
{
    auto result = m_sandbox->exec(shell(QStringLiteral("echo made > new.txt")), {});
    QVERIFY(result.has_value());
    QCOMPARE(result->exitCode, 0);

    QFile made(m_workspace->filePath(QStringLiteral("new.txt")));
    QVERIFY(made.open(QIODevice::ReadOnly));
    QCOMPARE(made.readAll(), QByteArray("made\n"));
}

void tst_BubblewrapSandbox::outsideTheWorkspaceIsReadOnlyOrHidden_data()
{
    QTest::addColumn<QString>("script");
    QTest::newRow("root") << QStringLiteral("touch /planted");
    QTest::newRow("usr") << QStringLiteral("touch /usr/bin/planted");
    QTest::newRow("etc") << QStringLiteral("echo x >> /etc/passwd");
    QTest::newRow("host home") << QStringLiteral("ls %1").arg(qEnvironmentVariable("HOME"));
    QTest::newRow("root's home") << QStringLiteral("ls /root");
    QTest::newRow("host tmp") << QStringLiteral("ls %1").arg(QDir::tempPath() + "/..");
}

void tst_BubblewrapSandbox::outsideTheWorkspaceIsReadOnlyOrHidden()
{
    QFETCH(QString, script);
    auto result =
        m_sandbox->exec(shell(script + QStringLiteral(" && ls -d /root/* 2>/dev/null")), {});
    QVERIFY(result.has_value());
    QVERIFY2(result->exitCode != 0 || result->stdoutData.isEmpty(), result->stdoutData.constData());
    QVERIFY(!QFile::exists(QStringLiteral("/planted")));
    QVERIFY(!QFile::exists(QStringLiteral("/usr/bin/planted")));
}

void tst_BubblewrapSandbox::gitFolderIsReadOnly()
{
    auto result =
        m_sandbox->exec(shell(QStringLiteral("echo '[core] hooksPath=/tmp' >> .git/config")), {});
    QVERIFY(result.has_value());
    QVERIFY(result->exitCode != 0);

    QFile config(m_workspace->filePath(QStringLiteral(".git/config")));
    QVERIFY(config.open(QIODevice::ReadOnly));
    QCOMPARE(config.readAll(), QByteArray("[core]\n"));
}

void tst_BubblewrapSandbox::environmentIsClean()
{
    auto result = m_sandbox->exec(
        shell(QStringLiteral("env; for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ; "
                             "tr '\\0' ' ' < $p/cmdline; echo; done")),
        {});
    QVERIFY(result.has_value());
    QVERIFY(!result->stdoutData.contains("CANARY"));
    QVERIFY(result->stdoutData.contains("HOME=/tmp/home"));
    QVERIFY(!result->stdoutData.contains("DISPLAY="));
    QVERIFY(!result->stdoutData.contains("SSH_AUTH_SOCK="));
}

void tst_BubblewrapSandbox::homeIsPrivate()
{
    auto result = m_sandbox->exec(shell(QStringLiteral("cat ~/.ssh/* %1/.ssh/* 2>&1; ls -A ~")
                                            .arg(qEnvironmentVariable("HOME"))),
                                  {});
    QVERIFY(result.has_value());
    QVERIFY(!result->stdoutData.contains("CANARY"));
}

void tst_BubblewrapSandbox::runsAsANonRootUser()
{
    auto result = m_sandbox->exec(shell(QStringLiteral("id -u")), {});
    QVERIFY(result.has_value());
    QVERIFY(result->stdoutData.trimmed() != "0");
}

void tst_BubblewrapSandbox::hasNoNetwork()
{
    // A listener on the host's loopback records anything that arrives.
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost));
    const QString script = QStringLiteral("exec 3<>/dev/tcp/127.0.0.1/%1 && echo leaked >&3")
                               .arg(listener.serverPort());
    auto result = m_sandbox->exec(shell(script), {});
    QVERIFY(result.has_value());

    QTest::qWait(200);
    QVERIFY(!listener.hasPendingConnections());
    QVERIFY(result->exitCode != 0);

    auto links = m_sandbox->exec(shell(QStringLiteral("ls /sys/class/net 2>/dev/null || "
                                                      "cat /proc/net/dev")),
                                 {});
    QVERIFY(links.has_value());
    QVERIFY(!links->stdoutData.contains("eth"));
}

void tst_BubblewrapSandbox::timeoutKillsTheWholeTree()
{
    const QString script = QStringLiteral("( sleep 1234.5; touch ./LATE_A ) & "
                                          "setsid sh -c 'sleep 1234.6; touch ./LATE_B' & "
                                          "nohup sh -c 'while :; do :; done' >/dev/null 2>&1 & "
                                          "exec sleep 1234.8");
    QElapsedTimer clock;
    clock.start();
    auto result = m_sandbox->exec(shell(script, 1500), {});

    QVERIFY(result.has_value());
    QVERIFY(result->timedOut);
    QVERIFY2(clock.elapsed() < 3500, qPrintable(QString::number(clock.elapsed())));
    QTRY_VERIFY_WITH_TIMEOUT(!hostProcessWith(QStringLiteral("sleep 1234")), 2000);
    QVERIFY(!hostProcessWith(QStringLiteral("while :; do :; done")));
}

void tst_BubblewrapSandbox::backgroundChildHoldingThePipeDoesNotBlock()
{
    QElapsedTimer clock;
    clock.start();
    auto result =
        m_sandbox->exec(shell(QStringLiteral("( sleep 20; echo late ) & exit 0"), 10'000), {});
    QVERIFY(result.has_value());
    QVERIFY(!result->timedOut);
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(!result->stdoutData.contains("late"));
}

void tst_BubblewrapSandbox::outputIsCapped()
{
    auto request = shell(QStringLiteral("seq 1 300000; echo FINAL-SUMMARY-LINE"));
    request.outputCap = 100'000;
    auto result = m_sandbox->exec(request, {});

    QVERIFY(result.has_value());
    QVERIFY(result->stdoutTruncated);
    QCOMPARE(result->stdoutBytes, qint64(1'988'895 + 19));
    QVERIFY(result->stdoutData.size() < 100'100);
    // The start and the end survive; what is left out between them is counted.
    QVERIFY(result->stdoutData.startsWith("1\n2\n3\n"));
    QVERIFY(result->stdoutData.endsWith("299999\n300000\nFINAL-SUMMARY-LINE\n"));
    QVERIFY(result->stdoutData.contains(" bytes not shown]"));
}

void tst_BubblewrapSandbox::floodIsCounted()
{
    auto request = shell(QStringLiteral("yes 0123456789abcdef | head -c 50000000"));
    request.outputCap = 100'000;
    auto result = m_sandbox->exec(request, {});

    QVERIFY(result.has_value());
    QCOMPARE(result->stdoutBytes, qint64(50'000'000));
    QVERIFY(result->stdoutData.size() < 100'100);
}

void tst_BubblewrapSandbox::cancelStopsAtOnce()
{
    base::CancelToken cancel;
    std::thread stopper([cancel] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        cancel.cancel();
    });
    QElapsedTimer clock;
    clock.start();
    auto result = m_sandbox->exec(shell(QStringLiteral("sleep 1234.9")), cancel);
    stopper.join();

    QVERIFY(result.has_value());
    QVERIFY(result->cancelled);
    QVERIFY(clock.elapsed() < 1500);
    QTRY_VERIFY_WITH_TIMEOUT(!hostProcessWith(QStringLiteral("sleep 1234.9")), 2000);
}

void tst_BubblewrapSandbox::processCountIsCapped()
{
    if (!QFileInfo(QStringLiteral("/sys/fs/cgroup/pids")).isWritable())
        QSKIP("this machine offers no writable pids cgroup (v1)");

    sandbox::SandboxPolicy policy;
    policy.workspace = m_workspace->path();
    policy.limits.processes = 64;
    sandbox::BubblewrapSandbox capped(policy);
    QVERIFY(capped.start().has_value());

    // A bounded stand-in for a fork bomb: fork until refused, 300 at the most.
    const QString forker = QStringLiteral("python3 -c 'import os, time\n"
                                          "n = 0\n"
                                          "for i in range(300):\n"
                                          "    try:\n"
                                          "        pid = os.fork()\n"
                                          "    except OSError:\n"
                                          "        break\n"
                                          "    if pid == 0:\n"
                                          "        time.sleep(1234.4)\n"
                                          "        os._exit(0)\n"
                                          "    n += 1\n"
                                          "print(n)'");
    auto result = capped.exec(shell(forker, 20'000), {});
    QVERIFY(result.has_value());
    const int forked = result->stdoutData.trimmed().toInt();
    QVERIFY2(forked > 0 && forked < 64, result->stdoutData + result->stderrData);
    QTRY_VERIFY_WITH_TIMEOUT(!hostProcessWith(QStringLiteral("time.sleep(1234.4)")), 2000);
}

void tst_BubblewrapSandbox::commandLineHoldsNoSecret()
{
    const QString line = m_sandbox->commandLine().join(' ');
    QVERIFY(!line.contains(QString::fromLatin1(kCanary)));
    QVERIFY(!line.contains(QStringLiteral("TESTCANARY")));
    QVERIFY(line.contains(QStringLiteral("--clearenv")));
    QVERIFY(line.contains(QStringLiteral("--unshare-all")));
}

QTEST_GUILESS_MAIN(tst_BubblewrapSandbox)
#include "tst_bubblewrapsandbox.moc"
