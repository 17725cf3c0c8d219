#include "agent/testcommand.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using tandem::agent::TestCommand;

// Which test command a repository gets, wherever the repository itself lives.
class TestTestCommand : public QObject
{
    Q_OBJECT

private slots:
    void findsPythonTestsInAWorkspaceUnderAHiddenFolder();
    void ignoresTestsInsideHiddenFoldersOfTheRepository();
    void configuredCommandWins();

private:
    static void write(const QString &path, const QByteArray &text = {});
};

void TestTestCommand::write(const QString &path, const QByteArray &text)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).path()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

// The window's workspaces live in ~/.local/share/tandem/workspaces: a hidden folder above the
// repository must not hide its tests.
void TestTestCommand::findsPythonTestsInAWorkspaceUnderAHiddenFolder()
{
    QTemporaryDir dir;
    const QString root = dir.filePath(QStringLiteral(".local/share/workspaces/app"));
    write(root + QStringLiteral("/tests/test_money.py"));

    const auto found = TestCommand::find(root);
    QVERIFY(found.has_value());
    QCOMPARE(found->argv.mid(0, 3), QStringList({"python3", "-m", "unittest"}));
    QVERIFY(found->argv.contains(QStringLiteral("tests")));
}

void TestTestCommand::ignoresTestsInsideHiddenFoldersOfTheRepository()
{
    QTemporaryDir dir;
    write(dir.filePath(QStringLiteral(".venv/lib/test_vendor.py")));
    write(dir.filePath(QStringLiteral("src/.cache/test_cached.py")));

    QVERIFY(!TestCommand::find(dir.path()).has_value());
}

void TestTestCommand::configuredCommandWins()
{
    QTemporaryDir dir;
    write(dir.filePath(QStringLiteral("tests/test_money.py")));
    write(dir.filePath(QStringLiteral(".tandem/test-command")), "make check\n");

    const auto found = TestCommand::find(dir.path());
    QVERIFY(found.has_value());
    QCOMPARE(found->argv, QStringList({"bash", "-c", "make check"}));
}

QTEST_GUILESS_MAIN(TestTestCommand)
#include "tst_testcommand.moc"
