#include "sandbox/policyfilereader.h"
#include "sandbox/policyresolver.h"
#include "sandboxtesting.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace tandem;
using namespace tandem::sandboxtesting;
using sandbox::PolicyFile;
using sandbox::PolicyFileReader;
using sandbox::PolicyResolver;
using sandbox::ResolvedPolicy;
using sandbox::ResourceLimits;
using sandbox::SandboxPolicy;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The message is built only on failure: a result that holds a value has no error to read.
#define QVERIFY_OK(result) QVERIFY2(result, (result) ? "" : qPrintable((result).error().message))

namespace {

const QString kUserFile = QStringLiteral("/home/me/.config/tandem/sandbox.json");
const QString kRepositoryFile = QStringLiteral("/src/app/.tandem/sandbox.json");
constexpr qint64 kGi = qint64(1) << 30;

// A file as the reader makes it from text, or one that does not exist for an empty text.
PolicyFile policyFile(const QByteArray &text, PolicyFile::Origin origin)
{
    const QString path = origin == PolicyFile::Origin::User ? kUserFile : kRepositoryFile;
    if (text.isEmpty()) {
        PolicyFile missing;
        missing.path = path;
        missing.origin = origin;
        return missing;
    }
    auto file = PolicyFileReader::parse(text, path, origin);
    if (!file)
        qFatal("test policy did not parse: %s", qPrintable(file.error().message));
    return *file;
}

PolicyFile userFile(const QByteArray &text)
{
    return policyFile(text, PolicyFile::Origin::User);
}

PolicyFile repositoryFile(const QByteArray &text)
{
    return policyFile(text, PolicyFile::Origin::Repository);
}

SandboxPolicy basePolicy()
{
    SandboxPolicy base;
    base.workspace = QStringLiteral("/work/session-1");
    return base;
}

ResolvedPolicy combine(const QByteArray &user, const QByteArray &repository)
{
    auto resolved =
        PolicyResolver::combine(basePolicy(), userFile(user), repositoryFile(repository));
    if (!resolved)
        qFatal("policies did not combine: %s", qPrintable(resolved.error().message));
    return *resolved;
}

} // namespace

class tst_PolicyResolver : public QObject
{
    Q_OBJECT

private slots:
    void noFilesKeepTheBase();

    void memoryLimit_data();
    void memoryLimit();
    void repositoryCannotRaiseAnyLimit();
    void repositoryCanLowerEveryLimit();
    void userCanRaiseEveryLimit();
    void unlimitedBaseIsLoweredByTheRepository();

    void hosts_data();
    void hosts();
    void hostNotes();
    void baseHostsStandForASilentUser();

    void deniedPathsAreUnited();
    void bindsComeFromTheUserOnly();

    void resolveReadsBothFiles();
    void resolveWithoutARepository();
    void resolveReportsFileErrors();
};

void tst_PolicyResolver::noFilesKeepTheBase()
{
    const ResolvedPolicy resolved = combine({}, {});

    SandboxPolicy expected = basePolicy();
    expected.deniedPaths = SandboxPolicy::defaultDeniedPaths();
    QCOMPARE(resolved.policy, expected);
    QVERIFY(resolved.policy.allowedHosts.isEmpty());
    QCOMPARE(resolved.notes, QStringList());
    QCOMPARE(resolved.files, QStringList());
}

