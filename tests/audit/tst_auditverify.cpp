// `tandem audit verify` through the real binary: a log the sandbox command wrote, and logs
// changed in the ways a chain must reveal (or, for its last line, cannot).
#include "audit/auditlog.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace tandem;

namespace {

enum class Change {
    None,
    EditLine2,
    RemoveLine2,
    RemoveLine1,
    SwapLines2And3,
    CutLastLine,
    CutLastLineThenAppend,
    RemoveLastLine,
    NotJsonLine3,
};

struct Run
{
    int exitCode = -1;
    QString output;
};

QList<QByteArray> readLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().split('\n');
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot rewrite %s", qPrintable(path));
    file.write(bytes);
}

} // namespace

class tst_AuditVerify : public QObject
{
    Q_OBJECT

private slots:
    void defaultLogOfTheDataFolder();
    void changesAreNamed_data();
    void changesAreNamed();
    void missingFileIsUnreadable();
    void extraArgumentsAreRefused();

private:
    Run verify(const QStringList &arguments, const QString &dataHome = {});
    QString writeLog(const QString &path, int entries);
    void apply(Change change, const QString &path);
};

Run tst_AuditVerify::verify(const QStringList &arguments, const QString &dataHome)
{
    QProcess tandem;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!dataHome.isEmpty())
        environment.insert(QStringLiteral("XDG_DATA_HOME"), dataHome);
    tandem.setProcessEnvironment(environment);
    tandem.setProcessChannelMode(QProcess::MergedChannels);
    tandem.start(QStringLiteral(TANDEM_BINARY_DIR "/bin/tandem"),
                 QStringList{QStringLiteral("audit"), QStringLiteral("verify")} + arguments);
    if (!tandem.waitForFinished(30'000))
        return {};
    return {tandem.exitCode(), QString::fromUtf8(tandem.readAll())};
}

QString tst_AuditVerify::writeLog(const QString &path, int entries)
{
    audit::AuditLog log(path);
    if (!log.open())
        qFatal("cannot open %s", qPrintable(path));
    for (int i = 0; i < entries; ++i)
        log.record("tool_call", {{"tool", "bash"}, {"n", i}});
    return path;
}

void tst_AuditVerify::apply(Change change, const QString &path)
{
    QList<QByteArray> lines = readLines(path);
    lines.removeLast(); // the empty piece after the last newline
    switch (change) {
    case Change::None:
        return;
    case Change::EditLine2:
        lines[1].replace("\"n\":1", "\"n\":9");
        break;
    case Change::RemoveLine2:
        lines.removeAt(1);
        break;
    case Change::RemoveLine1:
        lines.removeAt(0);
        break;
    case Change::SwapLines2And3:
        lines.swapItemsAt(1, 2);
        break;
    case Change::NotJsonLine3:
        lines[2] = "a note someone typed in";
        break;
    case Change::RemoveLastLine:
        lines.removeLast();
        break;
    case Change::CutLastLine:
    case Change::CutLastLineThenAppend:
        writeBytes(path, lines.join('\n') + '\n');
        QFile(path).resize(QFileInfo(path).size() - 20);
        if (change == Change::CutLastLineThenAppend)
            writeLog(path, 1);
        return;
    }
    writeBytes(path, lines.join('\n') + '\n');
}

// The log a real command wrote, found where the app keeps it.
void tst_AuditVerify::defaultLogOfTheDataFolder()
{
    QTemporaryDir dataHome;
    QTemporaryDir workspace;
    QProcess sandbox;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_DATA_HOME"), dataHome.path());
    sandbox.setProcessEnvironment(environment);
    sandbox.start(QStringLiteral(TANDEM_BINARY_DIR "/bin/tandem"),
                  {QStringLiteral("sandbox"), QStringLiteral("run"), QStringLiteral("--workspace"),
                   workspace.path(), QStringLiteral("--"), QStringLiteral("true")});
    QVERIFY(sandbox.waitForFinished(30'000));
    QCOMPARE(sandbox.exitCode(), 0);

    const Run run = verify({}, dataHome.path());
    QVERIFY2(run.exitCode == 0, qPrintable(run.output));
    QVERIFY2(run.output.contains(dataHome.path() + QStringLiteral("/tandem/audit.jsonl")),
             qPrintable(run.output));
    QVERIFY2(run.output.contains(QStringLiteral("the chain holds")), qPrintable(run.output));
    QVERIFY(!run.output.startsWith(QStringLiteral("0 entries")));
}

void tst_AuditVerify::changesAreNamed_data()
{
    QTest::addColumn<Change>("change");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected");

    QTest::newRow("intact") << Change::None << 0 << QStringLiteral("5 entries, the chain holds");
    QTest::newRow("line 2 edited") << Change::EditLine2 << 1
                                   << QStringLiteral("broken at line 3.\nline 3 does not follow "
                                                     "line 2: line 2 was changed");
    QTest::newRow("line 2 removed") << Change::RemoveLine2 << 1
                                    << QStringLiteral("broken at line 2.\nline 2 does not follow "
                                                      "line 1: entry 2 is missing");
    QTest::newRow("line 1 removed")
        << Change::RemoveLine1 << 1
        << QStringLiteral("broken at line 1.\nline 1 is not the start of a chain: entry 1 is");
    QTest::newRow("lines 2 and 3 swapped")
        << Change::SwapLines2And3 << 1 << QStringLiteral("broken at line 2.");
    QTest::newRow("line 3 not JSON")
        << Change::NotJsonLine3 << 1 << QStringLiteral("line 3 is not an audit entry");
    QTest::newRow("last line cut short")
        << Change::CutLastLine << 4
        << QStringLiteral("incomplete at line 5.\nline 5, the last, is incomplete");
    QTest::newRow("cut line, then a new entry")
        << Change::CutLastLineThenAppend << 1
        << QStringLiteral("broken at line 5.\nline 5 is not an audit entry");
    // The chain's known limit: nothing follows the last line to vouch for it.
    QTest::newRow("last line removed")
        << Change::RemoveLastLine << 0 << QStringLiteral("4 entries, the chain holds");
}

void tst_AuditVerify::changesAreNamed()
{
    QFETCH(Change, change);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);

    QTemporaryDir dir;
    const QString path = writeLog(dir.filePath(QStringLiteral("audit.jsonl")), 5);
    apply(change, path);

    const Run run = verify({path});
    QVERIFY2(run.exitCode == exitCode, qPrintable(run.output));
    QVERIFY2(run.output.contains(expected), qPrintable(run.output));
}

void tst_AuditVerify::missingFileIsUnreadable()
{
    QTemporaryDir dir;
    const Run run = verify({dir.filePath(QStringLiteral("none.jsonl"))});
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.output.contains(QStringLiteral("Cannot read")), qPrintable(run.output));
}

void tst_AuditVerify::extraArgumentsAreRefused()
{
    QCOMPARE(verify({QStringLiteral("a"), QStringLiteral("b")}).exitCode, 2);

    QProcess tandem;
    tandem.start(QStringLiteral(TANDEM_BINARY_DIR "/bin/tandem"),
                 {QStringLiteral("audit"), QStringLiteral("check")});
    QVERIFY(tandem.waitForFinished(30'000));
    QCOMPARE(tandem.exitCode(), 2);
}

QTEST_GUILESS_MAIN(tst_AuditVerify)
#include "tst_auditverify.moc"
