#include "artifacts/artifactstore.h"
#include "artifacts/artifacttool.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <nlohmann/json.hpp>

using namespace tandem;
using artifacts::Artifact;
using artifacts::ArtifactStore;
using artifacts::ArtifactTool;
using nlohmann::json;

namespace {

const std::string page = "<!doctype html>\n<h1>Sales</h1>\n<p class=\"total\">0</p>\n"
                         "<p class=\"total\">1</p>\n";

json createInput(const std::string &id = "sales")
{
    return {
        {"command", "create"}, {"id", id}, {"type", "html"}, {"title", "Sales"}, {"content", page}};
}

tools::ToolOutput call(ArtifactTool &tool, const json &input)
{
    return tool.run(input, base::CancelToken());
}

} // namespace

class TestArtifactTool : public QObject
{
    Q_OBJECT

private slots:
    void specOffersTheThreeCommands();
    void createsWithVersionOne();
    void createsEachType_data();
    void createsEachType();
    void updateReplacesTheUniqueString();
    void updateRefusesWhatItCannotPlace_data();
    void updateRefusesWhatItCannotPlace();
    void rewriteReplacesEverything();
    void refusesBadInput_data();
    void refusesBadInput();
    void refusesOversizedContent_data();
    void refusesOversizedContent();
    void tellsAnotherThreadInOrder();
};

void TestArtifactTool::specOffersTheThreeCommands()
{
    ArtifactStore store;
    ArtifactTool tool(store);
    const llm::ToolSpec spec = tool.spec();

    QCOMPARE(spec.name, std::string("artifact"));
    QVERIFY(spec.allowsDirect());
    QVERIFY(spec.inputSchema["properties"]["command"]["enum"]
            == json({"create", "update", "rewrite"}));
    QVERIFY(spec.inputSchema["required"] == json({"command", "id"}));
}

void TestArtifactTool::createsWithVersionOne()
{
    ArtifactStore store;
    ArtifactTool tool(store);
    QSignalSpy changed(&store, &ArtifactStore::changed);

    const tools::ToolOutput output = call(tool, createInput());
    QVERIFY2(!output.isError, output.text.c_str());
    QVERIFY(output.text.find("version 1") != std::string::npos);

    QCOMPARE(changed.count(), 1);
    const auto artifact = changed.constFirst().at(0).value<Artifact>();
    QCOMPARE(artifact.id, QStringLiteral("sales"));
    QCOMPARE(artifact.type, QStringLiteral("html"));
    QCOMPARE(artifact.title, QStringLiteral("Sales"));
    QCOMPARE(artifact.content, QString::fromStdString(page));
    QCOMPARE(changed.constFirst().at(1).toInt(), 1);
    QCOMPARE(store.version(QStringLiteral("sales")), 1);

    // The same id again is a mistake the model is told about; the first one stays.
    const tools::ToolOutput again = call(tool, createInput());
    QVERIFY(again.isError);
    QVERIFY(again.text.find("exists already") != std::string::npos);
    QCOMPARE(changed.count(), 1);
}

void TestArtifactTool::createsEachType_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("expectedType");
    QTest::addColumn<QString>("expectedTitle"); // with no title given

    QTest::newRow("html") << "html"
                          << ""
                          << "<title>Plan</title><p>x</p>"
                          << "html"
                          << "Plan";
    QTest::newRow("react") << "react"
                           << ""
                           << "export default function Card() {}"
                           << "jsx"
                           << "Card";
    QTest::newRow("react in TypeScript") << "react"
                                         << "tsx"
                                         << "export default function Typed(): JSX.Element {}"
                                         << "tsx"
                                         << "Typed";
    QTest::newRow("svg") << "svg"
                         << ""
                         << "<svg><title>Logo</title></svg>"
                         << "svg"
                         << "Logo";
    QTest::newRow("mermaid") << "mermaid"
                             << ""
                             << "graph TD; A-->B"
                             << "mermaid"
                             << "Diagram";
    QTest::newRow("markdown") << "markdown"
                              << ""
                              << "# Notes\n"
                              << "markdown"
                              << "Notes";
    QTest::newRow("code") << "code"
                          << "python"
                          << "print(1)\n"
                          << "code"
                          << "python code";
}