void tst_PolicyResolver::memoryLimit_data()
{
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("repository");
    QTest::addColumn<qint64>("memory");
    QTest::addColumn<QString>("note");

    const auto asks = [](const char *memory) {
        return QByteArray("{\n  \"limits\": {\n    \"memory\": \"") + memory + "\"\n  }\n}";
    };

    QTest::newRow("nobody asks") << QByteArray() << QByteArray() << 4 * kGi << QString();
    QTest::newRow("user raises the default") << asks("8G") << QByteArray() << 8 * kGi << QString();
    QTest::newRow("user lowers the default") << asks("1G") << QByteArray() << 1 * kGi << QString();
    QTest::newRow("repository lowers the default")
        << QByteArray() << asks("2G") << 2 * kGi << QString();
    QTest::newRow("repository asks for the default")
        << QByteArray() << asks("4G") << 4 * kGi << QString();
    QTest::newRow("repository lowers the user's lower limit")
        << asks("1G") << asks("512M") << kGi / 2 << QString();
    QTest::newRow("repository asks for less than the user's raised limit")
        << asks("16G") << asks("8G") << 8 * kGi << QString();
    QTest::newRow("repository tries to raise the default")
        << QByteArray("{}") << asks("8G") << 4 * kGi
        << "/src/app/.tandem/sandbox.json:3 asks for limits.memory \"8G\"; \"4G\" applies "
           "(Tandem's default). To allow it, set limits.memory to \"8G\" in "
           "/home/me/.config/tandem/sandbox.json.";
    QTest::newRow("repository tries to pass the user's limit")
        << asks("8G") << asks("16G") << 8 * kGi
        << "/src/app/.tandem/sandbox.json:3 asks for limits.memory \"16G\"; \"8G\" applies (your "
           "limit). To allow it, set limits.memory to \"16G\" in "
           "/home/me/.config/tandem/sandbox.json.";
    QTest::newRow("repository tries to pass the user's lowered limit")
        << asks("1G") << asks("2G") << 1 * kGi
        << "/src/app/.tandem/sandbox.json:3 asks for limits.memory \"2G\"; \"1G\" applies (your "
           "limit). To allow it, set limits.memory to \"2G\" in "
           "/home/me/.config/tandem/sandbox.json.";
}

void tst_PolicyResolver::memoryLimit()
{
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, repository);
    QFETCH(qint64, memory);
    QFETCH(QString, note);

    const ResolvedPolicy resolved = combine(user, repository);
    QCOMPARE(resolved.policy.limits.memoryBytes, memory);
    QCOMPARE(resolved.notes, note.isEmpty() ? QStringList() : QStringList{note});
}

void tst_PolicyResolver::repositoryCannotRaiseAnyLimit()
{
    const ResolvedPolicy resolved = combine({}, R"({"limits": {
        "wallTime": "1h",
        "cpuTime": "2h",
        "memory": "64G",
        "processes": 100000,
        "output": "1G",
        "disk": "100G"
    }})");

    QCOMPARE(resolved.policy.limits, ResourceLimits{});
    QCOMPARE(resolved.notes.size(), 6);
    const QStringList keys{"wallTime", "cpuTime", "memory", "processes", "output", "disk"};
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const QString note = resolved.notes.at(i);
        QVERIFY2(note.startsWith(QStringLiteral("%1:%2 asks for limits.%3 ")
                                     .arg(kRepositoryFile)
                                     .arg(i + 2)
                                     .arg(keys.at(i))),
                 qPrintable(note));
        QVERIFY2(note.endsWith(QStringLiteral(" in %1.").arg(kUserFile)), qPrintable(note));
    }
    QCOMPARE(resolved.notes.at(0),
             QStringLiteral("%1:2 asks for limits.wallTime \"1h\"; \"2m\" applies (Tandem's "
                            "default). To allow it, set limits.wallTime to \"1h\" in %2.")
                 .arg(kRepositoryFile, kUserFile));
    QCOMPARE(resolved.notes.at(3),
             QStringLiteral("%1:5 asks for limits.processes 100000; 512 applies (Tandem's "
                            "default). To allow it, set limits.processes to 100000 in %2.")
                 .arg(kRepositoryFile, kUserFile));
}

