#include "vcs/pullrequest.h"
#include "vcs/pushreport.h"
#include "vcs/reviewworkspace.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace tandem;
using namespace tandem::vcs;
using namespace Qt::Literals::StringLiterals;

namespace {

// The server's only account. A token push sends no username, so Tandem's default must match.
const QString kServerUser = u"x-access-token"_s;
const QString kToken = u"tok-5f1c0a9e-host-only"_s;
const QString kWrongSecret = u"wrong-2b7d41-secret"_s;

// Refuses the review branches whose name says so, like a protected-branch rule on a forge.
const char kUpdateHook[] = R"sh(#!/bin/sh
case "$1" in
refs/heads/tandem/protected*)
    echo "protected branches need a review: open a pull request" >&2
    exit 1;;
esac
exit 0
)sh";

// Answers `git credential` from a file the test controls, and notes each call it gets.
const char kCredentialHelper[] = R"sh(#!/bin/sh
echo "$1" >> "$HOME/helper-calls.log"
cat | grep -E '^(protocol|host)=' >> "$HOME/helper-requests.log"
[ "$1" = get ] || exit 0
[ -f "$HOME/helper-password" ] || exit 0
echo username=x-access-token
echo "password=$(cat "$HOME/helper-password")"
)sh";

// Case 26's repository: CRLF committed before text=auto, NFC/NFD twins, a Latin-1 name.
const char kUnicodeRecipe[] = R"sh(set -e
git init -q -b main src && cd src
printf 'alpha\r\nbeta\r\n' > win.txt
printf 'unix\n' > unix.txt
git add win.txt unix.txt && git commit -qm 'crlf content committed'
printf '* text=auto\n' > .gitattributes && git add .gitattributes
git commit -qm 'add text=auto'
mkdir -p docs
printf 'nfc\n' > "docs/$(printf 'caf\303\251').md"
printf 'nfd\n' > "docs/$(printf 'cafe\314\201').md"
printf 'latin1\n' > "docs/$(printf 'r\351sum\351').txt"
printf 'x\n' > "docs/$(printf 'Stra\303\237e und \303\204rger \346\227\245\346\234\254').md"
git add docs && git commit -qm 'non-ascii names'
)sh";

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    bool ok() const { return exitCode == 0; }
};

QProcessEnvironment fixtureEnvironment()
{
    // The fixtures' own commits carry an identity of their own, so that a test HOME without
    // user.name can still build them.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"GIT_AUTHOR_NAME"_s, u"Fixture"_s);
    env.insert(u"GIT_AUTHOR_EMAIL"_s, u"fixture@example.test"_s);
    env.insert(u"GIT_COMMITTER_NAME"_s, u"Fixture"_s);
    env.insert(u"GIT_COMMITTER_EMAIL"_s, u"fixture@example.test"_s);
    return env;
}

