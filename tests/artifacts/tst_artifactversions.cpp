#include "artifacts/artifactversions.h"

#include <QTest>

using tandem::artifacts::ArtifactVersions;

class TestArtifactVersions : public QObject
{
    Q_OBJECT

private slots:
    void recordsOnlyChanges();
    void stepsBackAndForward();
    void recordingWhileBackKeepsEveryVersion();
    void diff_data();
    void diff();
};

void TestArtifactVersions::recordsOnlyChanges()
{
    ArtifactVersions versions(QStringLiteral("a\n"));
    QVERIFY(!versions.record(QStringLiteral("a\n")));
    QVERIFY(versions.record(QStringLiteral("b\n")));
    QCOMPARE(versions.count(), 2);
    QCOMPARE(versions.current(), QStringLiteral("b\n"));
}

void TestArtifactVersions::stepsBackAndForward()
{
    ArtifactVersions versions(QStringLiteral("1"));
    versions.record(QStringLiteral("2"));
    versions.record(QStringLiteral("3"));

    QVERIFY(versions.back());
    QVERIFY(versions.back());
    QVERIFY(!versions.back());
    QCOMPARE(versions.current(), QStringLiteral("1"));
    QVERIFY(versions.forward());
    QCOMPARE(versions.current(), QStringLiteral("2"));
    QCOMPARE(versions.index(), 1);
}

void TestArtifactVersions::recordingWhileBackKeepsEveryVersion()
{
    ArtifactVersions versions(QStringLiteral("1"));
    versions.record(QStringLiteral("2"));
    versions.back();
    QVERIFY(versions.record(QStringLiteral("1b")));
    QCOMPARE(versions.count(), 3);
    QCOMPARE(versions.at(1), QStringLiteral("2"));
    QCOMPARE(versions.current(), QStringLiteral("1b"));
    QVERIFY(!versions.forward());
}

void TestArtifactVersions::diff_data()
{
    QTest::addColumn<QString>("before");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QString>("expected");

    QTest::newRow("equal") << QStringLiteral("a\nb\n") << QStringLiteral("a\nb\n") << QString();
    QTest::newRow("one line changed") << QStringLiteral("a\nb\nc\n") << QStringLiteral("a\nB\nc\n")
                                      << QStringLiteral("@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
    QTest::newRow("line added at the end") << QStringLiteral("a\n") << QStringLiteral("a\nb\n")
                                           << QStringLiteral("@@ -1,1 +1,2 @@\n a\n+b\n");
    QTest::newRow("distant changes make two hunks")
        << QStringLiteral("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n")
        << QStringLiteral("x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny\n")
        << QStringLiteral("@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n"
                          "@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+y\n");
}

void TestArtifactVersions::diff()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(QString, expected);

    QCOMPARE(ArtifactVersions::diff(before, after), expected);
}

QTEST_GUILESS_MAIN(TestArtifactVersions)

#include "tst_artifactversions.moc"