void tst_PolicyResolver::repositoryCanLowerEveryLimit()
{
    const ResolvedPolicy resolved =
        combine({}, R"({"limits": {"wallTime": "30s", "cpuTime": "20s", "memory": "256M",
                           "processes": 32, "output": "64K", "disk": "10M"}})");

    QCOMPARE(resolved.policy.limits.wallTime, milliseconds(30'000));
    QCOMPARE(resolved.policy.limits.cpuTime, seconds(20));
    QCOMPARE(resolved.policy.limits.memoryBytes, qint64(256) << 20);
    QCOMPARE(resolved.policy.limits.processes, 32);
    QCOMPARE(resolved.policy.limits.outputBytes, qint64(64) << 10);
    QCOMPARE(resolved.policy.limits.diskBytes, qint64(10) << 20);
    QCOMPARE(resolved.notes, QStringList());
}

void tst_PolicyResolver::userCanRaiseEveryLimit()
{
    const ResolvedPolicy resolved =
        combine(R"({"limits": {"wallTime": "1h", "cpuTime": "2h", "memory": "64G",
                               "processes": 4096, "output": "16M", "disk": "20G"}})",
                R"({"limits": {"wallTime": "30m", "disk": "40G"}})");

    QCOMPARE(resolved.policy.limits.wallTime, milliseconds(1'800'000));
    QCOMPARE(resolved.policy.limits.cpuTime, seconds(7200));
    QCOMPARE(resolved.policy.limits.memoryBytes, 64 * kGi);
    QCOMPARE(resolved.policy.limits.processes, 4096);
    QCOMPARE(resolved.policy.limits.outputBytes, qint64(16) << 20);
    QCOMPARE(resolved.policy.limits.diskBytes, 20 * kGi);
    QCOMPARE(resolved.notes,
             QStringList{QStringLiteral("%1:1 asks for limits.disk \"40G\"; \"20G\" applies (your "
                                        "limit). To allow it, set limits.disk to \"40G\" in %2.")
                             .arg(kRepositoryFile, kUserFile)});
}

void tst_PolicyResolver::unlimitedBaseIsLoweredByTheRepository()
{
    SandboxPolicy base = basePolicy();
    base.limits.memoryBytes = 0; // no limit of this kind

    const auto resolved = PolicyResolver::combine(
        base, userFile({}), repositoryFile(R"({"limits": {"memory": "1G"}})"));
    QVERIFY_OK(resolved);
    QCOMPARE(resolved->policy.limits.memoryBytes, kGi);
    QCOMPARE(resolved->notes, QStringList());
}

