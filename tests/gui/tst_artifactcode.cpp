#include "ui/artifactlexer.h"
#include "ui/artifactpane.h"
#include "ui/webenginesetup.h"

#include "artifacts/artifact.h"

#include <QApplication>
#include <QFile>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>

#include <Qsci/qscilexer.h>
#include <Qsci/qsciscintilla.h>

#include <memory>

using namespace tandem;

namespace {

artifacts::Artifact code(const QString &id, const QString &language, const QString &content)
{
    artifacts::Artifact artifact;
    artifact.id = id;
    artifact.type = QStringLiteral("code");
    artifact.language = language;
    artifact.title = language + QStringLiteral(" code");
    artifact.content = content;
    return artifact;
}

} // namespace

// Code made with the artifact tool: highlighted by a lexer chosen from its language, shown
// read-only where a page would render, and no web engine started for it.
class TestArtifactCode : public QObject
{
    Q_OBJECT

private slots:
    void lexerFollowsTheLanguage_data();
    void lexerFollowsTheLanguage();
    void codeShowsWithoutAWebEngine();
    void versionsAndExportKeepTheText();
    void typingBeforeAnUpdateIsKept();

private:
    std::unique_ptr<ui::ArtifactPane> openPane();
};

void TestArtifactCode::lexerFollowsTheLanguage_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("lexer"); // QsciLexer::language(), empty for none

    QTest::newRow("python") << "code"
                            << "python"
                            << "Python";
    QTest::newRow("py") << "code"
                        << "py"
                        << "Python";
    QTest::newRow("cpp") << "code"
                         << "cpp"
                         << "C++";
    QTest::newRow("c++") << "code"
                         << "C++"
                         << "C++";
    QTest::newRow("rust borrows C++") << "code"
                                      << "rust"
                                      << "C++";
    QTest::newRow("js") << "code"
                        << "js"
                        << "JavaScript";
    QTest::newRow("typescript") << "code"
                                << "typescript"
                                << "JavaScript";
    QTest::newRow("ts") << "code"
                        << "ts"
                        << "JavaScript";
    QTest::newRow("json") << "code"
                          << "json"
                          << "JSON";
    QTest::newRow("bash") << "code"
                          << "bash"
                          << "Bash";
    QTest::newRow("sh") << "code"
                        << "sh"
                        << "Bash";
    QTest::newRow("html") << "code"
                          << "html"
                          << "HTML";
    QTest::newRow("css") << "code"
                         << "css"
                         << "CSS";
    QTest::newRow("sql") << "code"
                         << "sql"
                         << "SQL";
    QTest::newRow("yaml") << "code"
                          << "yml"
                          << "YAML";
    QTest::newRow("unknown language") << "code"
                                      << "brainfuck"
                                      << "";
    QTest::newRow("page") << "html"
                          << ""
                          << "HTML";
    QTest::newRow("react") << "jsx"
                           << ""
                           << "JavaScript";
    QTest::newRow("markdown") << "markdown"
                              << ""
                              << "Markdown";
    QTest::newRow("mermaid") << "mermaid"
                             << ""
                             << "";
}

void TestArtifactCode::lexerFollowsTheLanguage()
{
    QFETCH(QString, type);
    QFETCH(QString, language);
    QFETCH(QString, lexer);

    QObject owner;
    const QsciLexer *made = ui::ArtifactLexer::create(type, language, &owner);
    QCOMPARE(made ? QString::fromLatin1(made->language()) : QString(), lexer);
}

std::unique_ptr<ui::ArtifactPane> TestArtifactCode::openPane()
{
    auto pane = std::make_unique<ui::ArtifactPane>();
    pane->resize(1000, 700);
    pane->show();
    if (!QTest::qWaitForWindowExposed(pane.get()))
        return nullptr;
    return pane;
}

