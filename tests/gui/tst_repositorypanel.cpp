#include "ui/agentrunner.h"
#include "ui/diffview.h"
#include "ui/mainwindow.h"
#include "ui/promptedit.h"
#include "ui/repositorypanel.h"
#include "ui/webenginesetup.h"

#include "agent/reviewtask.h"
#include "audit/auditlog.h"
#include "llm/anthropicclient.h"
#include "vcs/reviewworkspace.h"
#include "windowtest.h"

#include <Qsci/qscilexerdiff.h>

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <cstdio>
#include <memory>

using namespace tandem;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int kReplyTimeoutMs = 60'000;
constexpr int kJobTimeoutMs = 45'000;
const QString kServerUser = u"x-access-token"_s;
const QString kToken = u"tok-7c21-panel-host-only"_s;

// Refuses every review branch, as a forge's protected-branch rule would.
const char kRefusingHook[] = R"sh(#!/bin/sh
case "$1" in
refs/heads/tandem/*) echo "review branches are frozen: ask a maintainer" >&2; exit 1;;
esac
exit 0
)sh";

// Stands in for VS Code's `code` command: notes the arguments it was started with.
const char kFakeCode[] = R"sh(#!/bin/sh
printf '%s\n' "$@" > "$HOME/code-arguments.txt"
)sh";

struct Run
{
    int exitCode = -1;
    QByteArray out;
};

Run run(const QString &dir, const QString &program, const QStringList &args)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.start(program, args);
    if (!process.waitForFinished(30'000))
        return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput().trimmed()};
}

bool gitOk(const QString &dir, const QStringList &args)
{
    const Run result = run(dir, u"git"_s, args);
    if (result.exitCode != 0)
        qWarning("git %s failed in %s", qPrintable(args.join(u' ')), qPrintable(dir));
    return result.exitCode == 0;
}

QString git(const QString &dir, const QStringList &args)
{
    return QString::fromUtf8(run(dir, u"git"_s, args).out);
}

bool writeFile(const QString &path, const QByteArray &bytes, bool executable = false)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return false;
    file.close();
    return !executable || file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool copyTree(const QString &from, const QString &to)
{
    return run(from, u"cp"_s, {u"-a"_s, from + u"/."_s, to}).exitCode == 0;
}

// The lexer's style at the start of the first line of the view that holds `text`.
int styleOfLine(ui::DiffView *view, const QString &text)
{
    const QStringList lines = view->text().split(u'\n');
    const int line = int(lines.indexOf(text));
    if (line < 0)
        return -1;
    const long position = view->SendScintilla(QsciScintilla::SCI_POSITIONFROMLINE, line);
    view->SendScintilla(QsciScintilla::SCI_COLOURISE, 0, -1);
    return int(view->SendScintilla(QsciScintilla::SCI_GETSTYLEAT, position));
}

} // namespace

class TestRepositoryPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void fixTestAndPush();
    void rejectedPushShowsTheRef();
    void nonFastForwardIsNeverForced();

private:
    void startModelServer();
    void startGitServer();
    void openSession(const QString &checkout);
    void closeSession();
    void sendTask(const QString &task);
    template <typename T>
    T *child(const char *name) const
    {
        return m_window->findChild<T *>(QString::fromLatin1(name));
    }

    QTemporaryDir m_home;
    QTemporaryDir m_work;
    QProcess m_modelServer;
    QProcess m_gitServer;
    QString m_gitServerUrl;
    QString m_gitServerRoot;
    std::unique_ptr<llm::AnthropicClient> m_client;
    std::unique_ptr<audit::AuditLog> m_audit;
    std::unique_ptr<agent::ReviewTask> m_session;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::RepositoryPanel *m_panel = nullptr;
};

// Nothing here reads the real user's git config, credentials, settings or editor.
void TestRepositoryPanel::initTestCase()
{
    QVERIFY(m_home.isValid() && m_work.isValid());
    QVERIFY2(!QStandardPaths::findExecutable(u"git"_s).isEmpty(), "git is missing");
    qputenv("HOME", QFile::encodeName(m_home.path()));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(u".config"_s)));
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
    qputenv("GIT_TERMINAL_PROMPT", "0");
    qputenv("TANDEM_GIT_TOKEN", kToken.toUtf8());
    for (const char *name : {"TANDEM_GIT_USERNAME", "VISUAL", "EDITOR", "http_proxy", "https_proxy",
                             "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"})
        qunsetenv(name);
    const QString bin = m_home.filePath(u"bin"_s);
    QVERIFY(writeFile(bin + u"/code"_s, kFakeCode, true));
    qputenv("PATH", QFile::encodeName(bin) + ':' + qgetenv("PATH"));
    QVERIFY(writeFile(m_home.filePath(u".gitconfig"_s),
                      "[user]\n\tname = Panel Tester\n\temail = panel@example.test\n"
                      "[init]\n\tdefaultBranch = main\n"));

    m_audit = std::make_unique<audit::AuditLog>(m_work.filePath(u"audit.jsonl"_s));
    QVERIFY(m_audit->open());
    startModelServer();
    startGitServer();
}

void TestRepositoryPanel::startModelServer()
{
    QString error;
    m_client = windowtest::startModelServer(m_modelServer, QStringList{u"--demo"_s},
                                            u"scripted-demo"_s, error);
    QVERIFY2(m_client, qPrintable(error));
}

void TestRepositoryPanel::startGitServer()
{
    m_gitServerRoot = m_work.filePath(u"served"_s);
    QVERIFY(QDir().mkpath(m_gitServerRoot));
    m_gitServer.setStandardErrorFile(m_work.filePath(u"git-server.err"_s));
    m_gitServer.start(u"python3"_s, {TANDEM_SOURCE_DIR "/tests/support/git_http_server.py",
                                     "--root", m_gitServerRoot, "--user", kServerUser, "--password",
                                     kToken, "--port", "0"});
    QVERIFY2(m_gitServer.waitForStarted(), qPrintable(m_gitServer.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(m_gitServer.canReadLine(), 15'000);
    const QString line = QString::fromUtf8(m_gitServer.readLine()).trimmed();
    static const QRegularExpression listening(u"^listening on (http://127\\.0\\.0\\.1:\\d+)$"_s);
    const auto match = listening.match(line);
    QVERIFY2(match.hasMatch(), qPrintable(line));
    m_gitServerUrl = match.captured(1);
}

void TestRepositoryPanel::cleanupTestCase()
{
    closeSession();
    for (QProcess *server : {&m_modelServer, &m_gitServer}) {
        server->terminate();
        server->waitForFinished(5'000);
    }
}

void TestRepositoryPanel::openSession(const QString &checkout)
{
    closeSession();
    agent::ReviewTaskOptions options;
    options.source = checkout;
    options.task = u"session"_s;
    options.workspacesRoot = m_work.filePath(u"workspaces"_s);
    options.commitWhenDone = false;
    m_session = std::make_unique<agent::ReviewTask>(*m_client, *m_audit, options);
    const auto prepared = m_session->prepare();
    QVERIFY2(prepared, qPrintable(prepared ? QString() : prepared.error().message));

    const ui::WindowInfo info{m_client->describe(), true, m_session->workspace(),
                              m_session->sandboxSummary()};
    m_window = std::make_unique<ui::MainWindow>(*m_session->loop(), info);
    m_panel = m_window->addRepositoryPanel(*m_session);
    m_window->resize(1600, 1000);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestRepositoryPanel::closeSession()
{
    m_panel = nullptr;
    m_window.reset();
    m_session.reset();
}

void TestRepositoryPanel::sendTask(const QString &task)
{
    auto *prompt = child<ui::PromptEdit>("promptEdit");
    auto *send = child<QPushButton>("sendButton");
    QVERIFY(prompt && send);
    QTest::keyClicks(prompt, task);
    QTest::mouseClick(send, Qt::LeftButton);
}

// The scripted model fixes the demo's failing test in the window; the panel shows the change,
// runs the tests in the sandbox, and only then pushes to a bare remote.
void TestRepositoryPanel::fixTestAndPush()
{
    const QString checkout = m_work.filePath(u"invoicing"_s);
    const QString bare = m_work.filePath(u"invoicing-remote.git"_s);
    QVERIFY(QDir().mkpath(checkout));
    QVERIFY(copyTree(QStringLiteral(TANDEM_SOURCE_DIR "/resources/demo/invoicing"), checkout));
    QVERIFY(gitOk(checkout, {"init", "-q", "-b", "main"}) && gitOk(checkout, {"add", "-A"})
            && gitOk(checkout, {"commit", "-qm", "Invoicing library"}));
    QVERIFY(gitOk(m_work.path(), {"clone", "-q", "--bare", checkout, bare}));
    QVERIFY(gitOk(checkout, {"remote", "add", "origin", bare}));

    openSession(checkout);
    auto *files = child<QListWidget>("changedFiles");
    auto *diff = child<ui::DiffView>("fileDiff");
    auto *push = child<QPushButton>("commitAndPush");
    auto *runTests = child<QPushButton>("runTests");
    QVERIFY(files && diff && push && runTests);
    QCOMPARE(files->count(), 0);
    QVERIFY(!push->isEnabled());
    QVERIFY(child<QLineEdit>("testCommand")->placeholderText().contains(u"unittest"_s));

    sendTask(u"Fix the failing test"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->runner()->isRunning(), kReplyTimeoutMs);

    // The file the model edited, and its diff with the old and new line coloured.
    QCOMPARE(files->count(), 1);
    QVERIFY2(files->item(0)->text().contains(u"invoicing/invoice.py"_s),
             qPrintable(files->item(0)->text()));
    const QString removed = u"-        return self.tax_rate.tax_on(self.subtotal())"_s;
    const QString added =
        u"+        return self.tax_rate.tax_on(self.subtotal() - self.discount_amount())"_s;
    QVERIFY2(diff->text().contains(added), qPrintable(diff->text()));
    QCOMPARE(styleOfLine(diff, added), int(QsciLexerDiff::LineAdded));
    QCOMPARE(styleOfLine(diff, removed), int(QsciLexerDiff::LineRemoved));

    // Not tested yet: no push. Then the repository's own tests, in the sandbox.
    QVERIFY(!push->isEnabled());
    QSignalSpy tested(m_panel, &ui::RepositoryPanel::testsFinished);
    QTest::mouseClick(runTests, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!tested.isEmpty(), kJobTimeoutMs);
    QCOMPARE(tested.constFirst().at(0).toBool(), true);
    QVERIFY(child<QLabel>("testResult")->text().startsWith(u"Passed"_s));
    QVERIFY(push->isEnabled());

    // The pull request speaks of the task and the tests, and is one click from the clipboard.
    const QString title = child<QLineEdit>("pullRequestTitle")->text();
    QCOMPARE(title, u"Fix the failing test"_s);
    QVERIFY(child<QPlainTextEdit>("pullRequestBody")->toPlainText().contains(u"passed"_s));
    QTest::mouseClick(child<QPushButton>("copyPullRequest"), Qt::LeftButton);
    QVERIFY(QApplication::clipboard()->text().startsWith(title + u"\n\n"_s));

    // "Open in my editor" lands on the changed line of the file.
    const QString file = m_session->workspace() + u"/invoicing/invoice.py"_s;
    const QList<QByteArray> lines = readFile(file).split('\n');
    const int changedLine = int(lines.indexOf(added.mid(1).toUtf8())) + 1;
    QVERIFY(changedLine > 0);
    QTest::mouseClick(child<QPushButton>("openInEditor"), Qt::LeftButton);
    const QString arguments = m_home.filePath(u"code-arguments.txt"_s);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(arguments), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(QString::fromUtf8(readFile(arguments)),
                              u"-g\n%1:%2\n"_s.arg(file).arg(changedLine), 5'000);

    QSignalSpy pushed(m_panel, &ui::RepositoryPanel::pushFinished);
    QTest::mouseClick(push, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!pushed.isEmpty(), kJobTimeoutMs);
    QVERIFY2(pushed.constFirst().at(0).toBool(),
             qPrintable(child<QLabel>("repositoryStatus")->text()));

    const QString branch = m_session->reviewWorkspace()->branchName();
    const QString head = git(m_session->workspace(), {"rev-parse", "HEAD"});
    QCOMPARE(git(bare, {"rev-parse", u"refs/heads/"_s + branch}), head);
    QCOMPARE(git(bare, {"show", "--name-only", "--format=%s", head}),
             u"Fix the failing test\n\ninvoicing/invoice.py"_s);
    auto *refs = child<QTreeWidget>("pushRefs");
    QCOMPARE(refs->topLevelItemCount(), 1);
    QCOMPARE(refs->topLevelItem(0)->text(0), u"refs/heads/"_s + branch);
    QCOMPARE(refs->topLevelItem(0)->text(1), u"pushed"_s);
    auto *progress = child<QProgressBar>("pushProgress");
    QCOMPARE(progress->value(), progress->maximum());
    QVERIFY(child<QLabel>("repositoryStatus")->text().contains(u"Pushed refs/heads/"_s));

    QVERIFY(!windowtest::saveScreenshot(m_window.get(), u"repositorypanel-pushed.png"_s).isEmpty());
}

// A remote that refuses the branch: the panel names the ref and the remote's reason, says the
// push failed, and leaves the remote as it was. The tests failed, so only the override, which
// the audit log records, lets the push go out at all.
void TestRepositoryPanel::rejectedPushShowsTheRef()
{
    const QString checkout = m_work.filePath(u"guarded"_s);
    const QString bare = m_gitServerRoot + u"/guarded.git"_s;
    QVERIFY(QDir().mkpath(checkout));
    QVERIFY(writeFile(checkout + u"/README.md"_s, "# Guarded\n"));
    QVERIFY(gitOk(checkout, {"init", "-q", "-b", "main"}) && gitOk(checkout, {"add", "-A"})
            && gitOk(checkout, {"commit", "-qm", "Guarded"}));
    QVERIFY(gitOk(m_work.path(), {"clone", "-q", "--bare", checkout, bare}));
    QVERIFY(writeFile(bare + u"/hooks/update"_s, kRefusingHook, true));
    QVERIFY(gitOk(checkout, {"remote", "add", "origin", m_gitServerUrl + u"/guarded.git"_s}));
    const QString remoteBefore = git(bare, {"for-each-ref"});

    openSession(checkout);
    QVERIFY(writeFile(m_session->workspace() + u"/README.md"_s, "# Guarded\n\nNow with text.\n"));
    m_panel->refresh();
    QCOMPARE(child<QListWidget>("changedFiles")->count(), 1);

    // No test command to detect: the user types one, and the setting keeps it for this source.
    auto *push = child<QPushButton>("commitAndPush");
    auto *runTests = child<QPushButton>("runTests");
    auto *command = child<QLineEdit>("testCommand");
    QVERIFY(command->placeholderText().startsWith(u"No test command found"_s));
    QVERIFY(!runTests->isEnabled());
    QVERIFY(!push->isEnabled());
    command->setFocus();
    QTest::keyClicks(command, u"echo 'two tests failed'; exit 3"_s);
    QTest::keyClick(command, Qt::Key_Return);
    QVERIFY(runTests->isEnabled());
    const QString stored =
        QString::fromUtf8(readFile(m_home.filePath(u".config/tandem/Tandem.conf"_s)));
    QVERIFY2(stored.contains(u"two tests failed"_s), qPrintable(stored));

    QSignalSpy tested(m_panel, &ui::RepositoryPanel::testsFinished);
    QTest::mouseClick(runTests, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!tested.isEmpty(), kJobTimeoutMs);
    QCOMPARE(tested.constFirst().at(0).toBool(), false);
    QVERIFY(child<QLabel>("testResult")->text().startsWith(u"Failed"_s));
    QVERIFY(child<QPlainTextEdit>("testOutput")->toPlainText().contains(u"two tests failed"_s));
    QVERIFY(!push->isEnabled());

    // A result speaks of the files it ran on: another change makes it stale.
    QVERIFY(writeFile(m_session->workspace() + u"/NOTES.md"_s, "notes\n"));
    m_panel->refresh();
    QCOMPARE(child<QListWidget>("changedFiles")->count(), 2);
    QCOMPARE(m_panel->testGate().state(), ui::TestGate::State::NotRun);
    QVERIFY(child<QLabel>("testResult")->text().contains(u"run them again"_s));
    QVERIFY(!push->isEnabled());

    // A title the user wrote stays through refreshes and becomes the commit's subject.
    auto *title = child<QLineEdit>("pullRequestTitle");
    title->selectAll();
    QTest::keyClicks(title, u"Say more in the README"_s);
    m_panel->refresh();
    QCOMPARE(title->text(), u"Say more in the README"_s);

    child<QCheckBox>("testOverride")->setChecked(true);
    QVERIFY(push->isEnabled());
    QSignalSpy pushed(m_panel, &ui::RepositoryPanel::pushFinished);
    QTest::mouseClick(push, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!pushed.isEmpty(), kJobTimeoutMs);
    QCOMPARE(pushed.constFirst().at(0).toBool(), false);

    const QString ref = u"refs/heads/"_s + m_session->reviewWorkspace()->branchName();
    auto *refs = child<QTreeWidget>("pushRefs");
    QCOMPARE(refs->topLevelItemCount(), 1);
    QCOMPARE(refs->topLevelItem(0)->text(0), ref);
    QCOMPARE(refs->topLevelItem(0)->text(1), u"rejected"_s);
    const QString status = child<QLabel>("repositoryStatus")->text();
    QVERIFY2(status.startsWith(u"Committed "_s) && status.contains(u"Push rejected: "_s),
             qPrintable(status));
    QVERIFY2(status.contains(u"review branches are frozen: ask a maintainer"_s),
             qPrintable(status));
    QVERIFY(!status.contains(u"ushed refs/"_s));
    QVERIFY(!status.contains(kToken));
    QCOMPARE(git(bare, {"for-each-ref"}), remoteBefore);
    QCOMPARE(git(m_session->workspace(), {"log", "-1", "--format=%s"}),
             u"Say more in the README"_s);

    const QString audit = QString::fromUtf8(readFile(m_work.filePath(u"audit.jsonl"_s)));
    QVERIFY(audit.contains(u"test_gate_override"_s));
    QVERIFY(audit.contains(u"\"tests\":\"not run\""_s));
    QVERIFY(!audit.contains(kToken));

    QVERIFY(
        !windowtest::saveScreenshot(m_window.get(), u"repositorypanel-rejected.png"_s).isEmpty());
}

// Case 25's third scenario: someone else pushed the branch first. The panel reports the ref as
// failed with the way out (fetch and rebase), and the remote keeps their commit.
void TestRepositoryPanel::nonFastForwardIsNeverForced()
{
    const QString checkout = m_work.filePath(u"contested"_s);
    const QString bare = m_work.filePath(u"contested-remote.git"_s);
    QVERIFY(QDir().mkpath(checkout));
    QVERIFY(writeFile(checkout + u"/README.md"_s, "# Contested\n"));
    QVERIFY(gitOk(checkout, {"init", "-q", "-b", "main"}) && gitOk(checkout, {"add", "-A"})
            && gitOk(checkout, {"commit", "-qm", "Contested"}));
    QVERIFY(gitOk(m_work.path(), {"clone", "-q", "--bare", checkout, bare}));
    QVERIFY(gitOk(checkout, {"remote", "add", "origin", bare}));

    openSession(checkout);
    const QString ref = u"refs/heads/"_s + m_session->reviewWorkspace()->branchName();
    QVERIFY(gitOk(checkout, {"commit", "-q", "--allow-empty", "-m", "theirs"}));
    QVERIFY(gitOk(checkout, {"push", "-q", bare, u"HEAD:"_s + ref}));
    const QString theirs = git(bare, {"rev-parse", ref});

    QVERIFY(writeFile(m_session->workspace() + u"/README.md"_s, "# Contested\n\nMine.\n"));
    m_panel->refresh();
    child<QCheckBox>("testOverride")->setChecked(true);
    QSignalSpy pushed(m_panel, &ui::RepositoryPanel::pushFinished);
    QTest::mouseClick(child<QPushButton>("commitAndPush"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!pushed.isEmpty(), kJobTimeoutMs);
    QCOMPARE(pushed.constFirst().at(0).toBool(), false);

    auto *refs = child<QTreeWidget>("pushRefs");
    QCOMPARE(refs->topLevelItemCount(), 1);
    QCOMPARE(refs->topLevelItem(0)->text(0), ref);
    QVERIFY(refs->topLevelItem(0)->text(1) != u"pushed"_s);
    const QString status = child<QLabel>("repositoryStatus")->text();
    QVERIFY2(status.contains(u"Push rejected: "_s) && status.contains(u"fetch, rebase"_s),
             qPrintable(status));
    QCOMPARE(git(bare, {"rev-parse", ref}), theirs);
}

int main(int argc, char *argv[])
{
    ui::disableChromiumSandboxIfRoot();
    ui::registerUrlSchemes();
    QApplication app(argc, argv);

    TestRepositoryPanel test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_repositorypanel.moc"