void tst_PolicyResolver::hosts_data()
{
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("repository");
    QTest::addColumn<QStringList>("hosts");
    QTest::addColumn<QStringList>("refused");

    const auto allow = [](const char *hosts) {
        return QByteArray("{\"network\": {\"allow\": [") + hosts + "]}}";
    };
    const QByteArray none;
    const QByteArray silent("{}");

    QTest::newRow("no files: no network") << none << none << QStringList() << QStringList();
    QTest::newRow("no user file: the repository gets nothing")
        << none << allow(R"("pypi.org")") << QStringList() << QStringList{"pypi.org"};
    QTest::newRow("user file without a network: the repository gets nothing")
        << allow(R"()") << allow(R"("pypi.org")") << QStringList() << QStringList{"pypi.org"};
    QTest::newRow("user file silent on network: the repository gets nothing")
        << silent << allow(R"("pypi.org")") << QStringList() << QStringList{"pypi.org"};
    QTest::newRow("repository silent: the user's list")
        << allow(R"("pypi.org", "*.npmjs.org")") << silent << QStringList{"pypi.org", "*.npmjs.org"}
        << QStringList();
    QTest::newRow("repository asks for nothing: no network")
        << allow(R"("pypi.org")") << allow(R"()") << QStringList() << QStringList();
    QTest::newRow("the user's wider list does not widen the request")
        << allow(R"("pypi.org", "github.com")") << allow(R"("pypi.org")") << QStringList{"pypi.org"}
        << QStringList();
    QTest::newRow("some granted, some refused")
        << allow(R"("pypi.org")") << allow(R"("pypi.org", "evil.example")")
        << QStringList{"pypi.org"} << QStringList{"evil.example"};
    QTest::newRow("wildcard covers a subdomain")
        << allow(R"("*.npmjs.org")") << allow(R"("registry.npmjs.org")")
        << QStringList{"registry.npmjs.org"} << QStringList();
    QTest::newRow("wildcard covers a deeper subdomain")
        << allow(R"("*.npmjs.org")") << allow(R"("a.b.npmjs.org")") << QStringList{"a.b.npmjs.org"}
        << QStringList();
    QTest::newRow("wildcard does not cover the domain itself")
        << allow(R"("*.npmjs.org")") << allow(R"("npmjs.org")") << QStringList()
        << QStringList{"npmjs.org"};
    QTest::newRow("wildcard covers the same wildcard")
        << allow(R"("*.npmjs.org")") << allow(R"("*.npmjs.org")") << QStringList{"*.npmjs.org"}
        << QStringList();
    QTest::newRow("wider wildcard covers a narrower one")
        << allow(R"("*.example.com")") << allow(R"("*.cdn.example.com")")
        << QStringList{"*.cdn.example.com"} << QStringList();
    QTest::newRow("a name does not cover a wildcard")
        << allow(R"("registry.npmjs.org")") << allow(R"("*.npmjs.org")") << QStringList()
        << QStringList{"*.npmjs.org"};
    QTest::newRow("a wildcard does not cover a look-alike")
        << allow(R"("*.npmjs.org")") << allow(R"("evilnpmjs.org")") << QStringList()
        << QStringList{"evilnpmjs.org"};
    QTest::newRow("one port does not cover both defaults")
        << allow(R"("pypi.org:443")") << allow(R"("pypi.org")") << QStringList()
        << QStringList{"pypi.org"};
    QTest::newRow("default ports cover 443") << allow(R"("pypi.org")") << allow(R"("pypi.org:443")")
                                             << QStringList{"pypi.org:443"} << QStringList();
    QTest::newRow("default ports do not cover 8080")
        << allow(R"("pypi.org")") << allow(R"("pypi.org:8080")") << QStringList()
        << QStringList{"pypi.org:8080"};
    QTest::newRow("spelling is normalised")
        << allow(R"("PyPI.org")") << allow(R"("pypi.ORG.", "pypi.org")") << QStringList{"pypi.org"}
        << QStringList();
    QTest::newRow("an address only covers itself")
        << allow(R"("127.0.0.1:4567")") << allow(R"("127.0.0.1:4567", "127.0.0.2:4567")")
        << QStringList{"127.0.0.1:4567"} << QStringList{"127.0.0.2:4567"};
}

void tst_PolicyResolver::hosts()
{
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, repository);
    QFETCH(QStringList, hosts);
    QFETCH(QStringList, refused);

    const ResolvedPolicy resolved = combine(user, repository);
    QCOMPARE(resolved.policy.allowedHosts, hosts);

    // One note for each refused host, naming it.
    QCOMPARE(resolved.notes.size(), refused.size());
    for (qsizetype i = 0; i < refused.size(); ++i) {
        QVERIFY2(resolved.notes.at(i).contains(u'"' + refused.at(i) + u'"'),
                 qPrintable(resolved.notes.at(i)));
    }
}

void tst_PolicyResolver::hostNotes()
{
    const QByteArray asks = "{\n  \"network\": {\n    \"allow\": [\n      \"pypi.org\",\n"
                            "      \"evil.example\"\n    ]\n  }\n}";

    const ResolvedPolicy withoutUserFile = combine({}, asks);
    QCOMPARE(withoutUserFile.notes,
             (QStringList{
                 QStringLiteral("%1:4 asks for network access to \"pypi.org\", which is not "
                                "allowed: without a sandbox file of your own the sandbox has no "
                                "network. To allow it, create %2 with {\"network\": {\"allow\": "
                                "[\"pypi.org\"]}}.")
                     .arg(kRepositoryFile, kUserFile),
                 QStringLiteral("%1:5 asks for network access to \"evil.example\", which is not "
                                "allowed: without a sandbox file of your own the sandbox has no "
                                "network. To allow it, create %2 with {\"network\": {\"allow\": "
                                "[\"evil.example\"]}}.")
                     .arg(kRepositoryFile, kUserFile)}));

    const ResolvedPolicy withUserFile = combine(R"({"network": {"allow": ["pypi.org"]}})", asks);
    QCOMPARE(withUserFile.policy.allowedHosts, QStringList{QStringLiteral("pypi.org")});
    QCOMPARE(withUserFile.notes,
             QStringList{QStringLiteral("%1:5 asks for network access to \"evil.example\", which "
                                        "your allowlist does not cover, so it is not allowed. To "
                                        "allow it, add \"evil.example\" to network.allow in %2.")
                             .arg(kRepositoryFile, kUserFile)});
}