void TestArtifactCode::codeShowsWithoutAWebEngine()
{
    const auto pane = openPane();
    QVERIFY(pane);
    QSignalSpy shown(pane.get(), &ui::ArtifactPane::codeShown);

    // Streamed first, as the tool's input arrives: the editor fills, no engine starts.
    pane->beginToolArtifact(QStringLiteral("fib"), QStringLiteral("code"), QStringLiteral("Fib"));
    pane->growArtifact(QStringLiteral("def fib(n):\n"));
    QCOMPARE(pane->editor()->text(), QStringLiteral("def fib(n):\n"));

    const QString source = QStringLiteral("def fib(n):\n    return n if n < 2 else fib(n - 1) + "
                                          "fib(n - 2)\n");
    pane->showToolArtifact(code(QStringLiteral("fib"), QStringLiteral("python"), source), 1);
    QCOMPARE(shown.count(), 1);
    QVERIFY(!pane->webView());

    QsciScintilla *view = pane->codeView();
    QVERIFY(view->isVisible());
    QVERIFY(view->isReadOnly());
    QCOMPARE(view->text(), source);
    QVERIFY(view->lexer());
    QCOMPARE(QString::fromLatin1(view->lexer()->language()), QStringLiteral("Python"));
    QCOMPARE(QString::fromLatin1(pane->editor()->lexer()->language()), QStringLiteral("Python"));
    QVERIFY(!pane->editor()->isReadOnly());

    // Highlighting is real: the keyword's style differs from the name after it. Scintilla
    // styles lazily, for painting; this asks for the whole text now.
    view->SendScintilla(QsciScintilla::SCI_COLOURISE, 0, -1);
    const int keywordStyle = int(view->SendScintilla(QsciScintilla::SCI_GETSTYLEAT, 0));
    const int nameStyle = int(view->SendScintilla(QsciScintilla::SCI_GETSTYLEAT, 4));
    QVERIFY2(keywordStyle != nameStyle, qPrintable(QStringLiteral("%1").arg(keywordStyle)));
}

void TestArtifactCode::versionsAndExportKeepTheText()
{
    const auto pane = openPane();
    QVERIFY(pane);
    const QString first = QStringLiteral("SELECT 1;\n");
    const QString second = QStringLiteral("SELECT 2;\n");
    pane->showToolArtifact(code(QStringLiteral("query"), QStringLiteral("sql"), first), 1);
    pane->showToolArtifact(code(QStringLiteral("query"), QStringLiteral("sql"), second), 2);

    QCOMPARE(pane->artifacts().size(), 1);
    QCOMPARE(pane->versions()->count(), 2);
    QCOMPARE(pane->codeView()->text(), second);
    pane->showPreviousVersion();
    QCOMPARE(pane->codeView()->text(), first);
    QVERIFY(pane->contextForModel().contains(QStringLiteral("```sql\nSELECT 1;\n```")));

    QTemporaryDir folder;
    const QString path = folder.filePath(QStringLiteral("query.sql"));
    QCOMPARE(pane->exportTo(path), QString());
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(saved.readAll()), first);
    QVERIFY(!pane->webView());
}

// The model's update lands while the user is still typing: the typing becomes a version of its
// own before the model's, not lost.
void TestArtifactCode::typingBeforeAnUpdateIsKept()
{
    const auto pane = openPane();
    QVERIFY(pane);
    pane->showToolArtifact(
        code(QStringLiteral("calc"), QStringLiteral("python"), QStringLiteral("x = 1\n")), 1);
    pane->editor()->setCursorPosition(1, 0);
    QTest::keyClicks(pane->editor(), QStringLiteral("y = 2"));
    pane->showToolArtifact(
        code(QStringLiteral("calc"), QStringLiteral("python"), QStringLiteral("x = 3\n")), 2);

    QCOMPARE(pane->versions()->count(), 3);
    QCOMPARE(pane->versions()->at(1), QStringLiteral("x = 1\ny = 2"));
    QCOMPARE(pane->editor()->text(), QStringLiteral("x = 3\n"));
}

int main(int argc, char *argv[])
{
    ui::disableChromiumSandboxIfRoot();
    ui::registerUrlSchemes();
    QApplication app(argc, argv);
    TestArtifactCode test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_artifactcode.moc"
