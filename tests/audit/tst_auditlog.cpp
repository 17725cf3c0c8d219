#include "audit/auditlog.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace tandem;

class tst_AuditLog : public QObject
{
    Q_OBJECT

private slots:
    void chainVerifies();
    void continuesAChainAfterReopening();
    void tamperingIsFound_data();
    void tamperingIsFound();
    void concurrentWritersKeepTheChain();
    void twoLogsOnOneFileKeepTheChain();
    void anEntryAfterACutLineStartsItsOwnLine();

private:
    QString writeLog(QTemporaryDir &dir, int lines);
};

QString tst_AuditLog::writeLog(QTemporaryDir &dir, int lines)
{
    const QString path = dir.filePath(QStringLiteral("audit/audit.jsonl"));
    audit::AuditLog log(path);
    if (!log.open())
        qFatal("cannot open the audit log");
    for (int i = 0; i < lines; ++i)
        log.record("tool_call", {{"tool", "bash"}, {"n", i}});
    return path;
}

void tst_AuditLog::chainVerifies()
{
    QTemporaryDir dir;
    const QString path = writeLog(dir, 5);
    QVERIFY(audit::AuditLog::verify(path).has_value());

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count('\n'), 5);
}

void tst_AuditLog::continuesAChainAfterReopening()
{
    QTemporaryDir dir;
    const QString path = writeLog(dir, 3);
    audit::AuditLog again(path);
    QVERIFY(again.open().has_value());
    QVERIFY(again.record("git_push", {{"remote", "origin"}}).has_value());

    QVERIFY(audit::AuditLog::verify(path).has_value());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines.last().contains("\"seq\":4"));
}

void tst_AuditLog::tamperingIsFound_data()
{
    QTest::addColumn<int>("edit");
    QTest::addColumn<QString>("firstBrokenLine");

    QTest::newRow("a line changed") << 0 << QStringLiteral("line 3 ");
    QTest::newRow("a line removed") << 1 << QStringLiteral("line 2 ");
    QTest::newRow("lines swapped") << 2 << QStringLiteral("line 2 ");
}

void tst_AuditLog::tamperingIsFound()
{
    QFETCH(int, edit);
    QFETCH(QString, firstBrokenLine);

    QTemporaryDir dir;
    const QString path = writeLog(dir, 4);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    file.close();

    if (edit == 0)
        lines[1].replace("\"n\":1", "\"n\":7");
    else if (edit == 1)
        lines.removeAt(1);
    else
        lines.swapItemsAt(1, 2);

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(lines.join('\n') + '\n');
    file.close();

    auto verified = audit::AuditLog::verify(path);
    QVERIFY(!verified.has_value());
    QVERIFY2(verified.error().message.contains(firstBrokenLine),
             qPrintable(verified.error().message));
}

void tst_AuditLog::concurrentWritersKeepTheChain()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
    audit::AuditLog log(path);
    QVERIFY(log.open().has_value());

    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
        writers.emplace_back([&log, t] {
            for (int i = 0; i < 50; ++i)
                log.record("tool_call", {{"thread", t}, {"n", i}});
        });
    }
    for (auto &writer : writers)
        writer.join();
    QVERIFY(audit::AuditLog::verify(path).has_value());
}

// Two processes (the window and a `tandem run`) each hold a log on the same file: every line
// must follow the one really before it, not the one its own writer wrote last.
void tst_AuditLog::twoLogsOnOneFileKeepTheChain()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
    audit::AuditLog window(path);
    audit::AuditLog headless(path);
    QVERIFY(window.open().has_value());
    QVERIFY(headless.open().has_value());

    std::thread other([&headless] {
        for (int i = 0; i < 100; ++i)
            headless.record("sandbox_exec", {{"n", i}});
    });
    for (int i = 0; i < 100; ++i)
        window.record("tool_call", {{"n", i}});
    other.join();

    auto verified = audit::AuditLog::verify(path);
    QVERIFY2(verified.has_value(), verified ? "" : qPrintable(verified.error().message));
}

// A crash mid-write leaves the last line without its newline; the next entry must not be
// glued to it, or it would be lost too.
void tst_AuditLog::anEntryAfterACutLineStartsItsOwnLine()
{
    QTemporaryDir dir;
    const QString path = writeLog(dir, 3);
    QVERIFY(QFile::resize(path, QFileInfo(path).size() - 10));

    audit::AuditLog log(path);
    QVERIFY(log.open().has_value());
    QVERIFY(log.record("git_push", {{"remote", "origin"}}).has_value());

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines.at(3).startsWith("{\"kind\":\"git_push\""));
    QVERIFY(!audit::AuditLog::verify(path).has_value());
}

QTEST_GUILESS_MAIN(tst_AuditLog)
#include "tst_auditlog.moc"