void tst_PolicyResolver::baseHostsStandForASilentUser()
{
    SandboxPolicy base = basePolicy();
    base.allowedHosts = {QStringLiteral("*.debian.org")};

    const auto silent =
        PolicyResolver::combine(base, userFile("{}"), repositoryFile(R"({"network": {"allow":
                                ["deb.debian.org", "pypi.org"]}})"));
    QVERIFY_OK(silent);
    QCOMPARE(silent->policy.allowedHosts, QStringList{QStringLiteral("deb.debian.org")});
    QCOMPARE(silent->notes.size(), 1);

    // A user who lists hosts replaces the base's list, as with limits.
    const auto listing = PolicyResolver::combine(
        base, userFile(R"({"network": {"allow": ["pypi.org"]}})"), repositoryFile({}));
    QVERIFY_OK(listing);
    QCOMPARE(listing->policy.allowedHosts, QStringList{QStringLiteral("pypi.org")});
}

void tst_PolicyResolver::deniedPathsAreUnited()
{
    SandboxPolicy base = basePolicy();
    base.deniedPaths = {QStringLiteral("build/keys")};

    const auto resolved = PolicyResolver::combine(
        base, userFile(R"({"filesystem": {"deny": ["notes/private", ".git"]}})"),
        repositoryFile(
            R"({"filesystem": {"deny": ["secrets/", "config/prod.env", "notes/private"]}})"));
    QVERIFY_OK(resolved);

    QStringList expected{QStringLiteral("build/keys")};
    expected << SandboxPolicy::defaultDeniedPaths();
    expected << QStringLiteral("notes/private") << QStringLiteral("secrets")
             << QStringLiteral("config/prod.env");
    QCOMPARE(resolved->policy.deniedPaths, expected);
    QCOMPARE(resolved->notes, QStringList());
}

void tst_PolicyResolver::bindsComeFromTheUserOnly()
{
    SandboxPolicy base = basePolicy();
    base.readOnlyPaths = {QStringLiteral("/usr/lib")};

    // A repository file built by hand, as if a reader had let binds through: they still do not
    // reach the policy.
    PolicyFile repository = repositoryFile("{}");
    repository.readWritePaths = {QStringLiteral("/root")};
    repository.readOnlyPaths = {QStringLiteral("/etc")};

    const auto resolved = PolicyResolver::combine(
        base,
        userFile(
            R"({"filesystem": {"readOnly": ["/usr/share", "/usr/lib"], "readWrite": ["/tmp"]}})"),
        repository);
    QVERIFY_OK(resolved);
    QCOMPARE(resolved->policy.readOnlyPaths, (QStringList{"/usr/lib", "/usr/share"}));
    QCOMPARE(resolved->policy.readWritePaths, QStringList{QStringLiteral("/tmp")});
}

