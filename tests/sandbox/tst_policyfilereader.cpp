#include "sandbox/policyfilereader.h"
#include "sandboxtesting.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace tandem;
using namespace tandem::sandboxtesting;
using sandbox::PolicyFile;
using sandbox::PolicyFileReader;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The message is built only on failure: a result that holds a value has no error to read.
#define QVERIFY_OK(result) QVERIFY2(result, (result) ? "" : qPrintable((result).error().message))

namespace {

constexpr auto kUser = PolicyFile::Origin::User;
constexpr auto kRepository = PolicyFile::Origin::Repository;

} // namespace

class tst_PolicyFileReader : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void readsTheFullExample();
    void errors_data();
    void errors();
    void sizes_data();
    void sizes();
    void durations_data();
    void durations();
    void processes();
    void expandsHomeInBinds();
    void cleansDeniedPaths();
    void keepsHostsAsWritten();
    void emptyObjectAsksForNothing();

    void missingFileAsksForNothing();
    void missingFolderAsksForNothing();
    void unreadableFileIsAnError();
    void folderInPlaceOfTheFileIsAnError();
    void oversizedFileIsAnError();
    void repositoryLinksAreRefused_data();
    void repositoryLinksAreRefused();
    void userFileMayBeALink();
    void danglingLinkIsAnError();
    void userFileFollowsXdgConfigHome();
    void userFileDefaultsToDotConfig();
    void repositoryFileIsInTandemFolder();

private:
    base::Result<PolicyFile> readText(const QByteArray &text, PolicyFile::Origin origin = kUser);
    QString path() const { return m_dir->filePath(QStringLiteral("sandbox.json")); }

    std::unique_ptr<QTemporaryDir> m_dir;
    QByteArray m_oldXdg;
    QByteArray m_oldHome;
};

void tst_PolicyFileReader::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_oldXdg = qgetenv("XDG_CONFIG_HOME");
    m_oldHome = qgetenv("HOME");
    qputenv("XDG_CONFIG_HOME", m_dir->filePath(QStringLiteral("config")).toLocal8Bit());
}

void tst_PolicyFileReader::cleanup()
{
    qputenv("XDG_CONFIG_HOME", m_oldXdg);
    qputenv("HOME", m_oldHome);
    m_dir.reset();
}

base::Result<PolicyFile> tst_PolicyFileReader::readText(const QByteArray &text,
                                                        PolicyFile::Origin origin)
{
    writeFile(path(), text);
    return PolicyFileReader::read(path(), origin);
}

