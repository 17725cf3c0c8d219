#include "tools/commandtool.h"
#include "tools/usertoolsfile.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace tandem;
using nlohmann::json;

// The user's tools.json: what it may say, the errors that name its line and key, and a tool
// from it running on the host.
class tst_UserToolsFile : public QObject
{
    Q_OBJECT

private slots:
    void readsATool();
    void noFileIsNoTools();
    void mistakesNameTheLineAndKey_data();
    void mistakesNameTheLineAndKey();
    void commandGetsTheInputAndAnswers();
    void failingOrSlowCommandsAreErrors();
};

void tst_UserToolsFile::readsATool()
{
    const QByteArray text = R"J({"tools": [{
        "name": "get_issue", "description": "An issue",
        "input_schema": {"type": "object", "properties": {"id": {"type": "integer"}}},
        "allowed_callers": ["direct", "code_execution_20250825"],
        "command": ["python3", "-c", "print(1)"], "timeout_seconds": 5}]})J";
    auto tools = tools::UserToolsFile::parse(text, QStringLiteral("tools.json"));
    QVERIFY2(tools.has_value(), tools ? "" : qPrintable(tools.error().message));
    QCOMPARE(tools->size(), size_t(1));
    const auto &tool = tools->front();
    QCOMPARE(tool.spec.name, std::string("get_issue"));
    QVERIFY(tool.spec.allowsDirect() && tool.spec.allowsCode());
    QVERIFY(QFileInfo(tool.command.first()).isAbsolute()); // found on PATH
    QCOMPARE(tool.timeout, std::chrono::milliseconds(5000));

    // Without allowed_callers: the model only, as in Anthropic's API.
    auto plain = tools::UserToolsFile::parse(R"({"tools": [{"name": "t", "command": ["true"]}]})",
                                             QStringLiteral("tools.json"));
    QVERIFY(plain.has_value());
    QVERIFY(plain->front().spec.allowsDirect() && !plain->front().spec.allowsCode());
}

void tst_UserToolsFile::noFileIsNoTools()
{
    QTemporaryDir dir;
    auto tools = tools::UserToolsFile::read(dir.filePath(QStringLiteral("tools.json")));
    QVERIFY(tools.has_value());
    QVERIFY(tools->empty());
}

void tst_UserToolsFile::mistakesNameTheLineAndKey_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");

    QTest::newRow("unknown key") << QByteArray("{\"tools\": [{\"name\": \"a\",\n"
                                               " \"command\": [\"true\"],\n \"comand\": 1}]}")
                                 << "tools.json:3: tools[0].comand: unknown key";
    QTest::newRow("unknown caller")
        << QByteArray("{\"tools\": [{\"name\": \"a\", \"command\": [\"true\"],\n"
                      " \"allowed_callers\": [\"programmatic\"]}]}")
        << "tools.json:2: tools[0].allowed_callers[0]: a caller is direct";
    QTest::newRow("bad name") << QByteArray("{\"tools\": [{\"name\": \"git push\", \"command\": "
                                            "[\"true\"]}]}")
                              << "tools.json:1: tools[0].name: a name is 1 to 64";
    QTest::newRow("built-in name")
        << QByteArray("{\"tools\": [{\"name\": \"bash\", \"command\": [\"true\"]}]}")
        << "tools[0].name: bash is one of Tandem's own tools";
    QTest::newRow("twice") << QByteArray(
        "{\"tools\": [{\"name\": \"a\", \"command\": [\"true\"]},\n"
        "{\"name\": \"a\", \"command\": [\"true\"]}]}")
                           << "tools.json:2: tools[1].name: a second tool named a";
    QTest::newRow("missing program")
        << QByteArray("{\"tools\": [{\"name\": \"a\", \"command\": [\"/nowhere/tool\"]}]}")
        << "tools[0].command[0]: /nowhere/tool is not an executable program";
    QTest::newRow("not json") << QByteArray("{\"tools\": [\n{]}")
                              << "tools.json:2:2: not valid JSON";
    QTest::newRow("duplicate key")
        << QByteArray("{\"tools\": [], \"tools\": []}") << "tools.json:1: tools:";
}

void tst_UserToolsFile::mistakesNameTheLineAndKey()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    auto tools = tools::UserToolsFile::parse(text, QStringLiteral("tools.json"));
    QVERIFY(!tools.has_value());
    QVERIFY2(tools.error().message.contains(error), qPrintable(tools.error().message));
}

void tst_UserToolsFile::commandGetsTheInputAndAnswers()
{
    tools::CommandTool::Definition definition;
    definition.spec.name = "double";
    definition.command = {QStringLiteral("python3"), QStringLiteral("-c"),
                          QStringLiteral("import json,sys; n=json.load(sys.stdin)['n']; "
                                         "print(json.dumps({'twice': 2*n}))")};
    tools::CommandTool tool(definition);
    const auto output = tool.run({{"n", 21}}, {});
    QVERIFY2(!output.isError, output.text.c_str());
    QCOMPARE(json::parse(output.text), json({{"twice", 42}}));
}

void tst_UserToolsFile::failingOrSlowCommandsAreErrors()
{
    tools::CommandTool::Definition failing;
    failing.spec.name = "broken";
    failing.command = {QStringLiteral("sh"), QStringLiteral("-c"),
                       QStringLiteral("echo 'no such issue' >&2; exit 3")};
    const auto failed = tools::CommandTool(failing).run(json::object(), {});
    QVERIFY(failed.isError);
    QCOMPARE(failed.text, std::string("broken failed (exit 3): no such issue"));

    tools::CommandTool::Definition slow;
    slow.spec.name = "slow";
    slow.command = {QStringLiteral("sleep"), QStringLiteral("30")};
    slow.timeout = std::chrono::milliseconds(300);
    QElapsedTimer clock;
    clock.start();
    const auto late = tools::CommandTool(slow).run(json::object(), {});
    QVERIFY(late.isError);
    QVERIFY2(late.text.find("no answer within") != std::string::npos, late.text.c_str());
    QVERIFY(clock.elapsed() < 10'000);
}

QTEST_GUILESS_MAIN(tst_UserToolsFile)
#include "tst_usertoolsfile.moc"