void tst_PolicyResolver::resolveReadsBothFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray oldXdg = qgetenv("XDG_CONFIG_HOME");
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit());
    const auto restore = qScopeGuard([&] { qputenv("XDG_CONFIG_HOME", oldXdg); });

    const QString userPath = dir.filePath(QStringLiteral("config/tandem/sandbox.json"));
    writeFile(userPath, R"({
  "network": {"allow": ["pypi.org", "*.pythonhosted.org"]},
  "limits": {"memory": "8G"}
})");
    const QString repository = dir.filePath(QStringLiteral("repo"));
    const QString repositoryPath = repository + QStringLiteral("/.tandem/sandbox.json");
    writeFile(repositoryPath, R"({
  "filesystem": {"deny": ["secrets/"]},
  "network": {"allow": ["files.pythonhosted.org", "example.com"]},
  "limits": {"memory": "16G", "processes": 64}
})");

    const auto resolved = PolicyResolver::resolve(basePolicy(), repository);
    QVERIFY_OK(resolved);
    QCOMPARE(resolved->files, (QStringList{userPath, repositoryPath}));
    QCOMPARE(resolved->policy.workspace, basePolicy().workspace);
    QCOMPARE(resolved->policy.allowedHosts, QStringList{QStringLiteral("files.pythonhosted.org")});
    QCOMPARE(resolved->policy.limits.memoryBytes, 8 * kGi);
    QCOMPARE(resolved->policy.limits.processes, 64);
    QVERIFY(resolved->policy.deniedPaths.contains(QStringLiteral("secrets")));
    QCOMPARE(resolved->notes,
             (QStringList{
                 QStringLiteral("%1:3 asks for network access to \"example.com\", which your "
                                "allowlist does not cover, so it is not allowed. To allow it, "
                                "add \"example.com\" to network.allow in %2.")
                     .arg(repositoryPath, userPath),
                 QStringLiteral("%1:4 asks for limits.memory \"16G\"; \"8G\" applies (your limit). "
                                "To allow it, set limits.memory to \"16G\" in %2.")
                     .arg(repositoryPath, userPath)}));
}

void tst_PolicyResolver::resolveWithoutARepository()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray oldXdg = qgetenv("XDG_CONFIG_HOME");
    qputenv("XDG_CONFIG_HOME", dir.path().toLocal8Bit());
    const auto restore = qScopeGuard([&] { qputenv("XDG_CONFIG_HOME", oldXdg); });

    writeFile(dir.filePath(QStringLiteral("tandem/sandbox.json")),
              R"({"network": {"allow": ["pypi.org"]}})");

    const auto resolved = PolicyResolver::resolve(basePolicy(), QString());
    QVERIFY_OK(resolved);
    QCOMPARE(resolved->policy.allowedHosts, QStringList{QStringLiteral("pypi.org")});
    QCOMPARE(resolved->files.size(), 1);
}

void tst_PolicyResolver::resolveReportsFileErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray oldXdg = qgetenv("XDG_CONFIG_HOME");
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toLocal8Bit());
    const auto restore = qScopeGuard([&] { qputenv("XDG_CONFIG_HOME", oldXdg); });

    const QString repository = dir.filePath(QStringLiteral("repo"));
    writeFile(repository + QStringLiteral("/.tandem/sandbox.json"), R"({
  "filesystem": {
    "readWrite": ["/root/.ssh"]
  }
})");

    const auto resolved = PolicyResolver::resolve(basePolicy(), repository);
    QVERIFY(!resolved);
    QCOMPARE(resolved.error().message,
             QStringLiteral("%1/.tandem/sandbox.json:3: filesystem.readWrite: only your own file "
                            "(%2) can bind host paths; a repository's file may set "
                            "filesystem.deny, network.allow and limits")
                 .arg(repository, dir.filePath(QStringLiteral("config/tandem/sandbox.json"))));

    // The user's own file is read first, and its errors stop everything too.
    writeFile(dir.filePath(QStringLiteral("config/tandem/sandbox.json")), "{\"limits\": 5}");
    const auto userError = PolicyResolver::resolve(basePolicy(), QString());
    QVERIFY(!userError);
    QVERIFY2(userError.error().message.contains(QStringLiteral("sandbox.json:1: limits: expected")),
             qPrintable(userError.error().message));
}

QTEST_GUILESS_MAIN(tst_PolicyResolver)
#include "tst_policyresolver.moc"