void tst_PolicyFileReader::readsTheFullExample()
{
    // The example in the module's README, so that the documentation cannot drift from the code.
    QFile readme(QStringLiteral(TANDEM_SOURCE_DIR "/core/sandbox/README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QString markdown = QString::fromUtf8(readme.readAll());
    const qsizetype start = markdown.indexOf(QStringLiteral("```json\n"));
    const qsizetype end = markdown.indexOf(QStringLiteral("```"), start + 7);
    QVERIFY(start >= 0 && end > start);
    QString example = markdown.mid(start + 8, end - start - 8);

    // Its binds name paths of the reader's machine; these exist on every machine.
    const QString home = m_dir->filePath(QStringLiteral("home"));
    QVERIFY(QDir().mkpath(home + QStringLiteral("/.cache/pip")));
    qputenv("HOME", home.toLocal8Bit());
    example.replace(QStringLiteral("\"/opt/sdk\""), QStringLiteral("\"/usr/share\""));

    const auto file = readText(example.toUtf8());
    QVERIFY_OK(file);
    QVERIFY(file->present);
    QCOMPARE(file->path, path());
    QCOMPARE(file->readOnlyPaths, QStringList{QStringLiteral("/usr/share")});
    QCOMPARE(file->readWritePaths, QStringList{home + QStringLiteral("/.cache/pip")});
    QCOMPARE(file->deniedPaths, (QStringList{"secrets", "config/prod.env"}));
    QCOMPARE(file->allowedHosts,
             (QStringList{"pypi.org", "files.pythonhosted.org", "*.npmjs.org"}));
    QCOMPARE(file->limits.wallTime, milliseconds(120'000));
    QCOMPARE(file->limits.cpuTime, seconds(600));
    QCOMPARE(file->limits.memoryBytes, qint64(4) << 30);
    QCOMPARE(file->limits.processes, 512);
    QCOMPARE(file->limits.outputBytes, qint64(1) << 20);
    QCOMPARE(file->limits.diskBytes, qint64(1) << 30);
    QCOMPARE(file->where(QStringLiteral("limits.memory")), path() + QStringLiteral(":13"));
    QCOMPARE(file->where(QStringLiteral("network.allow[2]")), path() + QStringLiteral(":8"));
    QCOMPARE(file->where(QStringLiteral("limits.wallTime")), path() + QStringLiteral(":11"));
}

void tst_PolicyFileReader::errors_data()
{
    QTest::addColumn<PolicyFile::Origin>("origin");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected"); // %1: the file, %2: the user's file

    // Not JSON at all: the parser's own words, at the line and column where it stopped.
    QTest::newRow("empty file") << kUser << QByteArray("")
                                << "%1:1:1: not valid JSON: syntax error while parsing value - "
                                   "unexpected end of input; expected '[', '{', or a literal";
    QTest::newRow("missing comma")
        << kUser
        << QByteArray("{\n  \"limits\": {\n    \"memory\": \"1G\"\n    \"disk\": \"1G\"\n}}")
        << "%1:4:10: not valid JSON: syntax error while parsing object - unexpected string "
           "literal; expected '}'";
    QTest::newRow("trailing comma")
        << kUser << QByteArray("{\n  \"limits\": {\n    \"memory\": \"1G\",\n  }\n}")
        << "%1:4:3: not valid JSON: syntax error while parsing object key - unexpected '}'; "
           "expected string literal";
    QTest::newRow("bad literal at the end of a line")
        << kUser << QByteArray("{\n  \"network\": {\n    \"allow\": tru\n  }\n}")
        << "%1:3:17: not valid JSON: syntax error while parsing value - invalid literal; last "
           "read: '\"allow\": tru<U+000A>'";
    QTest::newRow("comment")
        << kUser << QByteArray("{\n  // no network\n}")
        << "%1:2:3: not valid JSON: syntax error while parsing object key - invalid literal; "
           "last read: '{<U+000A>  /'; expected string literal";
    QTest::newRow("text after the end")
        << kUser << QByteArray("{}\n{}")
        << "%1:2:1: not valid JSON: syntax error while parsing value - unexpected '{'; expected "
           "end of input";
    QTest::newRow("repeated key")
        << kUser
        << QByteArray("{\n  \"filesystem\": {\n    \"deny\": [\"a\"],\n    \"deny\": []\n  }\n}")
        << "%1:4: filesystem.deny: given twice in one object (first on line 3); keep one";

    // The document's shape.
    QTest::newRow("root is a list")
        << kUser << QByteArray("\n[\"pypi.org\"]")
        << "%1:2: expected an object such as {\"limits\": {\"memory\": \"2G\"}}, got a list";
    QTest::newRow("unknown top-level key")
        << kUser << QByteArray("{\n  \"limits\": {},\n  \"limit\": {}\n}")
        << "%1:3: limit: unknown key; expected \"filesystem\", \"network\" or \"limits\"";
    QTest::newRow("unknown filesystem key")
        << kUser << QByteArray("{\n  \"filesystem\": {\n    \"readonly\": [\"/usr\"]\n  }\n}")
        << "%1:3: filesystem.readonly: unknown key; expected \"readOnly\", \"readWrite\" or "
           "\"deny\"";
    QTest::newRow("unknown network key")
        << kUser << QByteArray("{\"network\": {\n  \"allowed\": []}}")
        << "%1:2: network.allowed: unknown key; expected \"allow\"";
    QTest::newRow("unknown limit")
        << kUser << QByteArray("{\"limits\": {\n  \"memory\": \"1G\",\n  \"mem\": \"1G\"}}")
        << "%1:3: limits.mem: unknown key; expected \"wallTime\", \"cpuTime\", \"memory\", "
           "\"processes\", \"output\" or \"disk\"";
    QTest::newRow("escaped key is read as what it spells")
        << kUser << QByteArray("{\"limits\": {\n  \"mem\\u006fry\": true}}")
        << "%1:2: limits.memory: expected a size such as \"512M\" (bytes, or K, M or G), got true";
    QTest::newRow("filesystem is a list")
        << kUser << QByteArray("{\n\"filesystem\": []}")
        << "%1:2: filesystem: expected an object with \"readOnly\", \"readWrite\" or \"deny\", got "
           "a list";
    QTest::newRow("network is a string")
        << kUser << QByteArray("{\n\"network\": \"pypi.org\"}")
        << "%1:2: network: expected an object with \"allow\", got \"pypi.org\"";
    QTest::newRow("limits is null")
        << kUser << QByteArray("{\n\"limits\": null}")
        << "%1:2: limits: expected an object with \"wallTime\", \"cpuTime\", \"memory\", "
           "\"processes\", \"output\" or \"disk\", got null";
    QTest::newRow("first error in the file wins")
        << kUser
        << QByteArray("{\n  \"limits\": {\"disk\": \"lots\"},\n  \"filesystem\": {\"deny\": "
                      "[\"/etc\"]}\n}")
        << "%1:2: limits.disk: expected a size such as \"512M\" (bytes, or K, M or G), got "
           "\"lots\"";
    QTest::newRow("long value is shortened")
        << kUser << QByteArray("{\"limits\": {\"memory\": \"" + QByteArray(100, 'x') + "\"}}")
        << "%1:1: limits.memory: expected a size such as \"512M\" (bytes, or K, M or G), got \""
               + QString(56, u'x') + "...";

    // Binds.
    QTest::newRow("repository asks for readOnly")
        << kRepository << QByteArray("{\n  \"filesystem\": {\n    \"readOnly\": [\"/usr\"]\n  }\n}")
        << "%1:3: filesystem.readOnly: only your own file (%2) can bind host paths; a "
           "repository's file may set filesystem.deny, network.allow and limits";
    QTest::newRow("repository asks for readWrite")
        << kRepository
        << QByteArray("{\"filesystem\": {\n\"deny\": [],\n\"readWrite\": [\"/home\"]}}")
        << "%1:3: filesystem.readWrite: only your own file (%2) can bind host paths; a "
           "repository's file may set filesystem.deny, network.allow and limits";
    QTest::newRow("repository asks for an empty readWrite")
        << kRepository << QByteArray("{\"filesystem\": {\n\"readWrite\": []}}")
        << "%1:2: filesystem.readWrite: only your own file (%2) can bind host paths; a "
           "repository's file may set filesystem.deny, network.allow and limits";
    QTest::newRow("bind list is a string")
        << kUser << QByteArray("{\"filesystem\": {\n\"readOnly\": \"/usr\"}}")
        << "%1:2: filesystem.readOnly: expected a list of absolute paths such as [\"/opt/sdk\"], "
           "got \"/usr\"";
    QTest::newRow("relative bind")
        << kUser << QByteArray("{\"filesystem\": {\"readOnly\": [\n\"/usr\",\n\"usr/share\"]}}")
        << "%1:3: filesystem.readOnly[1]: expected an absolute path such as \"/opt/sdk\", got "
           "\"usr/share\"";
    QTest::newRow("bind is a number")
        << kUser << QByteArray("{\"filesystem\": {\"readWrite\": [\n7]}}")
        << "%1:2: filesystem.readWrite[0]: expected an absolute path such as \"/opt/sdk\", got 7";
    QTest::newRow("empty bind")
        << kUser << QByteArray("{\"filesystem\": {\"readWrite\": [\n\"\"]}}")
        << "%1:2: filesystem.readWrite[0]: expected an absolute path such as \"/opt/sdk\", got "
           "\"\"";
    QTest::newRow("bind that does not exist")
        << kUser << QByteArray("{\"filesystem\": {\"readOnly\": [\n\"/nonexistent/tandem/sdk/\"]}}")
        << "%1:2: filesystem.readOnly[0]: \"/nonexistent/tandem/sdk\" does not exist: create it "
           "or take it out of the list";
    QTest::newRow("bind both read-only and read-write")
        << kUser
        << QByteArray("{\"filesystem\": {\n\"readOnly\": [\"/usr\"],\n\"readWrite\": [\"/tmp\", "
                      "\"/usr/\"]}}")
        << "%1:3: filesystem.readWrite[1]: \"/usr\" is in filesystem.readOnly as well; a path is "
           "either read-only or read-write";

    // Denied paths.
    QTest::newRow("deny is a string")
        << kRepository << QByteArray("{\"filesystem\": {\n\"deny\": \"secrets\"}}")
        << "%1:2: filesystem.deny: expected a list of paths inside the workspace such as "
           "[\"secrets/\"], got \"secrets\"";
    QTest::newRow("absolute deny")
        << kRepository
        << QByteArray("{\"filesystem\": {\"deny\": [\n\"secrets\",\n\"/etc/passwd\"]}}")
        << "%1:3: filesystem.deny[1]: expected a path relative to the workspace such as "
           "\"secrets/\", got \"/etc/passwd\"";
    QTest::newRow("deny leaving the workspace")
        << kUser << QByteArray("{\"filesystem\": {\"deny\": [\n\"a/../../b\"]}}")
        << "%1:2: filesystem.deny[0]: expected a path inside the workspace, without \"..\", got "
           "\"a/../../b\"";
    QTest::newRow("deny with .. inside")
        << kUser << QByteArray("{\"filesystem\": {\"deny\": [\n\"a/../b\"]}}")
        << "%1:2: filesystem.deny[0]: expected a path inside the workspace, without \"..\", got "
           "\"a/../b\"";
    QTest::newRow("deny of the workspace itself")
        << kUser << QByteArray("{\"filesystem\": {\"deny\": [\n\"./\"]}}")
        << "%1:2: filesystem.deny[0]: expected a path inside the workspace such as \"secrets/\", "
           "got \"./\"";
    QTest::newRow("empty deny")
        << kUser << QByteArray("{\"filesystem\": {\"deny\": [\n\"\"]}}")
        << "%1:2: filesystem.deny[0]: expected a path inside the workspace such as \"secrets/\", "
           "got \"\"";
    QTest::newRow("deny pattern")
        << kRepository << QByteArray("{\"filesystem\": {\"deny\": [\n\"*.pem\"]}}")
        << "%1:2: filesystem.deny[0]: expected a plain path, got \"*.pem\"; patterns are not "
           "supported, so name each path";
    QTest::newRow("deny with a tilde")
        << kUser << QByteArray("{\"filesystem\": {\"deny\": [\n\"~/.ssh\"]}}")
        << "%1:2: filesystem.deny[0]: expected a path relative to the workspace (\"~\" is not "
           "expanded here), got \"~/.ssh\"";
    QTest::newRow("deny with a control character")
        << kUser << QByteArray("{\"filesystem\": {\"deny\": [\n\"a\\u0000b\"]}}")
        << "%1:2: filesystem.deny[0]: expected a path inside the workspace such as \"secrets/\", "
           "got \"a\\u0000b\"";
    QTest::newRow("deny is an object")
        << kUser << QByteArray("{\"filesystem\": {\"deny\": [\n{}]}}")
        << "%1:2: filesystem.deny[0]: expected a path inside the workspace such as \"secrets/\", "
           "got an object";

    // Hosts.
    QTest::newRow("allow is a string")
        << kRepository << QByteArray("{\"network\": {\n\"allow\": \"pypi.org\"}}")
        << "%1:2: network.allow: expected a list of hosts such as [\"pypi.org\", "
           "\"*.npmjs.org\"], got \"pypi.org\"";
    QTest::newRow("host is a number")
        << kRepository << QByteArray("{\"network\": {\"allow\": [\n\"pypi.org\",\n443]}}")
        << "%1:3: network.allow[1]: expected a host such as \"pypi.org\" or \"*.npmjs.org\", got "
           "443";
    QTest::newRow("host with a scheme")
        << kUser << QByteArray("{\"network\": {\"allow\": [\n\"https://pypi.org\"]}}")
        << "%1:2: network.allow[0]: The network.allow entry \"https://pypi.org\" is not valid "
           "(leave out the scheme): write a host name, *.domain or an address, with an optional "
           "port, like pypi.org, *.npmjs.org:443, 127.0.0.1:4567 or [::1]:80.";
    QTest::newRow("wildcard in the middle")
        << kRepository << QByteArray("{\"network\": {\"allow\": [\n\n\"pypi.*.org\"]}}")
        << "%1:3: network.allow[0]: The network.allow entry \"pypi.*.org\" is not valid (a "
           "wildcard may only be a leading *.): write a host name, *.domain or an address, with "
           "an optional port, like pypi.org, *.npmjs.org:443, 127.0.0.1:4567 or [::1]:80.";

    // Limits.
    QTest::newRow("memory is true")
        << kRepository
        << QByteArray("{\n  \"network\": {\"allow\": []},\n  \"filesystem\": {\"deny\": []},\n\n"
                      "  \"limits\": {\n    \"wallTime\": \"60s\",\n    \"memory\": true\n  }\n}")
        << "%1:7: limits.memory: expected a size such as \"512M\" (bytes, or K, M or G), got true";
    QTest::newRow("size with a fraction")
        << kUser << QByteArray("{\"limits\": {\n\"disk\": \"1.5G\"}}")
        << "%1:2: limits.disk: expected a size such as \"512M\" (bytes, or K, M or G), got "
           "\"1.5G\"";
    QTest::newRow("size as a fractional number")
        << kUser << QByteArray("{\"limits\": {\n\"output\": 1.5}}")
        << "%1:2: limits.output: expected a size such as \"512M\" (bytes, or K, M or G), got 1.5";
    QTest::newRow("negative size")
        << kUser << QByteArray("{\"limits\": {\n\"output\": -1}}")
        << "%1:2: limits.output: expected a size such as \"512M\" (bytes, or K, M or G), got -1";
    QTest::newRow("size too large")
        << kUser << QByteArray("{\"limits\": {\n\"memory\": 18446744073709551615}}")
        << "%1:2: limits.memory: expected a size such as \"512M\" (bytes, or K, M or G), got "
           "18446744073709551615";
    QTest::newRow("zero size") << kRepository << QByteArray("{\"limits\": {\n\"memory\": \"0M\"}}")
                               << "%1:2: limits.memory: expected more than zero, got \"0M\"";
    QTest::newRow("duration in words")
        << kUser << QByteArray("{\"limits\": {\n\"wallTime\": \"2 minutes\"}}")
        << "%1:2: limits.wallTime: expected a duration such as \"120s\" (ms, s, m or h; a plain "
           "number counts seconds), got \"2 minutes\"";
    QTest::newRow("duration with a capital M")
        << kUser << QByteArray("{\"limits\": {\n\"wallTime\": \"10M\"}}")
        << "%1:2: limits.wallTime: expected a duration such as \"120s\" (ms, s, m or h; a plain "
           "number counts seconds), got \"10M\"";
    QTest::newRow("duration is a list")
        << kUser << QByteArray("{\"limits\": {\n\"cpuTime\": [60]}}")
        << "%1:2: limits.cpuTime: expected a duration such as \"120s\" (ms, s, m or h; a plain "
           "number counts seconds), got a list";
    QTest::newRow("zero duration") << kRepository << QByteArray("{\"limits\": {\n\"wallTime\": 0}}")
                                   << "%1:2: limits.wallTime: expected more than zero, got 0";
    QTest::newRow("cpu time below a second")
        << kUser << QByteArray("{\"limits\": {\n\"cpuTime\": \"1500ms\"}}")
        << "%1:2: limits.cpuTime: expected whole seconds such as \"90s\" or \"10m\", got "
           "\"1500ms\"";
    QTest::newRow("processes as a string")
        << kUser << QByteArray("{\"limits\": {\n\"processes\": \"512\"}}")
        << "%1:2: limits.processes: expected a number of processes such as 512, got \"512\"";
    QTest::newRow("too many processes")
        << kUser << QByteArray("{\"limits\": {\n\"processes\": 2147483648}}")
        << "%1:2: limits.processes: expected a number of processes such as 512, got 2147483648";
    QTest::newRow("zero processes")
        << kRepository << QByteArray("{\"limits\": {\n\"processes\": 0}}")
        << "%1:2: limits.processes: expected more than zero, got 0";
}

void tst_PolicyFileReader::errors()
{
    QFETCH(PolicyFile::Origin, origin);
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);

    const auto file = readText(text, origin);
    QVERIFY(!file);
    expected.replace(QStringLiteral("%1"), path());
    expected.replace(QStringLiteral("%2"), PolicyFileReader::userFilePath());
    QCOMPARE(file.error().message, expected);
}

void tst_PolicyFileReader::sizes_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("bytes");

    QTest::newRow("number of bytes") << QByteArray("1000") << qint64(1000);
    QTest::newRow("string of bytes") << QByteArray("\"1000\"") << qint64(1000);
    QTest::newRow("kibibytes") << QByteArray("\"64K\"") << qint64(64) * 1024;
    QTest::newRow("mebibytes") << QByteArray("\"512M\"") << (qint64(512) << 20);
    QTest::newRow("gibibytes") << QByteArray("\"2g\"") << (qint64(2) << 30);
    QTest::newRow("GiB") << QByteArray("\"2GiB\"") << (qint64(2) << 30);
}

void tst_PolicyFileReader::sizes()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, bytes);

    const auto file = readText("{\"limits\": {\"memory\": " + value + ", \"output\": " + value
                               + ", \"disk\": " + value + "}}");
    QVERIFY_OK(file);
    QCOMPARE(file->limits.memoryBytes, bytes);
    QCOMPARE(file->limits.outputBytes, bytes);
    QCOMPARE(file->limits.diskBytes, bytes);
}

