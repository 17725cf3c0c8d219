#include "sandbox/jsonkeylines.h"

#include <QtTest>

using namespace tandem;
using sandbox::JsonKeyLines;

class tst_JsonKeyLines : public QObject
{
    Q_OBJECT

private slots:
    void mapsPathsToLines_data();
    void mapsPathsToLines();
    void decodesEscapedKeys();
    void skipsStringsThatLookLikeStructure();
    void refusesRepeatedKeys();
    void sameKeyInTwoObjectsIsFine();
    void refusesDeepNesting();
    void lineAndColumn_data();
    void lineAndColumn();
};

namespace {

const QByteArray kDocument = R"({
  "filesystem": {
    "deny": [
      "secrets/",
      "config/prod.env"
    ]
  },
  "network": {"allow": ["pypi.org", "*.npmjs.org"]},
  "limits":
  {
    "memory":
      "4G"
  }
}
)";

} // namespace

void tst_JsonKeyLines::mapsPathsToLines_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("line");

    QTest::newRow("root") << "" << 1;
    QTest::newRow("object") << "filesystem" << 2;
    QTest::newRow("member") << "filesystem.deny" << 3;
    QTest::newRow("first element") << "filesystem.deny[0]" << 4;
    QTest::newRow("second element") << "filesystem.deny[1]" << 5;
    QTest::newRow("elements on one line") << "network.allow[1]" << 8;
    QTest::newRow("object on the next line") << "limits" << 9;
    QTest::newRow("key line, not value line") << "limits.memory" << 11;
    QTest::newRow("absent key") << "limits.disk" << 0;
    QTest::newRow("absent element") << "filesystem.deny[2]" << 0;
}

void tst_JsonKeyLines::mapsPathsToLines()
{
    QFETCH(QString, path);
    QFETCH(int, line);

    const auto lines = JsonKeyLines::scan(kDocument);
    QVERIFY(lines);
    QCOMPARE(lines->lineOf(path), line);
}

void tst_JsonKeyLines::decodesEscapedKeys()
{
    const auto lines = JsonKeyLines::scan("{\n\"lim\\u0069ts\": {\n\"a\\\"b\": 1}}");
    QVERIFY(lines);
    QCOMPARE(lines->lineOf(QStringLiteral("limits")), 2);
    QCOMPARE(lines->lineOf(QStringLiteral("limits.a\"b")), 3);
}

void tst_JsonKeyLines::skipsStringsThatLookLikeStructure()
{
    const auto lines = JsonKeyLines::scan("{\"a\": \"}{[,\\\"\",\n\"b\": 2}");
    QVERIFY(lines);
    QCOMPARE(lines->lineOf(QStringLiteral("b")), 2);
}

void tst_JsonKeyLines::refusesRepeatedKeys()
{
    const auto lines =
        JsonKeyLines::scan("{\n\"filesystem\": {\n\"deny\": [\"a\"],\n\"deny\": []\n}\n}");
    QVERIFY(!lines);
    QCOMPARE(lines.error().line, 4);
    QCOMPARE(lines.error().path, QStringLiteral("filesystem.deny"));
    QCOMPARE(lines.error().message,
             QStringLiteral("given twice in one object (first on line 3); keep one"));
}

void tst_JsonKeyLines::sameKeyInTwoObjectsIsFine()
{
    QVERIFY(JsonKeyLines::scan(R"({"a": {"x": 1}, "b": {"x": 2}})"));
}

void tst_JsonKeyLines::refusesDeepNesting()
{
    const int depth = JsonKeyLines::kMaxDepth + 1;
    const QByteArray deep = "{\"a\":\n" + QByteArray(depth, '[') + QByteArray(depth, ']') + "}";
    const auto lines = JsonKeyLines::scan(deep);
    QVERIFY(!lines);
    QCOMPARE(lines.error().line, 2);
    QCOMPARE(lines.error().message, QStringLiteral("nested too deeply"));

    const int allowed = JsonKeyLines::kMaxDepth - 1;
    QVERIFY(
        JsonKeyLines::scan("{\"a\":" + QByteArray(allowed, '[') + QByteArray(allowed, ']') + "}"));
}

void tst_JsonKeyLines::lineAndColumn_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("offset");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    QTest::newRow("start") << QByteArray("{}") << 0 << 1 << 1;
    QTest::newRow("second line") << QByteArray("{\n  x") << 4 << 2 << 3;
    QTest::newRow("on the newline") << QByteArray("ab\ncd") << 2 << 1 << 3;
    QTest::newRow("multi-byte characters count once") << QByteArray("\"é€\" x") << 8 << 1 << 6;
    QTest::newRow("past the end") << QByteArray("ab") << 10 << 1 << 3;
    QTest::newRow("before the start") << QByteArray("ab") << -1 << 1 << 1;
}

void tst_JsonKeyLines::lineAndColumn()
{
    QFETCH(QByteArray, text);
    QFETCH(int, offset);
    QFETCH(int, line);
    QFETCH(int, column);

    const auto [actualLine, actualColumn] = JsonKeyLines::lineAndColumn(text, offset);
    QCOMPARE(actualLine, line);
    QCOMPARE(actualColumn, column);
}

QTEST_APPLESS_MAIN(tst_JsonKeyLines)
#include "tst_jsonkeylines.moc"