void TestArtifactTool::createsEachType()
{
    QFETCH(QString, type);
    QFETCH(QString, language);
    QFETCH(QString, content);
    QFETCH(QString, expectedType);
    QFETCH(QString, expectedTitle);

    ArtifactStore store;
    ArtifactTool tool(store);
    json input = {{"command", "create"},
                  {"id", "one"},
                  {"type", type.toStdString()},
                  {"content", content.toStdString()}};
    if (!language.isEmpty())
        input["language"] = language.toStdString();

    const tools::ToolOutput output = call(tool, input);
    QVERIFY2(!output.isError, output.text.c_str());
    const std::optional<Artifact> artifact = store.find(QStringLiteral("one"));
    QVERIFY(artifact);
    QCOMPARE(artifact->type, expectedType);
    QCOMPARE(artifact->title, expectedTitle);
    QCOMPARE(artifact->language, language);
    QCOMPARE(artifact->content, content);
}

void TestArtifactTool::updateReplacesTheUniqueString()
{
    ArtifactStore store;
    ArtifactTool tool(store);
    call(tool, createInput());
    QSignalSpy changed(&store, &ArtifactStore::changed);

    const tools::ToolOutput output = call(tool, {{"command", "update"},
                                                 {"id", "sales"},
                                                 {"old_str", "<h1>Sales</h1>"},
                                                 {"new_str", "<h1>Sales by region</h1>"}});
    QVERIFY2(!output.isError, output.text.c_str());
    QVERIFY(output.text.find("version 2") != std::string::npos);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.constFirst().at(1).toInt(), 2);
    const QString content = store.find(QStringLiteral("sales"))->content;
    QVERIFY(content.contains(QStringLiteral("<h1>Sales by region</h1>")));
    QVERIFY(!content.contains(QStringLiteral("<h1>Sales</h1>")));
    QCOMPARE(content.size(), qsizetype(page.size()) + 10);
}

void TestArtifactTool::updateRefusesWhatItCannotPlace_data()
{
    QTest::addColumn<QString>("oldText");
    QTest::addColumn<QString>("expectedMessage");

    QTest::newRow("twice") << "<p class=\"total\">"
                           << "occurs 2 times";
    QTest::newRow("overlapping") << "\n<"
                                 << "occurs 3 times";
    QTest::newRow("missing") << "<h2>Sales</h2>"
                             << "does not occur";
    QTest::newRow("different whitespace") << "<h1> Sales</h1>"
                                          << "does not occur";
    QTest::newRow("empty") << ""
                           << "`old_str` is empty";
}

void TestArtifactTool::updateRefusesWhatItCannotPlace()
{
    QFETCH(QString, oldText);
    QFETCH(QString, expectedMessage);

    ArtifactStore store;
    ArtifactTool tool(store);
    call(tool, createInput());
    QSignalSpy changed(&store, &ArtifactStore::changed);

    const tools::ToolOutput output = call(tool, {{"command", "update"},
                                                 {"id", "sales"},
                                                 {"old_str", oldText.toStdString()},
                                                 {"new_str", "x"}});
    QVERIFY(output.isError);
    QVERIFY2(output.text.find(expectedMessage.toStdString()) != std::string::npos,
             output.text.c_str());
    QCOMPARE(changed.count(), 0);
    QCOMPARE(store.version(QStringLiteral("sales")), 1);
    QCOMPARE(store.find(QStringLiteral("sales"))->content, QString::fromStdString(page));
}

void TestArtifactTool::rewriteReplacesEverything()
{
    ArtifactStore store;
    ArtifactTool tool(store);
    call(tool, createInput());
    call(tool, {{"command", "update"}, {"id", "sales"}, {"old_str", "Sales"}, {"new_str", "S"}});

    const tools::ToolOutput output =
        call(tool, {{"command", "rewrite"}, {"id", "sales"}, {"content", "<p>new</p>"}});
    QVERIFY2(!output.isError, output.text.c_str());
    QVERIFY(output.text.find("version 3") != std::string::npos);
    QCOMPARE(store.find(QStringLiteral("sales"))->content, QStringLiteral("<p>new</p>"));
    QCOMPARE(store.find(QStringLiteral("sales"))->title, QStringLiteral("Sales"));
}

