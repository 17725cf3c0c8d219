#include "artifacts/artifactinputstream.h"

#include <QTest>

using tandem::artifacts::ArtifactInputStream;

// The artifact tool's input read while it streams, cut anywhere.
class TestArtifactInputStream : public QObject
{
    Q_OBJECT

private slots:
    void readsEveryCut_data();
    void readsEveryCut();
    void showsTheContentAsItComes();
    void stopsAtWhatIsNotJson();
};

void TestArtifactInputStream::readsEveryCut_data()
{
    QTest::addColumn<int>("pieceSize");
    for (int size : {1, 2, 3, 7, 1000})
        QTest::newRow(qPrintable(QStringLiteral("pieces of %1").arg(size))) << size;
}

void TestArtifactInputStream::readsEveryCut()
{
    QFETCH(int, pieceSize);

    const QString json = QStringLiteral(
        R"({"command": "create", "size": [1, {"a": "}"}], "ok": true, "id": "p\u00e9-1",)"
        R"( "content": "<h1 class=\"t\">A\\B</h1>\n\t\ud83d\ude00 /\/"})");
    ArtifactInputStream input;
    for (qsizetype at = 0; at < json.size(); at += pieceSize)
        input.feed(QStringView(json).mid(at, pieceSize));

    QCOMPARE(input.string(QStringLiteral("command")), QStringLiteral("create"));
    QCOMPARE(input.string(QStringLiteral("id")), QStringLiteral("p\u00e9-1"));
    QCOMPARE(input.string(QStringLiteral("content")),
             QStringLiteral("<h1 class=\"t\">A\\B</h1>\n\t\U0001F600 //"));
    QVERIFY(input.isStringComplete(QStringLiteral("content")));
    QVERIFY(!input.isStringStarted(QStringLiteral("size")));
    QVERIFY(!input.isStringStarted(QStringLiteral("a")));
}

void TestArtifactInputStream::showsTheContentAsItComes()
{
    ArtifactInputStream input;
    input.feed(u"{\"command\":\"rewrite\",\"content\":\"line one\\");
    QVERIFY(input.isStringComplete(QStringLiteral("command")));
    QVERIFY(input.isStringStarted(QStringLiteral("content")));
    QVERIFY(!input.isStringComplete(QStringLiteral("content")));
    QCOMPARE(input.string(QStringLiteral("content")), QStringLiteral("line one"));

    input.feed(u"nline two\\u00");
    QCOMPARE(input.string(QStringLiteral("content")), QStringLiteral("line one\nline two"));
    input.feed(u"e9\"}");
    QCOMPARE(input.string(QStringLiteral("content")), QStringLiteral("line one\nline two\u00e9"));
    QVERIFY(input.isStringComplete(QStringLiteral("content")));
}

void TestArtifactInputStream::stopsAtWhatIsNotJson()
{
    ArtifactInputStream input;
    input.feed(u"{\"id\": \"a\" \"content\": \"never\"}");
    QCOMPARE(input.string(QStringLiteral("id")), QStringLiteral("a"));
    QVERIFY(!input.isStringStarted(QStringLiteral("content")));

    ArtifactInputStream notAnObject;
    notAnObject.feed(u"[\"content\", \"x\"]");
    QVERIFY(!notAnObject.isStringStarted(QStringLiteral("content")));
}

QTEST_GUILESS_MAIN(TestArtifactInputStream)

#include "tst_artifactinputstream.moc"
