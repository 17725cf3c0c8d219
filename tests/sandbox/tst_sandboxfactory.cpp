#include "sandbox/sandboxfactory.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using tandem::sandbox::SandboxFactory;

// Which folders may be a workspace, the one folder commands can change.
class tst_SandboxFactory : public QObject
{
    Q_OBJECT

private slots:
    void systemAndHomeFoldersAreRefused_data();
    void systemAndHomeFoldersAreRefused();
    void projectFoldersAreAccepted();
};

void tst_SandboxFactory::systemAndHomeFoldersAreRefused_data()
{
    QTest::addColumn<QString>("folder");
    QTest::newRow("root") << QStringLiteral("/");
    QTest::newRow("etc") << QStringLiteral("/etc");
    QTest::newRow("below usr") << QStringLiteral("/usr/lib");
    QTest::newRow("below var") << QStringLiteral("/var/lib");
    QTest::newRow("tmp itself") << QStringLiteral("/tmp");
    QTest::newRow("home") << QDir::homePath();
    QTest::newRow("above home") << QFileInfo(QDir::homePath()).path();
}

void tst_SandboxFactory::systemAndHomeFoldersAreRefused()
{
    QFETCH(QString, folder);
    const auto checked = SandboxFactory::checkWorkspace(folder);
    QVERIFY2(!checked.has_value(), qPrintable(folder));
    QVERIFY(checked.error().message.contains(QStringLiteral("Refusing")));
}

void tst_SandboxFactory::projectFoldersAreAccepted()
{
    // Inside the home folder, even when that is /root (Tandem run as root).
    QTemporaryDir inHome(QDir::home().filePath(QStringLiteral("tandem-project-XXXXXX")));
    QVERIFY(inHome.isValid());
    const auto home = SandboxFactory::checkWorkspace(inHome.path());
    QVERIFY2(home.has_value(), home ? "" : qPrintable(home.error().message));

    QTemporaryDir inTmp;
    QVERIFY(SandboxFactory::checkWorkspace(inTmp.path()).has_value());
}

QTEST_GUILESS_MAIN(tst_SandboxFactory)
#include "tst_sandboxfactory.moc"
