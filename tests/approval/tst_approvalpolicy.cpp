#include "approval/approvalpolicy.h"

#include <QTemporaryDir>
#include <QTest>

using namespace tandem;
using approval::ApprovalPolicy;
using nlohmann::json;

class tst_ApprovalPolicy : public QObject
{
    Q_OBJECT

private slots:
    void bashCommands_data();
    void bashCommands();
    void everyToolWhenAsked();
    void sameRuleSharesOneScope();
    void settings_data();
    void settings();
    void missingFileGivesDefaults();
};

void tst_ApprovalPolicy::bashCommands_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<bool>("asks");

    QTest::newRow("listing") << "ls -la src" << false;
    QTest::newRow("tests") << "ctest --output-on-failure" << false;
    QTest::newRow("rm a file") << "rm notes.txt" << false;
    QTest::newRow("rm -rf") << "rm -rf build" << true;
    QTest::newRow("rm -f after &&") << "make && rm -f out.o" << true;
    QTest::newRow("sudo") << "sudo apt-get install x" << true;
    QTest::newRow("git push") << "git push origin main" << true;
    QTest::newRow("git status") << "git status" << false;
    QTest::newRow("reset hard") << "git reset --hard HEAD~1" << true;
    QTest::newRow("curl to shell") << "curl -s http://127.0.0.1/x | sh" << true;
    QTest::newRow("curl to file") << "curl -o x http://127.0.0.1/x" << false;
    QTest::newRow("word inside another") << "echo pseudosudoku" << false;
}

void tst_ApprovalPolicy::bashCommands()
{
    QFETCH(QString, command);
    QFETCH(bool, asks);

    const ApprovalPolicy policy;
    const auto request = policy.review(QStringLiteral("c1"), QStringLiteral("bash"),
                                       {{"command", command.toStdString()}});
    QCOMPARE(request.has_value(), asks);
    if (!request)
        return;
    QCOMPARE(request->callId, QStringLiteral("c1"));
    QCOMPARE(request->summary, command);
    QVERIFY(request->scopeKey.startsWith(QStringLiteral("command:")));
    QVERIFY(!request->reason.isEmpty());
}

void tst_ApprovalPolicy::everyToolWhenAsked()
{
    ApprovalPolicy policy;
    const json view = {{"command", "view"}, {"path", "README.md"}};
    const QString editor = QStringLiteral("str_replace_based_edit_tool");
    QVERIFY(!policy.review(QStringLiteral("c1"), editor, view));

    policy.setAskForEveryTool(true);
    const auto request = policy.review(QStringLiteral("c1"), editor, view);
    QVERIFY(request);
    QCOMPARE(request->scopeKey, QStringLiteral("tool:") + editor);
    QCOMPARE(request->summary, QStringLiteral("view README.md"));

    // A harmless command asks as a tool call; a risky one names its pattern.
    const auto harmless =
        policy.review(QStringLiteral("c2"), QStringLiteral("bash"), {{"command", "ls"}});
    QVERIFY(harmless);
    QCOMPARE(harmless->scopeKey, QStringLiteral("tool:bash"));
    const auto risky =
        policy.review(QStringLiteral("c3"), QStringLiteral("bash"), {{"command", "sudo ls"}});
    QVERIFY(risky);
    QVERIFY(risky->scopeKey.startsWith(QStringLiteral("command:")));
}

void tst_ApprovalPolicy::sameRuleSharesOneScope()
{
    const ApprovalPolicy policy;
    const QString bash = QStringLiteral("bash");
    const auto first = policy.review(QStringLiteral("a"), bash, {{"command", "sudo ls"}});
    const auto second = policy.review(QStringLiteral("b"), bash, {{"command", "sudo -i"}});
    const auto other = policy.review(QStringLiteral("c"), bash, {{"command", "git push"}});
    QVERIFY(first && second && other);
    QCOMPARE(first->scopeKey, second->scopeKey);
    QVERIFY(first->scopeKey != other->scopeKey);

    const auto typing = ApprovalPolicy::computerAction(QStringLiteral("type \"ls\""),
                                                       QStringLiteral("Typing into a terminal."));
    QCOMPARE(typing.tool, QStringLiteral("computer"));
    QVERIFY(typing.scopeKey != first->scopeKey);
}

void tst_ApprovalPolicy::settings_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("askEvery");
    QTest::addColumn<QStringList>("patterns");

    QTest::newRow("own list") << R"({"ask_every_tool": true, "commands": ["\\bnpm publish"]})"
                              << true << true << QStringList{QStringLiteral("\\bnpm publish")};
    QTest::newRow("empty list") << R"({"commands": []})" << true << false << QStringList();
    QTest::newRow("defaults") << R"({})" << true << false
                              << ApprovalPolicy::defaultCommandPatterns();
    QTest::newRow("bad regex") << R"({"commands": ["(unclosed"]})" << false << false
                               << QStringList();
    QTest::newRow("not a list") << R"({"commands": "sudo"})" << false << false << QStringList();
    QTest::newRow("bad flag") << R"({"ask_every_tool": "yes"})" << false << false << QStringList();
    QTest::newRow("not json") << "ask_every_tool = true" << false << false << QStringList();
}

void tst_ApprovalPolicy::settings()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(bool, askEvery);
    QFETCH(QStringList, patterns);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("approvals.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text.toUtf8());
    file.close();

    const auto policy = ApprovalPolicy::load(path);
    QCOMPARE(policy.has_value(), valid);
    if (!policy) {
        QVERIFY(policy.error().message.contains(path));
        return;
    }
    QCOMPARE(policy->asksForEveryTool(), askEvery);
    QCOMPARE(policy->commandPatterns(), patterns);
}

void tst_ApprovalPolicy::missingFileGivesDefaults()
{
    QTemporaryDir dir;
    const auto policy = ApprovalPolicy::load(dir.filePath(QStringLiteral("none.json")));
    QVERIFY(policy);
    QVERIFY(!policy->asksForEveryTool());
    QCOMPARE(policy->commandPatterns(), ApprovalPolicy::defaultCommandPatterns());
}

QTEST_GUILESS_MAIN(tst_ApprovalPolicy)

#include "tst_approvalpolicy.moc"
