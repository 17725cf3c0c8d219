#include "artifacts/artifactextractor.h"

#include <QSignalSpy>
#include <QTest>

using tandem::artifacts::Artifact;
using tandem::artifacts::ArtifactExtractor;

namespace {

const QString page = QStringLiteral("<!doctype html>\n<h1 id=\"title\">Sales</h1>\n"
                                    "<script>let total = 1 + 2;</script>\n");

const QString onePageReply = QStringLiteral("Here is the page:\n\n```html\n") + page
                             + QStringLiteral("```\n\nOpen it on the right.\n");

// Everything one run of the extractor reported, in a form QCOMPARE can show.
struct Reports
{
    int started = 0;
    QStringList growth;
    QStringList completed;
    QStringList ids;
    int abandoned = 0;
};

Reports run(const QStringList &deltas, bool finish)
{
    ArtifactExtractor extractor;
    Reports reports;
    QObject::connect(&extractor, &ArtifactExtractor::blockStarted, &extractor,
                     [&reports] { ++reports.started; });
    QObject::connect(&extractor, &ArtifactExtractor::blockGrew, &extractor,
                     [&reports](const QString &content) { reports.growth.append(content); });
    QObject::connect(&extractor, &ArtifactExtractor::blockCompleted, &extractor,
                     [&reports](const Artifact &artifact) {
                         reports.completed.append(artifact.content);
                         reports.ids.append(artifact.id);
                     });
    QObject::connect(&extractor, &ArtifactExtractor::blockAbandoned, &extractor,
                     [&reports] { ++reports.abandoned; });

    for (const QString &delta : deltas)
        extractor.feed(delta);
    if (finish)
        extractor.finish();
    return reports;
}

QStringList charByChar(const QString &text)
{
    QStringList deltas;
    for (QChar c : text)
        deltas.append(QString(c));
    return deltas;
}

} // namespace

class TestArtifactExtractor : public QObject
{
    Q_OBJECT

private slots:
    void extracts_data();
    void extracts();
    void fenceSplitAnywhere_data();
    void fenceSplitAnywhere();
    void growthNeverShowsTheFence();
    void blockCompletesOnlyAtClosingFence();
    void resetDropsBlockInProgress();
    void idsStayUniqueAcrossTexts();
    void title_data();
    void title();
    void foldBlocks_data();
    void foldBlocks();
    void typeAndTitle_data();
    void typeAndTitle();
};

void TestArtifactExtractor::extracts_data()
{
    QTest::addColumn<QStringList>("deltas");
    QTest::addColumn<bool>("finish");
    QTest::addColumn<QStringList>("completed");
    QTest::addColumn<int>("started");
    QTest::addColumn<int>("abandoned");

    const QString second = QStringLiteral("<html><body>two</body></html>\n");

    QTest::newRow("one block") << QStringList{onePageReply} << false << QStringList{page} << 1 << 0;
    QTest::newRow("two blocks") << QStringList{onePageReply,
                                               QStringLiteral("And another:\n```htm\n") + second
                                                   + QStringLiteral("```\n")}
                                << false << QStringList{page, second} << 2 << 0;
    QTest::newRow("upper-case info string with attributes")
        << QStringList{QStringLiteral("```HTML title=x\n") + page + QStringLiteral("```\n")}
        << false << QStringList{page} << 1 << 0;
    QTest::newRow("bare fence with doctype")
        << QStringList{QStringLiteral("```\n") + page + QStringLiteral("```\n")} << false
        << QStringList{page} << 1 << 0;
    QTest::newRow("bare fence with html tag after a blank line")
        << QStringList{QStringLiteral("```\n\n") + second + QStringLiteral("```\n")} << false
        << QStringList{QStringLiteral("\n") + second} << 1 << 0;
    QTest::newRow("bare fence with other content ignored")
        << QStringList{QStringLiteral("```\n<div>not a page</div>\n```\n")} << false
        << QStringList{} << 0 << 0;
    QTest::newRow("non-html block ignored")
        << QStringList{QStringLiteral("```python\nprint('<html>')\n```\n")} << false
        << QStringList{} << 0 << 0;
    QTest::newRow("html fence inside another block is content")
        << QStringList{QStringLiteral("````text\n```html\n<p>x</p>\n```\n````\n")} << false
        << QStringList{} << 0 << 0;
    QTest::newRow("longer fence keeps shorter fences as content")
        << QStringList{QStringLiteral("````html\n<pre>```</pre>\n```\n````\n")} << false
        << QStringList{QStringLiteral("<pre>```</pre>\n```\n")} << 1 << 0;
    QTest::newRow("tilde fence") << QStringList{QStringLiteral("~~~html\n") + page
                                                + QStringLiteral("~~~\n")}
                                 << false << QStringList{page} << 1 << 0;
    QTest::newRow("indented fence strips its indent")
        << QStringList{QStringLiteral("  ```html\n  <p>a</p>\n    <p>b</p>\n  ```\n")} << false
        << QStringList{QStringLiteral("<p>a</p>\n  <p>b</p>\n")} << 1 << 0;
    QTest::newRow("no closing fence")
        << QStringList{QStringLiteral("```html\n") + page} << false << QStringList{} << 1 << 0;
    QTest::newRow("no closing fence, text ended")
        << QStringList{QStringLiteral("```html\n") + page} << true << QStringList{} << 1 << 1;
    QTest::newRow("closing fence without newline, text ended")
        << QStringList{QStringLiteral("```html\n") + page + QStringLiteral("```")} << true
        << QStringList{page} << 1 << 0;
    QTest::newRow("closing fence without newline, text open")
        << QStringList{QStringLiteral("```html\n") + page + QStringLiteral("```")} << false
        << QStringList{} << 1 << 0;
    QTest::newRow("crlf") << QStringList{QStringLiteral(
        "Page:\r\n```html\r\n<p>a</p>\r\n<p>b</p>\r\n```\r\n")}
                          << false << QStringList{QStringLiteral("<p>a</p>\n<p>b</p>\n")} << 1 << 0;
    QTest::newRow("crlf split between cr and lf")
        << QStringList{QStringLiteral("```html\r"), QStringLiteral("\n<p>a</p>\r"),
                       QStringLiteral("\n```\r"), QStringLiteral("\n")}
        << false << QStringList{QStringLiteral("<p>a</p>\n")} << 1 << 0;
    QTest::newRow("one character at a time")
        << charByChar(onePageReply) << false << QStringList{page} << 1 << 0;
}