void tst_PolicyFileReader::durations_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("ms");

    QTest::newRow("plain number of seconds") << QByteArray("90") << qint64(90'000);
    QTest::newRow("string of seconds") << QByteArray("\"90\"") << qint64(90'000);
    QTest::newRow("seconds") << QByteArray("\"45s\"") << qint64(45'000);
    QTest::newRow("milliseconds") << QByteArray("\"3000ms\"") << qint64(3000);
    QTest::newRow("minutes") << QByteArray("\"10m\"") << qint64(600'000);
    QTest::newRow("hours") << QByteArray("\"2h\"") << qint64(7'200'000);
}

void tst_PolicyFileReader::durations()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, ms);

    const auto file =
        readText("{\"limits\": {\"wallTime\": " + value + ", \"cpuTime\": " + value + "}}");
    QVERIFY_OK(file);
    QCOMPARE(file->limits.wallTime, milliseconds(ms));
    QCOMPARE(file->limits.cpuTime, seconds(ms / 1000));

    const auto shortWall = readText(R"({"limits": {"wallTime": "250ms"}})");
    QVERIFY(shortWall);
    QCOMPARE(shortWall->limits.wallTime, milliseconds(250));
}

void tst_PolicyFileReader::processes()
{
    const auto file = readText(R"({"limits": {"processes": 2048}})");
    QVERIFY_OK(file);
    QCOMPARE(file->limits.processes, 2048);
    QVERIFY(!file->limits.memoryBytes);
    QVERIFY(!file->limits.wallTime);
}

void tst_PolicyFileReader::expandsHomeInBinds()
{
    const QString home = m_dir->filePath(QStringLiteral("home"));
    QVERIFY(QDir().mkpath(home + QStringLiteral("/.cache/pip")));
    qputenv("HOME", home.toLocal8Bit());

    const auto file =
        readText(R"({"filesystem": {"readWrite": ["~/.cache/pip/"], "readOnly": ["~"]}})");
    QVERIFY_OK(file);
    QCOMPARE(file->readWritePaths, QStringList{home + QStringLiteral("/.cache/pip")});
    QCOMPARE(file->readOnlyPaths, QStringList{home});
}

void tst_PolicyFileReader::cleansDeniedPaths()
{
    const auto file = readText(
        R"({"filesystem": {"deny": ["secrets/", "./config//prod.env", "secrets", ".ssh"]}})",
        kRepository);
    QVERIFY_OK(file);
    QCOMPARE(file->deniedPaths, (QStringList{"secrets", "config/prod.env", ".ssh"}));
}

void tst_PolicyFileReader::keepsHostsAsWritten()
{
    // Each index must still name its own line, so nothing is merged here.
    const auto file =
        readText(R"({"network": {"allow": ["PyPI.org", "pypi.org", "*.npmjs.org:443"]}})");
    QVERIFY_OK(file);
    QCOMPARE(file->allowedHosts, (QStringList{"PyPI.org", "pypi.org", "*.npmjs.org:443"}));

    const auto empty = readText(R"({"network": {"allow": []}})");
    QVERIFY(empty);
    QCOMPARE(empty->allowedHosts, QStringList());

    const auto silent = readText(R"({"network": {}})");
    QVERIFY(silent);
    QVERIFY(!silent->allowedHosts);
}

void tst_PolicyFileReader::emptyObjectAsksForNothing()
{
    const auto file = readText("\xEF\xBB\xBF{ }\n");
    QVERIFY_OK(file);
    QVERIFY(file->present);
    QVERIFY(file->readOnlyPaths.isEmpty());
    QVERIFY(file->deniedPaths.isEmpty());
    QVERIFY(!file->allowedHosts);
    QCOMPARE(file->limits, PolicyFile::Limits{});
}

void tst_PolicyFileReader::missingFileAsksForNothing()
{
    const auto file = PolicyFileReader::read(path(), kUser);
    QVERIFY_OK(file);
    QVERIFY(!file->present);
    QCOMPARE(file->path, path());
    QVERIFY(!file->allowedHosts);
}

void tst_PolicyFileReader::missingFolderAsksForNothing()
{
    const auto file = PolicyFileReader::read(
        PolicyFileReader::repositoryFilePath(m_dir->filePath(QStringLiteral("repo"))), kRepository);
    QVERIFY_OK(file);
    QVERIFY(!file->present);
}

void tst_PolicyFileReader::unreadableFileIsAnError()
{
    // Tests run as root, whom permissions do not stop; a read of /proc/self/mem at offset 0
    // fails for everyone, so the user's file is made a link to it.
    QVERIFY(QFile::link(QStringLiteral("/proc/self/mem"), path()));

    const auto file = PolicyFileReader::read(path(), kUser);
    QVERIFY(!file);
    QCOMPARE(file.error().code, QStringLiteral("sandbox_policy_unreadable"));
    QVERIFY2(file.error().message.startsWith(path() + QStringLiteral(": cannot be read (")),
             qPrintable(file.error().message));
    QVERIFY2(file.error().message.endsWith(QStringLiteral("); fix its permissions or remove it")),
             qPrintable(file.error().message));
}

void tst_PolicyFileReader::folderInPlaceOfTheFileIsAnError()
{
    QVERIFY(QDir().mkpath(path()));

    const auto file = PolicyFileReader::read(path(), kUser);
    QVERIFY(!file);
    QCOMPARE(file.error().message,
             path() + QStringLiteral(": not a regular file; replace it with a JSON file"));
}

void tst_PolicyFileReader::oversizedFileIsAnError()
{
    QByteArray text = "{\"limits\": {}}";
    text += QByteArray(PolicyFileReader::kMaxFileBytes, ' ');

    const auto file = readText(text);
    QVERIFY(!file);
    QCOMPARE(file.error().message,
             path()
                 + QStringLiteral(": larger than 1048576 bytes, far more than a policy needs; "
                                  "check that it is the right file"));
}

void tst_PolicyFileReader::repositoryLinksAreRefused_data()
{
    QTest::addColumn<bool>("linkTheFolder");

    QTest::newRow("the file is a link") << false;
    QTest::newRow("the .tandem folder is a link") << true;
}

void tst_PolicyFileReader::repositoryLinksAreRefused()
{
    QFETCH(bool, linkTheFolder);

    // A policy the user would accept, somewhere outside the repository.
    const QString elsewhere = m_dir->filePath(QStringLiteral("elsewhere"));
    writeFile(elsewhere + QStringLiteral("/sandbox.json"), R"({"limits": {"memory": "1G"}})");

    const QString repo = m_dir->filePath(QStringLiteral("repo"));
    QVERIFY(QDir().mkpath(repo + QStringLiteral("/.tandem")));
    const QString target = PolicyFileReader::repositoryFilePath(repo);
    if (linkTheFolder) {
        QVERIFY(QDir(repo + QStringLiteral("/.tandem")).removeRecursively());
        QVERIFY(QFile::link(elsewhere, repo + QStringLiteral("/.tandem")));
    } else {
        QVERIFY(QFile::link(elsewhere + QStringLiteral("/sandbox.json"), target));
    }

    const auto file = PolicyFileReader::read(target, kRepository);
    QVERIFY(!file);
    QCOMPARE(file.error().message,
             target
                 + QStringLiteral(": a repository's sandbox file must be a plain file in its "
                                  ".tandem folder, not a symbolic link; replace the link"));
}

void tst_PolicyFileReader::userFileMayBeALink()
{
    // Dotfiles are often links into a repository of the user's own.
    const QString real = m_dir->filePath(QStringLiteral("dotfiles/sandbox.json"));
    writeFile(real, R"({"limits": {"memory": "8G"}})");
    QVERIFY(QFile::link(real, path()));

    const auto file = PolicyFileReader::read(path(), kUser);
    QVERIFY_OK(file);
    QCOMPARE(file->limits.memoryBytes, qint64(8) << 30);
}

void tst_PolicyFileReader::danglingLinkIsAnError()
{
    const QString nowhere = m_dir->filePath(QStringLiteral("nowhere.json"));
    QVERIFY(QFile::link(nowhere, path()));

    const auto file = PolicyFileReader::read(path(), kUser);
    QVERIFY(!file);
    QCOMPARE(file.error().message,
             path()
                 + QStringLiteral(": a symbolic link to %1, which does not exist; fix or remove "
                                  "the link")
                       .arg(nowhere));
}

void tst_PolicyFileReader::userFileFollowsXdgConfigHome()
{
    const QString config = m_dir->filePath(QStringLiteral("xdg"));
    qputenv("XDG_CONFIG_HOME", config.toLocal8Bit());
    QCOMPARE(PolicyFileReader::userFilePath(), config + QStringLiteral("/tandem/sandbox.json"));

    writeFile(config + QStringLiteral("/tandem/sandbox.json"), R"({"limits": {"processes": 9}})");
    const auto file = PolicyFileReader::read(PolicyFileReader::userFilePath(), kUser);
    QVERIFY_OK(file);
    QCOMPARE(file->limits.processes, 9);
}

void tst_PolicyFileReader::userFileDefaultsToDotConfig()
{
    const QString home = m_dir->filePath(QStringLiteral("home"));
    QVERIFY(QDir().mkpath(home));
    qputenv("HOME", home.toLocal8Bit());

    qunsetenv("XDG_CONFIG_HOME");
    QCOMPARE(PolicyFileReader::userFilePath(),
             home + QStringLiteral("/.config/tandem/sandbox.json"));

    // An empty value counts as unset.
    qputenv("XDG_CONFIG_HOME", QByteArray());
    QCOMPARE(PolicyFileReader::userFilePath(),
             home + QStringLiteral("/.config/tandem/sandbox.json"));

    // So does a relative one: it would name a different file in every working directory.
    qputenv("XDG_CONFIG_HOME", "relative/config");
    QCOMPARE(PolicyFileReader::userFilePath(),
             home + QStringLiteral("/.config/tandem/sandbox.json"));
}

void tst_PolicyFileReader::repositoryFileIsInTandemFolder()
{
    QCOMPARE(PolicyFileReader::repositoryFilePath(QStringLiteral("/src/project")),
             QStringLiteral("/src/project/.tandem/sandbox.json"));
    QCOMPARE(PolicyFileReader::repositoryFilePath(QStringLiteral("/src/project/")),
             QStringLiteral("/src/project/.tandem/sandbox.json"));
}

QTEST_GUILESS_MAIN(tst_PolicyFileReader)
#include "tst_policyfilereader.moc"