void TestArtifactTool::refusesBadInput_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expectedMessage");

    QTest::newRow("unknown id for update")
        << QByteArray(R"({"command":"update","id":"nope","old_str":"a","new_str":"b"})")
        << "no artifact with id `nope`. Known ids: `sales`";
    QTest::newRow("unknown id for rewrite")
        << QByteArray(R"({"command":"rewrite","id":"nope","content":"x"})")
        << "no artifact with id `nope`";
    QTest::newRow("bad type") << QByteArray(
        R"({"command":"create","id":"b","type":"pdf","content":"x"})")
                              << "Unknown type `pdf`";
    QTest::newRow("code without a language")
        << QByteArray(R"({"command":"create","id":"c","type":"code","content":"x"})")
        << "needs its `language`";
    QTest::newRow("bad id") << QByteArray(
        R"({"command":"create","id":"Sales Board","type":"html","content":"x"})")
                            << "not a usable artifact id";
    QTest::newRow("unknown command")
        << QByteArray(R"({"command":"delete","id":"sales"})") << "Unknown command `delete`";
    QTest::newRow("no id") << QByteArray(R"({"command":"create"})") << "are required";
    QTest::newRow("content not a string")
        << QByteArray(R"({"command":"create","id":"d","type":"html","content":5})")
        << "needs `content`";
    QTest::newRow("update without new_str")
        << QByteArray(R"({"command":"update","id":"sales","old_str":"Sales"})")
        << "needs `new_str`";
}

void TestArtifactTool::refusesBadInput()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expectedMessage);

    ArtifactStore store;
    ArtifactTool tool(store);
    call(tool, createInput());
    QSignalSpy changed(&store, &ArtifactStore::changed);

    const tools::ToolOutput output = call(tool, json::parse(input.toStdString()));
    QVERIFY(output.isError);
    QVERIFY2(output.text.find(expectedMessage.toStdString()) != std::string::npos,
             output.text.c_str());
    QCOMPARE(changed.count(), 0);
    QCOMPARE(store.ids(), QStringList{QStringLiteral("sales")});
}

void TestArtifactTool::refusesOversizedContent_data()
{
    QTest::addColumn<QByteArray>("input");

    const std::string big(101, 'x');
    QTest::newRow("create") << QByteArray::fromStdString(
        json({{"command", "create"}, {"id", "big"}, {"type", "html"}, {"content", big}}).dump());
    QTest::newRow("rewrite") << QByteArray::fromStdString(
        json({{"command", "rewrite"}, {"id", "small"}, {"content", big}}).dump());
    QTest::newRow("update that grows it") << QByteArray::fromStdString(
        json({{"command", "update"}, {"id", "small"}, {"old_str", "tiny"}, {"new_str", big}})
            .dump());
}

void TestArtifactTool::refusesOversizedContent()
{
    QFETCH(QByteArray, input);

    ArtifactStore store(ArtifactStore::Limits{100, 10});
    ArtifactTool tool(store);
    const json small = {
        {"command", "create"}, {"id", "small"}, {"type", "html"}, {"content", "a tiny page"}};
    QVERIFY(!call(tool, small).isError);

    const tools::ToolOutput output = call(tool, json::parse(input.toStdString()));
    QVERIFY(output.isError);
    QVERIFY2(output.text.find("more than the 100") != std::string::npos, output.text.c_str());
    QCOMPARE(store.version(QStringLiteral("small")), 1);
    QCOMPARE(store.find(QStringLiteral("small"))->content, QStringLiteral("a tiny page"));
    QVERIFY(!store.find(QStringLiteral("big")));
}

// The agent calls the tool on its worker thread; a receiver on this thread gets every version,
// queued, in order.
void TestArtifactTool::tellsAnotherThreadInOrder()
{
    ArtifactStore store;
    ArtifactTool tool(store);
    QList<int> versions;
    QList<QString> contents;
    connect(&store, &ArtifactStore::changed, this, [&](const Artifact &artifact, int version) {
        QCOMPARE(QThread::currentThread(), thread());
        versions.append(version);
        contents.append(artifact.content);
    });

    QThread *worker = QThread::create([&tool] {
        call(tool, createInput());
        for (int i = 0; i < 5; ++i)
            call(tool, {{"command", "rewrite"}, {"id", "sales"}, {"content", std::to_string(i)}});
    });
    worker->start();
    QVERIFY(worker->wait(10000));
    delete worker;

    QTRY_COMPARE(versions.size(), 6);
    QCOMPARE(versions, (QList<int>{1, 2, 3, 4, 5, 6}));
    QCOMPARE(contents.constLast(), QStringLiteral("4"));
}

QTEST_GUILESS_MAIN(TestArtifactTool)

#include "tst_artifacttool.moc"