void TestArtifactExtractor::extracts()
{
    QFETCH(QStringList, deltas);
    QFETCH(bool, finish);
    QFETCH(QStringList, completed);
    QFETCH(int, started);
    QFETCH(int, abandoned);

    const Reports reports = run(deltas, finish);

    QCOMPARE(reports.completed, completed);
    QCOMPARE(reports.started, started);
    QCOMPARE(reports.abandoned, abandoned);
}

void TestArtifactExtractor::fenceSplitAnywhere_data()
{
    QTest::addColumn<int>("split");

    for (int split = 1; split < onePageReply.size(); ++split)
        QTest::addRow("split at %d", split) << split;
}

void TestArtifactExtractor::fenceSplitAnywhere()
{
    QFETCH(int, split);

    const Reports reports = run({onePageReply.left(split), onePageReply.mid(split)}, false);

    QCOMPARE(reports.completed, QStringList{page});
    QCOMPARE(reports.started, 1);
    for (const QString &growth : reports.growth)
        QVERIFY2(page.startsWith(growth), qPrintable(growth));
}

void TestArtifactExtractor::growthNeverShowsTheFence()
{
    const Reports reports = run(charByChar(onePageReply), false);

    QVERIFY(!reports.growth.isEmpty());
    QCOMPARE(reports.growth.constLast(), page);
    for (const QString &growth : reports.growth)
        QVERIFY2(!growth.contains(u'`'), qPrintable(growth));
}

void TestArtifactExtractor::blockCompletesOnlyAtClosingFence()
{
    ArtifactExtractor extractor;
    QSignalSpy grew(&extractor, &ArtifactExtractor::blockGrew);
    QSignalSpy completed(&extractor, &ArtifactExtractor::blockCompleted);

    extractor.feed(QStringLiteral("```html\n<script>let a = "));
    QCOMPARE(completed.count(), 0);
    QCOMPARE(grew.constLast().at(0).toString(), QStringLiteral("<script>let a = "));

    extractor.feed(QStringLiteral("1;</script>\n``"));
    QCOMPARE(completed.count(), 0);
    QCOMPARE(grew.constLast().at(0).toString(), QStringLiteral("<script>let a = 1;</script>\n"));

    extractor.feed(QStringLiteral("`\n"));
    QCOMPARE(completed.count(), 1);
    const auto artifact = completed.constFirst().at(0).value<Artifact>();
    QCOMPARE(artifact.type, QStringLiteral("html"));
    QCOMPARE(artifact.content, QStringLiteral("<script>let a = 1;</script>\n"));
}

void TestArtifactExtractor::resetDropsBlockInProgress()
{
    ArtifactExtractor extractor;
    QSignalSpy completed(&extractor, &ArtifactExtractor::blockCompleted);
    QSignalSpy abandoned(&extractor, &ArtifactExtractor::blockAbandoned);

    extractor.feed(QStringLiteral("```html\n<p>old</p>\n<p>unfini"));
    extractor.reset();
    QCOMPARE(completed.count(), 0);

    extractor.feed(QStringLiteral("```html\n<p>new</p>\n```\n"));
    QCOMPARE(completed.count(), 1);
    QCOMPARE(completed.constFirst().at(0).value<Artifact>().content,
             QStringLiteral("<p>new</p>\n"));
    QCOMPARE(abandoned.count(), 0);
}

void TestArtifactExtractor::idsStayUniqueAcrossTexts()
{
    const Reports reports = run({onePageReply, onePageReply}, false);
    const QStringList ids{QStringLiteral("artifact-1"), QStringLiteral("artifact-2")};
    QCOMPARE(reports.ids, ids);

    ArtifactExtractor extractor;
    QSignalSpy completed(&extractor, &ArtifactExtractor::blockCompleted);
    extractor.feed(onePageReply);
    extractor.finish();
    extractor.feed(onePageReply);
    extractor.reset();
    extractor.feed(onePageReply);

    QCOMPARE(completed.count(), 3);
    QCOMPARE(completed.at(2).at(0).value<Artifact>().id, QStringLiteral("artifact-3"));
}