Run run(const QString &program, const QStringList &args, const QString &dir)
{
    QProcess process;
    process.setProcessEnvironment(fixtureEnvironment());
    process.setWorkingDirectory(dir);
    process.start(program, args);
    Run result;
    if (!process.waitForFinished(60'000)) {
        process.kill();
        process.waitForFinished();
        return result;
    }

    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

Run gitRun(const QString &dir, const QStringList &args)
{
    return run(u"git"_s, args, dir);
}

bool gitOk(const QString &dir, const QStringList &args)
{
    const Run result = gitRun(dir, args);
    if (!result.ok())
        qWarning() << "git" << args << "failed:" << result.err;
    return result.ok();
}

// git's trimmed output, or a null string when git failed.
QString git(const QString &dir, const QStringList &args)
{
    const Run result = gitRun(dir, args);
    return result.ok() ? QString::fromUtf8(result.out).trimmed() : QString();
}

// A ref of a bare remote, or a null string when the remote has no such ref.
QString remoteRef(const QString &bare, const QString &ref)
{
    return git(bare, {"--git-dir", bare, "rev-parse", "--verify", "-q", ref});
}

QString remoteRefs(const QString &bare)
{
    return git(bare, {"--git-dir", bare, "for-each-ref"});
}

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
           && file.write(bytes) == bytes.size();
}

bool writeScript(const QString &path, const QByteArray &script)
{
    return writeBytes(path, script)
           && QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

QByteArray sha256(const QString &path)
{
    return QCryptographicHash::hash(readBytes(path), QCryptographicHash::Sha256).toHex();
}

// Names that are not UTF-8 cannot pass through QString: these two work on the bytes.
std::string rawPath(const QString &folder, const QByteArray &relative)
{
    return QFile::encodeName(folder).toStdString() + '/' + relative.toStdString();
}

QByteArray readRawPath(const QString &folder, const QByteArray &relative)
{
    std::ifstream in(rawPath(folder, relative), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return in ? QByteArray::fromStdString(content.str()) : QByteArray("<missing>");
}

bool appendRawPath(const QString &folder, const QByteArray &relative, const QByteArray &text)
{
    std::ofstream out(rawPath(folder, relative), std::ios::binary | std::ios::app);
    out << text.toStdString();
    return bool(out);
}

QString errorOf(const auto &result)
{
    return result ? QString() : result.error().message;
}

} // namespace

class tst_ReviewWorkspace : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void prepareRefuses_data();
    void prepareRefuses();
    void worktreeLeavesCheckoutUntouched();
    void worktreeFromDetachedHead();
    void cloneFromUrl_data();
    void cloneFromUrl();
    void branchNameCollision();
    void commitAllStagesEverything();
    void commitRefuses_data();
    void commitRefuses();
    void freshCloneIsClean_data();
    void freshCloneIsClean();
    void changedFilesKeepNames();
    void newFileLine_data();
    void newFileLine();
    void pushProgressAndCancel();
    void pushAuthentication_data();
    void pushAuthentication();
    void pushRejected_data();
    void pushRejected();
    void pushToUnknownRemote();
    void reviewBranchNames_data();
    void reviewBranchNames();
    void pullRequest_data();
    void pullRequest();
    void pushReportSummary_data();
    void pushReportSummary();
    void credentialsFromEnvironment();

private:
    void isolateFromUserConfig();
    void startServer();
    void writeGlobalConfig(const QString &extra = {});
    QString makeCheckout(const QString &name);
    QString makeRemote(const QString &name, const QString &checkout);
    QString remoteUrl(const QString &name) const;
    QString workspacesRoot() const { return m_work.filePath(u"workspaces"_s); }
    QStringList serverLog(const QString &name) const;
    QStringList homeFileLines(const QString &name) const;
    void resetHelper(const QString &password);

    QTemporaryDir m_home;
    QTemporaryDir m_work;
    QProcess m_server;
    QString m_serverUrl;
    QString m_serverRoot;
    QString m_serverLog;
};

void tst_ReviewWorkspace::initTestCase()
{
    QVERIFY(m_home.isValid() && m_work.isValid());
    QVERIFY2(!QStandardPaths::findExecutable(u"git"_s).isEmpty(), "git is missing");
    isolateFromUserConfig();
    startServer();
}

// Nothing here may read or write the real user's git config or credentials. libgit2 reads
// HOME when it starts, which is after this: the library starts it on first use.
void tst_ReviewWorkspace::isolateFromUserConfig()
{
    qputenv("HOME", QFile::encodeName(m_home.path()));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(u".config"_s)));
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
    qputenv("GIT_TERMINAL_PROMPT", "0");
    for (const char *name :
         {"TANDEM_GIT_TOKEN", "TANDEM_GIT_USERNAME", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
          "GIT_ASKPASS", "SSH_ASKPASS", "GIT_CONFIG_GLOBAL", "http_proxy", "https_proxy",
          "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
        qunsetenv(name);

    QVERIFY(writeScript(m_home.filePath(u"credential-helper.sh"_s), kCredentialHelper));
}

// Tests that change the global config get the usual one back before the next one starts.
void tst_ReviewWorkspace::init()
{
    writeGlobalConfig(u"[user]\n\tname = Tandem Tester\n\temail = tester@example.test\n"_s);
}

void tst_ReviewWorkspace::writeGlobalConfig(const QString &extra)
{
    const QString config = u"[init]\n\tdefaultBranch = main\n[credential]\n\thelper = %1\n"_s.arg(
                               m_home.filePath(u"credential-helper.sh"_s))
                           + extra;
    QVERIFY(writeBytes(m_home.filePath(u".gitconfig"_s), config.toUtf8()));
}

void tst_ReviewWorkspace::startServer()
{
    m_serverRoot = m_work.filePath(u"served"_s);
    m_serverLog = m_work.filePath(u"server.log"_s);
    QVERIFY(QDir().mkpath(m_serverRoot));

    QString python = u"/usr/bin/python3"_s;
    if (!QFileInfo(python).isExecutable())
        python = QStandardPaths::findExecutable(u"python3"_s);
    m_server.setStandardErrorFile(m_work.filePath(u"server.err"_s));
    m_server.start(python, {TANDEM_SOURCE_DIR "/tests/support/git_http_server.py", "--root",
                            m_serverRoot, "--user", kServerUser, "--password", kToken, "--port",
                            "0", "--log", m_serverLog});
    QVERIFY2(m_server.waitForStarted(), qPrintable(m_server.errorString()));

    QElapsedTimer clock;
    clock.start();
    while (!m_server.canReadLine() && clock.elapsed() < 15'000)
        m_server.waitForReadyRead(500);
    const QString line = QString::fromUtf8(m_server.readLine()).trimmed();
    static const QRegularExpression listening(u"^listening on (http://127\\.0\\.0\\.1:\\d+)$"_s);
    const auto match = listening.match(line);
    QVERIFY2(match.hasMatch(), qPrintable(u"the server said: "_s + line));
    m_serverUrl = match.captured(1);
}

void tst_ReviewWorkspace::cleanupTestCase()
{
    if (m_server.state() != QProcess::NotRunning) {
        m_server.kill();
        m_server.waitForFinished(5'000);
    }

    // QDir cannot name the Latin-1 file of case 26; std::filesystem removes by bytes.
    std::error_code ignored;
    std::filesystem::remove_all(QFile::encodeName(m_work.path()).toStdString(), ignored);
}

// A checkout on `main` with a .gitignore and two commits, like a user's project.
QString tst_ReviewWorkspace::makeCheckout(const QString &name)
{
    const QString dir = m_work.filePath(u"checkouts/"_s + name);
    const bool made = QDir().mkpath(dir) && gitOk(dir, {"init", "-q", "-b", "main"})
                      && writeBytes(dir + u"/README.md"_s, "# Demo\n\nRounds numbers.\n")
                      && writeBytes(dir + u"/src/app.txt"_s, "round(x) = floor(x)\n")
                      && writeBytes(dir + u"/.gitignore"_s, "*.log\nbuild/\n")
                      && gitOk(dir, {"add", "."}) && gitOk(dir, {"commit", "-qm", "initial"})
                      && writeBytes(dir + u"/src/util.txt"_s, "helpers\n")
                      && gitOk(dir, {"add", "."}) && gitOk(dir, {"commit", "-qm", "second"});
    return made ? dir : QString();
}

// A bare repository behind the HTTP server, seeded with the checkout's main and set as its
// `origin` by URL, so that pushes from the checkout's worktrees go over HTTP with auth.
QString tst_ReviewWorkspace::makeRemote(const QString &name, const QString &checkout)
{
    const QString bare = m_serverRoot + u'/' + name + u".git"_s;
    const bool made = !checkout.isEmpty()
                      && gitOk(m_serverRoot, {"init", "-q", "--bare", "-b", "main", bare})
                      && gitOk(checkout, {"push", "-q", bare, "main"})
                      && gitOk(checkout, {"remote", "add", "origin", remoteUrl(name)});
    return made ? bare : QString();
}

QString tst_ReviewWorkspace::remoteUrl(const QString &name) const
{
    return m_serverUrl + u'/' + name + u".git"_s;
}

QStringList tst_ReviewWorkspace::serverLog(const QString &name) const
{
    const QByteArray needle = (u'/' + name + u".git/"_s).toUtf8();
    QStringList lines;
    for (const QByteArray &line : readBytes(m_serverLog).split('\n')) {
        if (line.contains(needle))
            lines << QString::fromUtf8(line);
    }
    return lines;
}

QStringList tst_ReviewWorkspace::homeFileLines(const QString &name) const
{
    QFile file(m_home.filePath(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

// With an empty `password` the helper knows nothing for any URL.
void tst_ReviewWorkspace::resetHelper(const QString &password)
{
    for (const QString &file :
         {u"helper-calls.log"_s, u"helper-requests.log"_s, u"helper-password"_s})
        QFile::remove(m_home.filePath(file));
    if (!password.isEmpty())
        QVERIFY(writeBytes(m_home.filePath(u"helper-password"_s), password.toUtf8()));
}

void tst_ReviewWorkspace::prepareRefuses_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    QTest::newRow("plain folder")
        << "plain"
        << "not_a_repository"
        << "is not a git repository: pass --repo a checkout or a clone URL";
    QTest::newRow("missing folder") << "missing"
                                    << "not_a_repository"
                                    << "does not exist: pass --repo";
    QTest::newRow("no commits") << "empty-repo"
                                << "no_commits"
                                << "has no commits yet";
    QTest::newRow("root not writable") << "root-under-file"
                                       << "workspaces_root_not_writable"
                                       << "choose a folder you can write to";
    QTest::newRow("clone of a missing repository") << "missing-url"
                                                   << "clone_failed"
                                                   << "cannot clone http://127.0.0.1:";
    QTest::newRow("clone of an empty repository") << "empty-url"
                                                  << "no_commits"
                                                  << "has no commits yet";
}

void tst_ReviewWorkspace::prepareRefuses()
{
    QFETCH(QString, setup);
    QFETCH(QString, code);
    QFETCH(QString, message);

    const QString dir = m_work.filePath(u"refuse-"_s + setup);
    QString source = dir;
    QString root = workspacesRoot();
    if (setup == "plain"_L1) {
        QVERIFY(writeBytes(dir + u"/notes.txt"_s, "not a repo\n"));
    } else if (setup == "empty-repo"_L1) {
        QVERIFY(gitOk(m_work.path(), {"init", "-q", dir}));
    } else if (setup == "root-under-file"_L1) {
        source = makeCheckout(u"refuse-root"_s);
        QVERIFY(writeBytes(dir, "a file, not a folder\n"));
        root = dir + u"/workspaces"_s;
    } else if (setup == "missing-url"_L1) {
        source = remoteUrl(u"no-such-repository"_s);
    } else if (setup == "empty-url"_L1) {
        QVERIFY(gitOk(m_serverRoot, {"init", "-q", "--bare", "empty.git"}));
        source = remoteUrl(u"empty"_s);
    }

    const auto entries = [&root] {
        return QDir(root).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::Hidden);
    };
    const QStringList before = entries();
    auto workspace = ReviewWorkspace::prepare(source, u"Fix it"_s, root, {{}, kToken});
    QVERIFY(!workspace);
    QCOMPARE(workspace.error().code, code);
    QVERIFY2(workspace.error().message.contains(message), qPrintable(errorOf(workspace)));
    QVERIFY(!workspace.error().message.contains(u'\n'));
    QVERIFY(!workspace.error().message.contains(kToken));
    QCOMPARE(entries(), before);
}

void tst_ReviewWorkspace::worktreeLeavesCheckoutUntouched()
{
    const QString checkout = makeCheckout(u"untouched"_s);
    QVERIFY(!checkout.isEmpty());
    // Uncommitted work of every kind: an unstaged edit, a staged file, an untracked file.
    QVERIFY(writeBytes(checkout + u"/src/app.txt"_s, "round(x) = floor(x + 0.5)\n"));
    QVERIFY(writeBytes(checkout + u"/staged.txt"_s, "staged\n"));
    QVERIFY(gitOk(checkout, {"add", "staged.txt"}));
    QVERIFY(writeBytes(checkout + u"/scratch.txt"_s, "untracked\n"));

    const auto snapshot = [&checkout] {
        QStringList state;
        for (const char *file : {"/.git/HEAD", "/.git/index", "/src/app.txt", "/staged.txt",
                                 "/scratch.txt", "/README.md"})
            state << QString::fromLatin1(sha256(checkout + QString::fromLatin1(file)));
        // Without optional locks `git status` leaves the index file as it is.
        state << git(checkout, {"--no-optional-locks", "status", "--porcelain"});
        state << git(checkout, {"rev-parse", "HEAD"}) << git(checkout, {"symbolic-ref", "HEAD"});
        return state;
    };
    const QStringList before = snapshot();
    const QString head = git(checkout, {"rev-parse", "HEAD"});

    auto prepared =
        ReviewWorkspace::prepare(checkout + u"/src"_s, u"Fix the rounding bug"_s, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    ReviewWorkspace &workspace = **prepared;
    const QString ws = workspace.path();

    QCOMPARE(workspace.branchName(), u"tandem/fix-the-rounding-bug"_s);
    QCOMPARE(workspace.baseCommit(), head);
    QCOMPARE(QFileInfo(ws).path(), QFileInfo(workspacesRoot()).absoluteFilePath());
    static const QRegularExpression folder(u"^untouched-fix-the-rounding-bug-[0-9a-f]{6}$"_s);
    QVERIFY2(folder.match(QFileInfo(ws).fileName()).hasMatch(), qPrintable(ws));
    QCOMPARE(git(ws, {"symbolic-ref", "HEAD"}), u"refs/heads/tandem/fix-the-rounding-bug"_s);
    QCOMPARE(readBytes(ws + u"/src/app.txt"_s), QByteArray("round(x) = floor(x)\n"));
    QVERIFY(!QFileInfo::exists(ws + u"/staged.txt"_s));
    QVERIFY(!QFileInfo::exists(ws + u"/scratch.txt"_s));
    QVERIFY(!workspace.hasChanges());
    QVERIFY(workspace.diff().isEmpty());
    QCOMPARE(snapshot(), before);

    QVERIFY(writeBytes(ws + u"/src/app.txt"_s, "round(x) = nearest(x)\n"));
    auto commit = workspace.commitAll(u"Fix the rounding bug"_s);
    QVERIFY2(commit, qPrintable(errorOf(commit)));
    QCOMPARE(snapshot(), before);
    QCOMPARE(git(checkout, {"rev-parse", workspace.branchName()}), commit->sha);
}

// Case 28: from a detached HEAD the review branch is a real branch, never "HEAD".
void tst_ReviewWorkspace::worktreeFromDetachedHead()
{
    const QString checkout = makeCheckout(u"detached"_s);
    const QString bare = makeRemote(u"detached"_s, checkout);
    QVERIFY(!bare.isEmpty());
    QVERIFY(gitOk(checkout, {"tag", "v1.0", "HEAD~1"}));
    QVERIFY(gitOk(checkout, {"checkout", "-q", "--detach", "v1.0"}));
    const QString tagged = git(checkout, {"rev-parse", "v1.0^{commit}"});

    auto prepared =
        ReviewWorkspace::prepare(checkout, u"Fix v1.0 release notes"_s, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    ReviewWorkspace &workspace = **prepared;
    const QString branch = u"tandem/fix-v1-0-release-notes"_s;
    QCOMPARE(workspace.branchName(), branch);
    QCOMPARE(workspace.baseCommit(), tagged);
    QVERIFY(!gitRun(checkout, {"symbolic-ref", "-q", "HEAD"}).ok());
    QCOMPARE(git(checkout, {"rev-parse", "HEAD"}), tagged);

    QVERIFY(writeBytes(workspace.path() + u"/NOTES.md"_s, "v1.0 fixes\n"));
    auto commit = workspace.commitAll(u"Fix v1.0 release notes"_s);
    QVERIFY2(commit, qPrintable(errorOf(commit)));
    auto pushed = workspace.push(u"origin"_s, {{}, kToken});
    QVERIFY2(pushed, qPrintable(errorOf(pushed)));
    QCOMPARE(remoteRef(bare, u"refs/heads/"_s + branch), commit->sha);

    // Pushing again changes nothing and is still a success.
    auto again = workspace.push(u"origin"_s, {{}, kToken});
    QVERIFY2(again && again->allAccepted(), qPrintable(again ? again->summary() : errorOf(again)));

    const QString refs = git(bare, {"--git-dir", bare, "for-each-ref", "--format=%(refname)"});
    QVERIFY2(!refs.contains(u"refs/heads/HEAD"_s), qPrintable(refs));
    QCOMPARE(git(bare, {"--git-dir", bare, "symbolic-ref", "HEAD"}), u"refs/heads/main"_s);
}

void tst_ReviewWorkspace::cloneFromUrl_data()
{
    QTest::addColumn<QString>("scheme");

    QTest::newRow("http with the credential helper") << "http";
    QTest::newRow("file url") << "file";
}

void tst_ReviewWorkspace::cloneFromUrl()
{
    QFETCH(QString, scheme);

    const QString name = u"clone-"_s + scheme;
    const QString bare = makeRemote(name, makeCheckout(name));
    QVERIFY(!bare.isEmpty());
    const bool http = scheme == "http"_L1;
    const QString url = http ? remoteUrl(name) : QUrl::fromLocalFile(bare).toString();
    resetHelper(kToken);

    // No credentials given: the token would come from the environment, which has none here,
    // so the clone over HTTP asks the credential helper.
    auto prepared = ReviewWorkspace::prepare(url, u"Add a changelog"_s, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    ReviewWorkspace &workspace = **prepared;
    const QString ws = workspace.path();

    QVERIFY(QFileInfo(ws + u"/.git"_s).isDir());
    QVERIFY(QFileInfo(ws).fileName().startsWith(name + u"-add-a-changelog-"_s));
    QCOMPARE(workspace.branchName(), u"tandem/add-a-changelog"_s);
    QCOMPARE(workspace.baseCommit(), remoteRef(bare, u"refs/heads/main"_s));
    QCOMPARE(git(ws, {"symbolic-ref", "HEAD"}), u"refs/heads/tandem/add-a-changelog"_s);
    QCOMPARE(git(ws, {"status", "--porcelain"}), QString());
    QCOMPARE(git(ws, {"config", "remote.origin.url"}), url);
    QVERIFY(!workspace.hasChanges());
    QCOMPARE(homeFileLines(u"helper-calls.log"_s),
             (http ? QStringList{"get", "store"} : QStringList()));
}

void tst_ReviewWorkspace::branchNameCollision()
{
    const QString checkout = makeCheckout(u"collide"_s);
    QVERIFY(!checkout.isEmpty());
    // A branch that only the remote has is taken too: pushing over it would be refused.
    QVERIFY(gitOk(checkout, {"remote", "add", "origin", remoteUrl(u"collide"_s)}));
    QVERIFY(gitOk(checkout, {"update-ref", "refs/remotes/origin/tandem/add-a-test-3", "HEAD"}));

    QStringList branches;
    QStringList paths;
    std::vector<std::unique_ptr<ReviewWorkspace>> workspaces;
    for (int i = 0; i < 3; ++i) {
        auto prepared = ReviewWorkspace::prepare(checkout, u"Add a test"_s, workspacesRoot());
        QVERIFY2(prepared, qPrintable(errorOf(prepared)));
        branches << (*prepared)->branchName();
        paths << (*prepared)->path();
        workspaces.push_back(std::move(*prepared));
    }

    QCOMPARE(branches,
             QStringList({"tandem/add-a-test", "tandem/add-a-test-2", "tandem/add-a-test-4"}));
    paths.removeDuplicates();
    QCOMPARE(paths.size(), 3);
}

void tst_ReviewWorkspace::commitAllStagesEverything()
{
    const QString checkout = makeCheckout(u"commit"_s);
    QVERIFY(!checkout.isEmpty());
    auto prepared = ReviewWorkspace::prepare(checkout, u"Add the feature"_s, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    ReviewWorkspace &workspace = **prepared;
    const QString ws = workspace.path();

    QVERIFY(writeBytes(ws + u"/README.md"_s, "# Demo\n\nRounds numbers well.\n"));
    QVERIFY(QFile::remove(ws + u"/src/app.txt"_s));
    QVERIFY(writeBytes(ws + u"/new/feature.txt"_s, "feature line\n"));
    QVERIFY(writeBytes(ws + u"/debug.log"_s, "ignored\n"));
    QVERIFY(writeBytes(ws + u"/build/out.bin"_s, "ignored too\n"));

    QVERIFY(workspace.hasChanges());
    const QString diff = workspace.diff();
    QVERIFY2(diff.contains(u"+feature line"_s), qPrintable(diff));
    QVERIFY(diff.contains(u"deleted file mode"_s));
    QVERIFY(diff.contains(u"+Rounds numbers well."_s));
    QVERIFY(!diff.contains(u"debug.log"_s) && !diff.contains(u"out.bin"_s));
    const QString stat = workspace.diffStat();
    QVERIFY2(stat.contains(u"new/feature.txt"_s), qPrintable(stat));
    QVERIFY2(stat.contains(u"3 files changed"_s), qPrintable(stat));

    auto commit = workspace.commitAll(u"Add the feature\n\nWith a longer body.\n"_s);
    QVERIFY2(commit, qPrintable(errorOf(commit)));
    QCOMPARE(commit->summary, u"Add the feature"_s);
    QCOMPARE(commit->filesChanged, 3);
    QCOMPARE(git(ws, {"rev-parse", "HEAD"}), commit->sha);
    QCOMPARE(git(ws, {"rev-parse", "HEAD~1"}), workspace.baseCommit());
    QCOMPARE(git(ws, {"log", "-1", "--format=%an <%ae>"}),
             u"Tandem Tester <tester@example.test>"_s);
    QCOMPARE(git(ws, {"show", "--name-status", "--format=", "HEAD"}),
             u"M\tREADME.md\nA\tnew/feature.txt\nD\tsrc/app.txt"_s);
    QCOMPARE(git(ws, {"status", "--porcelain"}), QString());
    QCOMPARE(git(ws, {"status", "--porcelain", "--ignored"}), u"!! build/\n!! debug.log"_s);
    QVERIFY2(workspace.hasChanges(), "the branch still differs from its base after the commit");
}

void tst_ReviewWorkspace::commitRefuses_data()
{
    QTest::addColumn<bool>("identity");
    QTest::addColumn<QByteArray>("change");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("explanation");

    QTest::newRow("nothing to commit") << true << QByteArray() << "Fix"
                                       << "nothing_to_commit"
                                       << "nothing to commit";
    QTest::newRow("only ignored files") << true << QByteArray("trace.log") << "Fix"
                                        << "nothing_to_commit"
                                        << "nothing to commit";
    QTest::newRow("empty message") << true << QByteArray("README.md") << "  \n"
                                   << "empty_message"
                                   << "needs a message";
    QTest::newRow("no identity") << false << QByteArray("README.md") << "Fix"
                                 << "no_identity"
                                 << "git config --global user.name";
}

void tst_ReviewWorkspace::commitRefuses()
{
    QFETCH(bool, identity);
    QFETCH(QByteArray, change);
    QFETCH(QString, message);
    QFETCH(QString, code);
    QFETCH(QString, explanation);

    const QString checkout = makeCheckout(u"refuse-commit-"_s + QTest::currentDataTag());
    QVERIFY(!checkout.isEmpty());
    if (!identity)
        writeGlobalConfig();
    auto prepared = ReviewWorkspace::prepare(checkout, u"Fix"_s, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    ReviewWorkspace &workspace = **prepared;
    if (!change.isEmpty())
        QVERIFY(writeBytes(workspace.path() + u'/' + QString::fromUtf8(change), "changed\n"));

    auto commit = workspace.commitAll(message);
    QVERIFY(!commit);
    QCOMPARE(commit.error().code, code);
    QVERIFY2(commit.error().message.contains(explanation), qPrintable(errorOf(commit)));
    QCOMPARE(git(workspace.path(), {"rev-parse", "HEAD"}), workspace.baseCommit());
}

void tst_ReviewWorkspace::freshCloneIsClean_data()
{
    QTest::addColumn<QString>("autocrlf");

    QTest::newRow("core.autocrlf unset") << QString();
    QTest::newRow("core.autocrlf input") << "input";
}

// Case 26: CRLF under text=auto and non-ASCII names leave a fresh clone clean, a commit of
// one edited file holds that file only, and the diff names every path readably or exactly.
void tst_ReviewWorkspace::freshCloneIsClean()
{
    QFETCH(QString, autocrlf);

    const QString variant = autocrlf.isEmpty() ? u"unset"_s : autocrlf;
    const QString dir = m_work.filePath(u"unicode-"_s + variant);
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(run(u"/bin/sh"_s, {"-c", QString::fromUtf8(kUnicodeRecipe)}, dir).ok());
    const QString bare = dir + u"/origin.git"_s;
    QVERIFY(gitOk(dir, {"clone", "-q", "--bare", "src", bare}));

    if (!autocrlf.isEmpty())
        writeGlobalConfig(u"[user]\n\tname = T\n\temail = t@example.test\n"
                          "[core]\n\tautocrlf = %1\n"_s.arg(autocrlf));
    auto prepared = ReviewWorkspace::prepare(QUrl::fromLocalFile(bare).toString(),
                                             u"Edit unix.txt"_s, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    ReviewWorkspace &workspace = **prepared;
    const QString ws = workspace.path();

    QVERIFY2(!workspace.hasChanges(), qPrintable(workspace.diff()));
    QVERIFY(workspace.diff().isEmpty());
    QCOMPARE(git(ws, {"status", "--porcelain"}), QString());
    QCOMPARE(readRawPath(ws, "docs/caf\xc3\xa9.md"), QByteArray("nfc\n"));
    QCOMPARE(readRawPath(ws, "docs/cafe\xcc\x81.md"), QByteArray("nfd\n"));
    QCOMPARE(readRawPath(ws, "docs/r\xe9sum\xe9.txt"), QByteArray("latin1\n"));

    QVERIFY(writeBytes(ws + u"/unix.txt"_s, "unix, edited\n"));
    QVERIFY(workspace.diffStat().contains(u"1 file changed"_s));
    auto commit = workspace.commitAll(u"Edit unix.txt"_s);
    QVERIFY2(commit, qPrintable(errorOf(commit)));
    QCOMPARE(commit->filesChanged, 1);
    QCOMPARE(git(ws, {"show", "--name-only", "--format=", "HEAD"}), u"unix.txt"_s);
    QCOMPARE(gitRun(ws, {"cat-file", "-p", "HEAD:win.txt"}).out, QByteArray("alpha\r\nbeta\r\n"));
    QCOMPARE(gitRun(ws, {"ls-files", "-z"}).out.count('\0'), 7);
    QCOMPARE(git(ws, {"status", "--porcelain"}), QString());

    QVERIFY(appendRawPath(ws, "docs/caf\xc3\xa9.md", "more\n"));
    QVERIFY(appendRawPath(ws, "docs/r\xe9sum\xe9.txt", "more\n"));
    const QString diff = workspace.diff();
    const QString nfc = QString::fromUtf8("docs/caf\xc3\xa9.md");
    QVERIFY2(diff.contains(u"diff --git a/%1 b/%1\n"_s.arg(nfc)), qPrintable(diff));
    QVERIFY(diff.contains(u"--- \"a/docs/r\\351sum\\351.txt\"\n"_s));
    QVERIFY(!diff.contains(QString::fromUtf8("cafe\xcc\x81")));
}

// Case 26 in the repository panel's list: NFC and NFD twins are two entries, each with its own
// diff, and a name that is not UTF-8 keeps its bytes and is shown in git's quoted form.
void tst_ReviewWorkspace::changedFilesKeepNames()
{
    const QString dir = m_work.filePath(u"names"_s);
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(run(u"/bin/sh"_s, {"-c", QString::fromUtf8(kUnicodeRecipe)}, dir).ok());
    const QString bare = dir + u"/origin.git"_s;
    QVERIFY(gitOk(dir, {"clone", "-q", "--bare", "src", bare}));
    auto prepared = ReviewWorkspace::prepare(QUrl::fromLocalFile(bare).toString(),
                                             u"Edit the docs"_s, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    ReviewWorkspace &workspace = **prepared;
    const QString ws = workspace.path();
    QVERIFY(workspace.changedFiles().empty());

    QVERIFY(appendRawPath(ws, "docs/caf\xc3\xa9.md", "nfc more\n"));
    QVERIFY(appendRawPath(ws, "docs/cafe\xcc\x81.md", "nfd more\n"));
    QVERIFY(appendRawPath(ws, "docs/r\xe9sum\xe9.txt", "latin1 more\n"));
    QVERIFY(writeBytes(ws + u"/added.txt"_s, "one\ntwo\n"));

    const std::vector<ChangedFile> files = workspace.changedFiles();
    QCOMPARE(files.size(), size_t(4));
    QMap<QByteArray, const ChangedFile *> byPath;
    for (const ChangedFile &file : files)
        byPath.insert(file.path, &file);
    QCOMPARE(byPath.size(), 4);

    const ChangedFile *nfc = byPath.value("docs/caf\xc3\xa9.md");
    const ChangedFile *nfd = byPath.value("docs/cafe\xcc\x81.md");
    const ChangedFile *latin1 = byPath.value("docs/r\xe9sum\xe9.txt");
    const ChangedFile *added = byPath.value("added.txt");
    QVERIFY(nfc && nfd && latin1 && added);
    QCOMPARE(nfc->displayPath, QString::fromUtf8("docs/caf\xc3\xa9.md"));
    QCOMPARE(nfd->displayPath, QString::fromUtf8("docs/cafe\xcc\x81.md"));
    QVERIFY(nfc->patch.contains(u"\n+nfc more\n"_s) && !nfc->patch.contains(u"nfd"_s));
    QVERIFY(nfd->patch.contains(u"\n+nfd more\n"_s) && !nfd->patch.contains(u"nfc"_s));
    QCOMPARE(latin1->displayPath, u"\"docs/r\\351sum\\351.txt\""_s);
    QVERIFY(latin1->patch.contains(u"\n+latin1 more\n"_s));
    QCOMPARE(nfc->status, ChangedFile::Status::Modified);
    QCOMPARE(nfc->additions, 1);
    QCOMPARE(nfc->deletions, 0);
    QCOMPARE(added->status, ChangedFile::Status::Added);
    QCOMPARE(added->additions, 2);
}

void tst_ReviewWorkspace::newFileLine_data()
{
    QTest::addColumn<int>("patchLine");
    QTest::addColumn<int>("fileLine");

    // Lines 0-3 are headers; the hunk starts at line 10 of the new file.
    QTest::newRow("header") << 0 << 1;
    QTest::newRow("hunk header") << 4 << 10;
    QTest::newRow("context") << 5 << 10;
    QTest::newRow("removed line: the line that follows it") << 6 << 11;
    QTest::newRow("added line") << 7 << 11;
    QTest::newRow("second added line") << 8 << 12;
    QTest::newRow("context after") << 9 << 13;
    QTest::newRow("second hunk") << 11 << 40;
    QTest::newRow("past the end") << 99 << 41;
}

void tst_ReviewWorkspace::newFileLine()
{
    QFETCH(int, patchLine);
    QFETCH(int, fileLine);

    ChangedFile file;
    file.patch = u"diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n"
                 "@@ -10,3 +10,4 @@ void f()\n a\n-b\n+c\n+d\n e\n"
                 "@@ -38,2 +40,2 @@\n x\n-y\n+z\n"_s;
    QCOMPARE(file.newFileLine(patchLine), fileLine);
}

// The window pushes off its own thread: progress reaches the caller, and a stop before the
// remote got anything leaves it as it was, reported as stopped, not as a failure of the remote.
void tst_ReviewWorkspace::pushProgressAndCancel()
{
    const QString checkout = makeCheckout(u"progress"_s);
    const QString bare = makeRemote(u"progress"_s, checkout);
    QVERIFY(!bare.isEmpty());
    auto prepared = ReviewWorkspace::prepare(checkout, u"Add data"_s, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    ReviewWorkspace &workspace = **prepared;
    for (int i = 0; i < 20; ++i)
        QVERIFY(writeBytes(workspace.path() + u"/data/%1.txt"_s.arg(i), QByteArray::number(i)));
    auto commit = workspace.commitAll(u"Add data"_s);
    QVERIFY2(commit, qPrintable(errorOf(commit)));
    const QString ref = u"refs/heads/"_s + workspace.branchName();
    const QString before = remoteRefs(bare);

    PushControl stopped;
    stopped.cancel.cancel();
    auto cancelled = workspace.push(u"origin"_s, {{}, kToken}, stopped);
    QVERIFY(!cancelled);
    QCOMPARE(cancelled.error().code, u"cancelled"_s);
    QVERIFY2(cancelled.error().message.contains(ref), qPrintable(errorOf(cancelled)));
    QCOMPARE(remoteRefs(bare), before);
    QVERIFY(workspace.lastPushReport().refs.empty());

    PushControl watched;
    std::vector<PushProgress> seen;
    watched.onProgress = [&seen](const PushProgress &progress) { seen.push_back(progress); };
    auto pushed = workspace.push(u"origin"_s, {{}, kToken}, watched);
    QVERIFY2(pushed, qPrintable(errorOf(pushed)));
    QVERIFY(!seen.empty());
    QVERIFY(seen.back().objectsTotal >= 20);
    QCOMPARE(seen.back().objectsSent, seen.back().objectsTotal);
    QCOMPARE(remoteRef(bare, ref), commit->sha);
    QCOMPARE(workspace.lastPushReport().refs.size(), size_t(1));
    QVERIFY(workspace.lastPushReport().allAccepted());
    QCOMPARE(
        git(workspace.path(), {"rev-parse", u"refs/remotes/origin/"_s + workspace.branchName()}),
        commit->sha);
}

void tst_ReviewWorkspace::pushAuthentication_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("helperPassword");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QStringList>("helperCalls");

    const QStringList none;
    QTest::newRow("token") << QString() << kToken << QString() << true << none;
    QTest::newRow("token, wrong") << QString() << kWrongSecret << kToken << false << none;
    QTest::newRow("token, wrong username") << "someone" << kToken << QString() << false << none;
    QTest::newRow("credential helper")
        << QString() << QString() << kToken << true << QStringList{"get", "store"};
    QTest::newRow("credential helper, wrong password")
        << QString() << QString() << kWrongSecret << false << QStringList{"get", "erase"};
    QTest::newRow("credential helper, no answer")
        << QString() << QString() << QString() << false << QStringList{"get"};
}

void tst_ReviewWorkspace::pushAuthentication()
{
    QFETCH(QString, username);
    QFETCH(QString, token);
    QFETCH(QString, helperPassword);
    QFETCH(bool, accepted);
    QFETCH(QStringList, helperCalls);

    static const QRegularExpression unsafe(u"[^a-z]+"_s);
    QString name = u"auth-"_s + QString::fromLatin1(QTest::currentDataTag());
    name.replace(unsafe, u"-"_s);
    const QString checkout = makeCheckout(name);
    const QString bare = makeRemote(name, checkout);
    QVERIFY(!bare.isEmpty());
    auto prepared = ReviewWorkspace::prepare(checkout, u"Fix the login form"_s, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    ReviewWorkspace &workspace = **prepared;
    QVERIFY(writeBytes(workspace.path() + u"/login.txt"_s, "fixed\n"));
    auto commit = workspace.commitAll(u"Fix the login form"_s);
    QVERIFY2(commit, qPrintable(errorOf(commit)));
    resetHelper(helperPassword);

    QElapsedTimer clock;
    clock.start();
    auto pushed = workspace.push(u"origin"_s, {username, token});
    QVERIFY2(clock.elapsed() < 30'000, "authentication must give up quickly");

    // No secret may reach the report, the error or the repository's config.
    QString seen = pushed ? pushed->summary() + pushed->remoteOutput + pushed->remoteUrl
                          : pushed.error().message;
    if (pushed) {
        for (const PushReport::RefResult &result : pushed->refs)
            seen += result.ref + result.message;
    }
    seen += git(workspace.path(), {"config", "--list"});
    for (const QString &secret : {kToken, kWrongSecret})
        QVERIFY2(!seen.contains(secret), qPrintable(seen));

    QCOMPARE(homeFileLines(u"helper-calls.log"_s), helperCalls);
    if (!helperCalls.isEmpty()) {
        const QStringList request = homeFileLines(u"helper-requests.log"_s);
        QVERIFY2(request.contains(u"protocol=http"_s), qPrintable(request.join(u' ')));
        QVERIFY(request.contains(u"host="_s + QUrl(m_serverUrl).authority()));
    }
    // Each credential is offered once: a refusal is final, not a loop.
    QVERIFY2(serverLog(name).size() <= 4, qPrintable(serverLog(name).join(u'\n')));

    const QString ref = u"refs/heads/"_s + workspace.branchName();
    if (!accepted) {
        QVERIFY(!pushed);
        QCOMPARE(pushed.error().code, u"auth_failed"_s);
        const QString message = pushed.error().message;
        QVERIFY2(message.startsWith(u"authentication failed for "_s + remoteUrl(name)),
                 qPrintable(message));
        QVERIFY(message.endsWith(u"set TANDEM_GIT_TOKEN or configure a git credential helper"_s));
        QCOMPARE(remoteRef(bare, ref), QString());
        return;
    }

    QVERIFY2(pushed, qPrintable(errorOf(pushed)));
    QVERIFY(pushed->allAccepted());
    QCOMPARE(pushed->refs.size(), size_t(1));
    QCOMPARE(pushed->refs.front().ref, ref);
    QCOMPARE(pushed->remoteName, u"origin"_s);
    QCOMPARE(pushed->remoteUrl, remoteUrl(name));
    QCOMPARE(remoteRef(bare, ref), commit->sha);
    const QByteArray basic = (kServerUser + u':' + kToken).toUtf8().toBase64();
    QVERIFY(serverLog(name).join(u'\n').contains(u"Authorization: Basic "_s + basic));
}

void tst_ReviewWorkspace::pushRejected_data()
{
    QTest::addColumn<QString>("task");
    QTest::addColumn<bool>("moveRemoteFirst");
    QTest::addColumn<QString>("reason");

    QTest::newRow("update hook") << "Protected change" << false
                                 << "protected branches need a review: open a pull request";
    QTest::newRow("non-fast-forward")
        << "Contested change" << true << "has commits that this workspace does not have";
}

// Case 25: a ref the remote refuses is an error that names the ref and the remote's reason,
// and the remote is left as it was. Tandem never forces.
void tst_ReviewWorkspace::pushRejected()
{
    QFETCH(QString, task);
    QFETCH(bool, moveRemoteFirst);
    QFETCH(QString, reason);

    const QString name = moveRemoteFirst ? u"moved"_s : u"hook"_s;
    const QString checkout = makeCheckout(name);
    const QString bare = makeRemote(name, checkout);
    QVERIFY(!bare.isEmpty());
    QVERIFY(writeScript(bare + u"/hooks/update"_s, kUpdateHook));

    auto prepared = ReviewWorkspace::prepare(checkout, task, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    ReviewWorkspace &workspace = **prepared;
    const QString ref = u"refs/heads/"_s + workspace.branchName();
    QVERIFY(writeBytes(workspace.path() + u"/change.txt"_s, "change\n"));
    QVERIFY(workspace.commitAll(task));
    if (moveRemoteFirst) {
        // Meanwhile someone else pushes a branch of the same name with other work on it.
        QVERIFY(gitOk(checkout, {"commit", "-q", "--allow-empty", "-m", "theirs"}));
        QVERIFY(gitOk(checkout, {"push", "-q", bare, u"HEAD:"_s + ref}));
    }
    const QString before = remoteRefs(bare);

    auto pushed = workspace.push(u"origin"_s, {{}, kToken});
    QVERIFY(!pushed);
    QCOMPARE(pushed.error().code, u"push_rejected"_s);
    const QString message = pushed.error().message;
    QVERIFY2(message.contains(ref), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    QVERIFY(!message.contains(kToken));
    QVERIFY(!message.contains(u'\n'));
    QCOMPARE(remoteRefs(bare), before);

    // The window lists each ref: a refusal the remote sent names the ref and its reason.
    const PushReport report = workspace.lastPushReport();
    if (!moveRemoteFirst) {
        QCOMPARE(report.refs.size(), size_t(1));
        QCOMPARE(report.refs.front().ref, ref);
        QVERIFY(!report.refs.front().accepted);
        QVERIFY(!report.allAccepted());
        QVERIFY2(report.remoteOutput.contains(reason), qPrintable(report.remoteOutput));
    }
    for (const PushReport::RefResult &result : report.refs)
        QVERIFY(!result.accepted);
    // Nor does the workspace believe the remote has it.
    QVERIFY(!gitRun(workspace.path(), {"rev-parse", "-q", "--verify",
                                       u"refs/remotes/origin/"_s + workspace.branchName()})
                 .ok());
}

void tst_ReviewWorkspace::pushToUnknownRemote()
{
    const QString checkout = makeCheckout(u"no-remote"_s);
    QVERIFY(!checkout.isEmpty());
    auto prepared = ReviewWorkspace::prepare(checkout, u"Tidy"_s, workspacesRoot());
    QVERIFY2(prepared, qPrintable(errorOf(prepared)));
    QVERIFY(writeBytes((*prepared)->path() + u"/tidy.txt"_s, "tidy\n"));
    QVERIFY((*prepared)->commitAll(u"Tidy"_s));

    auto pushed = (*prepared)->push(u"upstream"_s, {{}, kToken});
    QVERIFY(!pushed);
    QCOMPARE(pushed.error().code, u"no_remote"_s);
    QVERIFY2(pushed.error().message.contains(u"git remote add upstream"_s),
             qPrintable(errorOf(pushed)));
}

void tst_ReviewWorkspace::reviewBranchNames_data()
{
    QTest::addColumn<QString>("task");
    QTest::addColumn<QString>("branch");

    QTest::newRow("plain") << "Fix the rounding bug"
                           << "tandem/fix-the-rounding-bug";
    QTest::newRow("punctuation") << "  Fix: the (rounding) bug!! "
                                 << "tandem/fix-the-rounding-bug";
    QTest::newRow("accents") << "Corrige le café à Noël"
                             << "tandem/corrige-le-cafe-a-noel";
    QTest::newRow("apostrophe") << "Don't crash on empty input"
                                << "tandem/dont-crash-on-empty-input";
    QTest::newRow("no ascii") << "修复错误"
                              << "tandem/task";
    QTest::newRow("long, cut at a word")
        << "Make the parser accept trailing commas in nested arrays and objects"
        << "tandem/make-the-parser-accept-trailing-commas";
    QTest::newRow("long word") << QString(60, u'a') << u"tandem/"_s + QString(40, u'a');
    QTest::newRow("HEAD") << "HEAD"
                          << "tandem/head";
}

void tst_ReviewWorkspace::reviewBranchNames()
{
    QFETCH(QString, task);
    QFETCH(QString, branch);

    QCOMPARE(reviewBranchName(task), branch);
}

void tst_ReviewWorkspace::pullRequest_data()
{
    QTest::addColumn<QString>("task");
    QTest::addColumn<QString>("title");

    QTest::newRow("imperative") << "Fix the rounding bug"
                                << "Fix the rounding bug";
    QTest::newRow("lower case, full stop") << "fix the rounding bug."
                                           << "Fix the rounding bug";
    QTest::newRow("polite") << "Please add a test for the parser"
                            << "Add a test for the parser";
    QTest::newRow("question") << "Can you update the README?"
                              << "Update the README";
    QTest::newRow("third person") << "Fixes crash when saving"
                                  << "Fix crash when saving";
    QTest::newRow("past tense") << "Updated the docs"
                                << "Update the docs";
    QTest::newRow("gerund") << "Removing dead code"
                            << "Remove dead code";
    QTest::newRow("doubled consonant") << "Stopped leaking handles"
                                       << "Stop leaking handles";
    QTest::newRow("first sentence") << "Fix the parser. It drops the last token."
                                    << "Fix the parser";
    QTest::newRow("first line") << "\n  Add dark mode\nUsers asked for it"
                                << "Add dark mode";
    QTest::newRow("long") << "Refactor the configuration loader so that it reads every layered "
                             "settings file exactly once"
                          << "Refactor the configuration loader so that it reads every layered…";
    QTest::newRow("empty") << ""
                           << "Changes prepared by Tandem";
}

void tst_ReviewWorkspace::pullRequest()
{
    QFETCH(QString, task);
    QFETCH(QString, title);

    const QString stat = u" src/a.cpp | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n"_s;
    const PullRequest pr =
        makePullRequest(task, stat, u"12 passed, 0 failed"_s, u"Rounds half away from zero."_s);
    QCOMPARE(pr.title, title);
    QVERIFY(pr.title.size() <= 72);
    QVERIFY(pr.body.contains(u"## Summary\n\nRounds half away from zero.\n"_s));
    QVERIFY(pr.body.contains(u"## Changes\n\n```text\n"_s + stat.trimmed() + u"\n```\n"_s));
    QVERIFY(pr.body.contains(u"## Tests\n\n12 passed, 0 failed\n"_s));
    QVERIFY(pr.body.contains(u"Prepared by Tandem on branch `%1`."_s.arg(reviewBranchName(task))));

    const PullRequest named = makePullRequest(task, {}, {}, {}, u"tandem/x-2"_s);
    QVERIFY(named.body.contains(u"on branch `tandem/x-2`"_s));
    QVERIFY(named.body.contains(u"No file changes."_s));
    QVERIFY(named.body.contains(u"No tests were run."_s));
}

void tst_ReviewWorkspace::pushReportSummary_data()
{
    QTest::addColumn<QList<bool>>("accepted");
    QTest::addColumn<bool>("allAccepted");
    QTest::addColumn<QString>("summary");

    const QString where = u"origin (https://git.example.test/app.git)"_s;
    QTest::newRow("nothing") << QList<bool>{} << false << u"nothing was pushed to "_s + where;
    QTest::newRow("accepted") << QList<bool>{true} << true
                              << u"pushed refs/heads/tandem/a to "_s + where;
    QTest::newRow("refused") << QList<bool>{false} << false
                             << u"push to "_s + where
                                    + u" failed: refs/heads/tandem/a refused (hook declined)"_s;
    QTest::newRow("partial") << QList<bool>{true, false} << false
                             << u"push to "_s + where
                                    + u" partially failed: refs/heads/tandem/b refused (hook "
                                      "declined); pushed refs/heads/tandem/a"_s;
}

void tst_ReviewWorkspace::pushReportSummary()
{
    QFETCH(QList<bool>, accepted);
    QFETCH(bool, allAccepted);
    QFETCH(QString, summary);

    PushReport report;
    report.remoteName = u"origin"_s;
    report.remoteUrl = u"https://git.example.test/app.git"_s;
    for (qsizetype i = 0; i < accepted.size(); ++i) {
        const QString ref = u"refs/heads/tandem/"_s + QChar(char16_t(u'a' + i));
        const QString reason = accepted.at(i) ? QString() : u"hook declined"_s;
        report.refs.push_back({ref, accepted.at(i), reason});
    }

    QCOMPARE(report.allAccepted(), allAccepted);
    QCOMPARE(report.summary(), summary);
}

void tst_ReviewWorkspace::credentialsFromEnvironment()
{
    qputenv("TANDEM_GIT_TOKEN", kToken.toUtf8());
    qputenv("TANDEM_GIT_USERNAME", "robot");
    const Credentials credentials = Credentials::fromEnvironment();
    qunsetenv("TANDEM_GIT_TOKEN");
    qunsetenv("TANDEM_GIT_USERNAME");

    QCOMPARE(credentials.token, kToken);
    QCOMPARE(credentials.username, u"robot"_s);
    QVERIFY(Credentials::fromEnvironment().token.isEmpty());
}

QTEST_GUILESS_MAIN(tst_ReviewWorkspace)
#include "tst_reviewworkspace.moc"
