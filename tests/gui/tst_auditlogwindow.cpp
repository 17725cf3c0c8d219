// The audit log window on logs the real AuditLog wrote: the table, the filter, the details of
// the selected entry, and the chain's state, intact and broken.
#include "ui/auditlogwindow.h"

#include "audit/auditlog.h"

#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace tandem;

class tst_AuditLogWindow : public QObject
{
    Q_OBJECT

private slots:
    void browsesAndFilters();
    void showsWhereTheChainBreaks();
    void missingFileIsSaid();

private:
    QString writeLog(const QTemporaryDir &dir);
};

QString tst_AuditLogWindow::writeLog(const QTemporaryDir &dir)
{
    const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
    audit::AuditLog log(path);
    if (!log.open())
        qFatal("cannot open the log");
    log.record("sandbox_start", {{"backend", "bubblewrap"}, {"session", "s-1"}});
    log.record("tool_call", {{"tool", "bash"}, {"input", {{"command", "pytest -q"}}}});
    log.record("sandbox_exec", {{"argv", {"pytest", "-q"}}, {"exit_code", 1}});
    log.record("git_push", {{"remote", "origin"}, {"branch", "tandem/fix"}});
    return path;
}

void tst_AuditLogWindow::browsesAndFilters()
{
    QTemporaryDir dir;
    ui::AuditLogWindow window(writeLog(dir));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QVERIFY2(window.chainStatusText().contains(QStringLiteral("chain holds: 4 entries")),
             qPrintable(window.chainStatusText()));
    auto *table = window.findChild<QTableView *>(QStringLiteral("auditTable"));
    QCOMPARE(table->model()->rowCount(), 4);
    QCOMPARE(table->model()->index(3, 2).data().toString(), QStringLiteral("git_push"));
    QVERIFY(table->model()->index(3, 3).data().toString().contains(u"remote: origin"));
    QVERIFY(table->model()->index(1, 3).data().toString().contains(u"tool: bash"));

    // It opens on the newest entry, in full.
    auto *details = window.findChild<QPlainTextEdit *>(QStringLiteral("auditDetails"));
    QVERIFY(details->toPlainText().contains(u"\"branch\": \"tandem/fix\""));

    auto *filter = window.findChild<QLineEdit *>(QStringLiteral("auditFilter"));
    QTest::keyClicks(filter, QStringLiteral("SANDBOX"));
    QCOMPARE(window.visibleEntries(), 2);
    table->selectRow(1);
    QVERIFY(details->toPlainText().contains(u"\"exit_code\": 1"));
    filter->clear();
    QCOMPARE(window.visibleEntries(), 4);
}

void tst_AuditLogWindow::showsWhereTheChainBreaks()
{
    QTemporaryDir dir;
    const QString path = writeLog(dir);
    ui::AuditLogWindow window(path);
    QVERIFY(window.chainStatusText().contains(u"holds"));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray text = file.readAll();
    file.close();
    text.replace("pytest -q\"}", "ls\"}");
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
    file.close();

    window.findChild<QPushButton *>(QStringLiteral("auditReload"))->click();
    QVERIFY2(window.chainStatusText().contains(u"Broken at line 3"),
             qPrintable(window.chainStatusText()));
    auto *table = window.findChild<QTableView *>(QStringLiteral("auditTable"));
    QCOMPARE(table->currentIndex().row(), 2);
    QCOMPARE(table->model()->index(2, 0).data(Qt::UserRole + 1).toBool(), true);
    QCOMPARE(table->model()->index(1, 0).data(Qt::UserRole + 1).toBool(), false);
}

void tst_AuditLogWindow::missingFileIsSaid()
{
    QTemporaryDir dir;
    ui::AuditLogWindow window(dir.filePath(QStringLiteral("none.jsonl")));
    QVERIFY(window.chainStatusText().contains(u"Cannot read"));
    QCOMPARE(window.visibleEntries(), 0);
}

QTEST_MAIN(tst_AuditLogWindow)
#include "tst_auditlogwindow.moc"