void TestArtifactExtractor::title_data()
{
    QTest::addColumn<QString>("html");
    QTest::addColumn<QString>("title");

    QTest::newRow("title element")
        << QStringLiteral("<head><title> Q3 &amp; Q4 </title></head><h1>Other</h1>")
        << QStringLiteral("Q3 & Q4");
    QTest::newRow("first heading without markup")
        << QStringLiteral("<H1 id=\"title\">Sales <em>dashboard</em></H1><h1>Second</h1>")
        << QStringLiteral("Sales dashboard");
    QTest::newRow("heading over several lines")
        << QStringLiteral("<h1>\n  Revenue\n  by region\n</h1>")
        << QStringLiteral("Revenue by region");
    QTest::newRow("nothing to name it")
        << QStringLiteral("<p>hello</p>") << QStringLiteral("Untitled page");
    QTest::newRow("empty title falls back to heading")
        << QStringLiteral("<title></title><h1>Chart</h1>") << QStringLiteral("Chart");
}

void TestArtifactExtractor::title()
{
    QFETCH(QString, html);
    QFETCH(QString, title);

    QCOMPARE(Artifact::titleFromHtml(html), title);
}

void TestArtifactExtractor::foldBlocks_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("textEnded");
    QTest::addColumn<QString>("folded");

    QTest::newRow("complete block")
        << onePageReply << false
        << QStringLiteral("Here is the page:\n\n[done: Sales]\n\nOpen it on the right.\n");
    QTest::newRow("open block folds to the end")
        << QStringLiteral("Intro\n```html\n<h1>Sa") << false
        << QStringLiteral("Intro\n[open: Untitled page]");
    QTest::newRow("closing fence at the end of an ended text")
        << QStringLiteral("Intro\n```html\n<h1>A</h1>\n```") << true
        << QStringLiteral("Intro\n[done: A]");
    QTest::newRow("other blocks stay") << QStringLiteral("```cpp\nint main();\n```\n") << true
                                       << QStringLiteral("```cpp\nint main();\n```\n");
    QTest::newRow("two blocks") << QStringLiteral(
        "a\n```html\n<h1>A</h1>\n```\nb\n```htm\n<h1>B</h1>\n```\nc")
                                << true << QStringLiteral("a\n[done: A]\nb\n[done: B]\nc");
}

void TestArtifactExtractor::foldBlocks()
{
    QFETCH(QString, text);
    QFETCH(bool, textEnded);
    QFETCH(QString, folded);

    const auto placeholder = [](const Artifact &artifact, bool complete) {
        return QStringLiteral("[%1: %2]")
            .arg(complete ? QStringLiteral("done") : QStringLiteral("open"), artifact.title);
    };

    QCOMPARE(ArtifactExtractor::foldBlocks(text, textEnded, placeholder), folded);
}

void TestArtifactExtractor::typeAndTitle_data()
{
    QTest::addColumn<QString>("reply");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("title");

    QTest::newRow("jsx default export")
        << QStringLiteral("```jsx\nexport default function SalesBoard() {}\n```\n")
        << QStringLiteral("jsx") << QStringLiteral("SalesBoard");
    QTest::newRow("react info string, anonymous default")
        << QStringLiteral("```react\nconst Card = () => null;\nexport default () => null;\n```\n")
        << QStringLiteral("jsx") << QStringLiteral("Card");
    QTest::newRow("tsx without a component")
        << QStringLiteral("```tsx\nconst x: number = 1;\n```\n") << QStringLiteral("tsx")
        << QStringLiteral("React component");
    QTest::newRow("svg with title")
        << QStringLiteral("```svg\n<svg><title>Logo</title></svg>\n```\n") << QStringLiteral("svg")
        << QStringLiteral("Logo");
    QTest::newRow("mermaid") << QStringLiteral("```mermaid\ngraph TD; A-->B\n```\n")
                             << QStringLiteral("mermaid") << QStringLiteral("Diagram");
    QTest::newRow("md heading") << QStringLiteral("~~~md\nintro\n## Release notes ##\n~~~\n")
                                << QStringLiteral("markdown") << QStringLiteral("Release notes");
}

void TestArtifactExtractor::typeAndTitle()
{
    QFETCH(QString, reply);
    QFETCH(QString, type);
    QFETCH(QString, title);

    ArtifactExtractor extractor;
    QList<Artifact> completed;
    QObject::connect(&extractor, &ArtifactExtractor::blockCompleted, &extractor,
                     [&completed](const Artifact &artifact) { completed.append(artifact); });
    extractor.feed(reply);

    QCOMPARE(completed.size(), 1);
    QCOMPARE(completed.first().type, type);
    QCOMPARE(completed.first().title, title);
}

QTEST_GUILESS_MAIN(TestArtifactExtractor)

#include "tst_artifactextractor.moc"
