#include "ptc/schemacheck.h"

#include <QtTest>

using nlohmann::json;
using tandem::ptc::SchemaCheck;

class tst_SchemaCheck : public QObject
{
    Q_OBJECT

private slots:
    void problems_data();
    void problems();
};

void tst_SchemaCheck::problems_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("problem"); // empty: fits

    QTest::newRow("fits") << R"({"id": 7, "tags": ["a"], "mode": "fast"})"
                          << "";
    QTest::newRow("integer as 7.0") << R"({"id": 7.0})"
                                    << "";
    QTest::newRow("wrong type") << R"({"id": "7"})"
                                << "id: expected integer, got string";
    QTest::newRow("missing") << R"({})"
                             << "id: is required";
    QTest::newRow("extra") << R"({"id": 1, "x": 1})"
                           << "x: is not a parameter of this tool";
    QTest::newRow("enum") << R"({"id": 1, "mode": "slow"})"
                          << R"(mode: must be one of ["fast","safe"])";
    QTest::newRow("item type") << R"({"id": 1, "tags": ["a", 2]})"
                               << "tags[1]: expected string, got integer";
    QTest::newRow("too many") << R"({"id": 1, "tags": ["a", "b", "c"]})"
                              << "tags: takes at most 2 items";
    QTest::newRow("minimum") << R"({"id": -1})"
                             << "id: must be at least 0";
    QTest::newRow("characters, not bytes") << R"({"id": 1, "name": "€€€€"})"
                                           << "";
    QTest::newRow("too long") << R"({"id": 1, "name": "€€€€€"})"
                              << "name: longer than 4 characters";
    QTest::newRow("nested") << R"({"id": 1, "where": {"line": "x"}})"
                            << "where.line: expected integer or null, got string";
    QTest::newRow("not an object") << R"([1])"
                                   << "input: expected object, got array";
}

void tst_SchemaCheck::problems()
{
    QFETCH(QString, value);
    QFETCH(QString, problem);
    const json schema = {
        {"type", "object"},
        {"properties",
         {{"id", {{"type", "integer"}, {"minimum", 0}}},
          {"mode", {{"enum", {"fast", "safe"}}}},
          {"name", {{"type", "string"}, {"maxLength", 4}}},
          {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}, {"maxItems", 2}}},
          {"where",
           {{"type", "object"}, {"properties", {{"line", {{"type", {"integer", "null"}}}}}}}}}},
        {"required", {"id"}},
        {"additionalProperties", false}};
    const auto found = SchemaCheck::check(json::parse(value.toStdString()), schema);
    QCOMPARE(QString::fromStdString(found.value_or("")), problem);
}

QTEST_GUILESS_MAIN(tst_SchemaCheck)
#include "tst_schemacheck.moc"
