#include "pagescript.h"
#include "ui/artifactpane.h"
#include "ui/previewwatchdog.h"
#include "ui/webenginesetup.h"
#include "windowtest.h"

#include "artifacts/artifact.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineUrlRequestInterceptor>
#include <QWebEngineView>

#include <Qsci/qsciscintilla.h>

#include <algorithm>
#include <cstdio>
#include <memory>

using namespace tandem;

namespace {

constexpr int renderTimeoutMs = 20000;

QString fixture(const QString &name)
{
    QFile file(QStringLiteral(TANDEM_SOURCE_DIR "/tests/artifacts/data/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

bool hasColour(const QImage &image, QColor colour)
{
    const QImage pixels = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < pixels.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(pixels.constScanLine(y));
        for (int x = 0; x < pixels.width(); ++x) {
            const QColor pixel(line[x]);
            if (std::abs(pixel.red() - colour.red()) <= 2
                && std::abs(pixel.green() - colour.green()) <= 2
                && std::abs(pixel.blue() - colour.blue()) <= 2)
                return true;
        }
    }
    return false;
}

QStringList problems(ui::ArtifactPane *pane)
{
    QStringList texts;
    for (int row = 0; row < pane->problemList()->count(); ++row)
        texts.append(pane->problemList()->item(row)->text());
    return texts;
}

} // namespace

class TestArtifactPreview : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void reactDashboardRendersItsBarsWithTailwindColours();
    void missingExportIsNamedAndTheFixRenders();
    void missingLibraryIsNamed();
    void componentFoundWithoutExport();
    void noComponentSaysSo();
    void errorsCarryTheirLine_data();
    void errorsCarryTheirLine();
    void problemClickMovesTheCursor();
    void otherTypesRenderOffline_data();
    void otherTypesRenderOffline();
    void editsAndUpdatesMakeVersions();
    void exportedPageWorksOfflineFromAFile();

private:
    QWebEngineView *show(const QString &type, const QString &content);

    std::unique_ptr<QWidget> m_window;
    ui::ArtifactPane *m_pane = nullptr;
    int m_nextId = 1;
};

void TestArtifactPreview::init()
{
    m_window = std::make_unique<QWidget>();
    m_window->resize(1280, 800);
    auto *layout = new QVBoxLayout(m_window.get());
    m_pane = new ui::ArtifactPane;
    layout->addWidget(m_pane);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestArtifactPreview::cleanup()
{
    m_window.reset();
    m_pane = nullptr;
}

// Delivers an artifact the way a finished fenced block does and returns the preview.
QWebEngineView *TestArtifactPreview::show(const QString &type, const QString &content)
{
    m_pane->beginArtifact();
    const QString id = QStringLiteral("artifact-%1").arg(m_nextId++);
    m_pane->completeArtifact({id, type, artifacts::Artifact::titleFor(type, content), content});
    return m_pane->webView();
}

void TestArtifactPreview::reactDashboardRendersItsBarsWithTailwindColours()
{
    QSignalSpy rendered(m_pane, &ui::ArtifactPane::componentRendered);
    QWebEngineView *view =
        show(QStringLiteral("jsx"), fixture(QStringLiteral("sales-dashboard.jsx")));
    QTRY_VERIFY_WITH_TIMEOUT(!rendered.isEmpty(), renderTimeoutMs);
    QVERIFY2(problems(m_pane).isEmpty(), qPrintable(problems(m_pane).join(u'\n')));

    // Four regions from the CSV, each a bar of its own.
    QTRY_COMPARE_WITH_TIMEOUT(
        evaluate(view,
                 QStringLiteral("document.querySelectorAll('.recharts-bar-rectangle').length"))
            .toInt(),
        4, 5000);
    QCOMPARE(evaluate(view, QStringLiteral("document.getElementById('stat-total').textContent"))
                 .toString(),
             QStringLiteral("930"));
    QCOMPARE(
        evaluate(view, QStringLiteral("getComputedStyle(document.querySelector('.bg-blue-500'))"
                                      ".backgroundColor"))
            .toString(),
        QStringLiteral("rgb(59, 130, 246)"));

    // Tailwind's gray-100 page background and blue-500 icon tiles, on screen.
    const QImage pixels = view->grab().toImage();
    QVERIFY(hasColour(pixels, QColor(243, 244, 246)));
    QVERIFY(hasColour(pixels, QColor(59, 130, 246)));
    windowtest::saveScreenshot(m_window.get(), QStringLiteral("artifact-dashboard.png"));
}

void TestArtifactPreview::missingExportIsNamedAndTheFixRenders()
{
    QSignalSpy reported(m_pane, &ui::ArtifactPane::problemReported);
    QWebEngineView *view = show(QStringLiteral("jsx"), fixture(QStringLiteral("streak-card.jsx")));
    QTRY_VERIFY_WITH_TIMEOUT(!reported.isEmpty(), renderTimeoutMs);

    const QString problem = problems(m_pane).join(u'\n');
    QVERIFY2(problem.contains(QStringLiteral("Line 2")), qPrintable(problem));
    QVERIFY2(problem.contains(QStringLiteral("Fire")), qPrintable(problem));
    QVERIFY2(problem.contains(QStringLiteral("lucide-react")), qPrintable(problem));
    QVERIFY2(problem.contains(QStringLiteral("Did you mean Flame")), qPrintable(problem));
    const QString shown =
        evaluate(view,
                 QStringLiteral("document.querySelector('tandem-error').shadowRoot.textContent"))
            .toString();
    QVERIFY2(shown.contains(QStringLiteral("Fire"))
                 && shown.contains(QStringLiteral("lucide-react")),
             qPrintable(shown));
    // The page's own error panel, its red rule on screen.
    QTRY_VERIFY_WITH_TIMEOUT(hasColour(view->grab().toImage(), QColor(220, 38, 38)), 5000);
    windowtest::saveScreenshot(m_window.get(), QStringLiteral("artifact-error.png"));

    // The error goes back to the model as text, with the code it is about.
    QSignalSpy context(m_pane, &ui::ArtifactPane::contextRequested);
    QTest::mouseClick(m_pane->findChild<QPushButton *>(QStringLiteral("sendToChat")),
                      Qt::LeftButton);
    QCOMPARE(context.count(), 1);
    const QString text = context.constFirst().at(0).toString();
    QVERIFY2(text.contains(QStringLiteral("```jsx\nimport { useState } from \"react\";"))
                 && text.contains(QStringLiteral("The preview reports:\n- Line 2: No export named "
                                                 "Fire in lucide-react")),
             qPrintable(text));

    // The user's fix in the code pane re-renders without a restart.
    QSignalSpy rendered(m_pane, &ui::ArtifactPane::componentRendered);
    QString code = m_pane->editor()->text();
    code.replace(QStringLiteral("Fire"), QStringLiteral("Flame"));
    m_pane->editor()->setText(code);
    QTRY_VERIFY_WITH_TIMEOUT(!rendered.isEmpty(), renderTimeoutMs);
    QVERIFY2(problems(m_pane).isEmpty(), qPrintable(problems(m_pane).join(u'\n')));

    QVERIFY(evaluate(view, QStringLiteral("document.body.innerText"))
                .toString()
                .contains(QStringLiteral("Streak: 0")));
    evaluate(view, QStringLiteral("document.querySelector('button').click()"));
    QTRY_VERIFY_WITH_TIMEOUT(evaluate(view, QStringLiteral("document.body.innerText"))
                                 .toString()
                                 .contains(QStringLiteral("Streak: 1")),
                             5000);
    QVERIFY(
        evaluate(view, QStringLiteral("!!document.querySelector('.recharts-line path')")).toBool());
    QCOMPARE(evaluate(view, QStringLiteral("getComputedStyle(document.querySelector('button'))"
                                           ".backgroundColor"))
                 .toString(),
             QStringLiteral("rgb(249, 115, 22)"));
}

void TestArtifactPreview::missingLibraryIsNamed()
{
    QSignalSpy reported(m_pane, &ui::ArtifactPane::problemReported);
    QString code = fixture(QStringLiteral("streak-card.jsx"))
                       .replace(QStringLiteral("Fire"), QStringLiteral("Flame"));
    code.prepend(QStringLiteral("import { motion } from \"framer-motion\";\n"));
    show(QStringLiteral("jsx"), code);
    QTRY_VERIFY_WITH_TIMEOUT(!reported.isEmpty(), renderTimeoutMs);
    const QString problem = problems(m_pane).join(u'\n');
    QVERIFY2(problem.contains(QStringLiteral("Line 1: Library not available in preview: "
                                             "framer-motion")),
             qPrintable(problem));
}

void TestArtifactPreview::componentFoundWithoutExport()
{
    QSignalSpy rendered(m_pane, &ui::ArtifactPane::componentRendered);
    QWebEngineView *view = show(QStringLiteral("tsx"), fixture(QStringLiteral("todo-board.tsx")));
    QTRY_VERIFY_WITH_TIMEOUT(!rendered.isEmpty(), renderTimeoutMs);
    QVERIFY2(problems(m_pane).isEmpty(), qPrintable(problems(m_pane).join(u'\n')));
    QCOMPARE(evaluate(view, QStringLiteral("document.querySelectorAll('li').length")).toInt(), 2);
    QCOMPARE(evaluate(view, QStringLiteral("getComputedStyle(document.querySelector('h1')).color"))
                 .toString(),
             QStringLiteral("rgb(5, 150, 105)"));
}

void TestArtifactPreview::noComponentSaysSo()
{
    QSignalSpy reported(m_pane, &ui::ArtifactPane::problemReported);
    show(QStringLiteral("jsx"), QStringLiteral("const answer = 42;\nconsole.log(answer);\n"));
    QTRY_VERIFY_WITH_TIMEOUT(!reported.isEmpty(), renderTimeoutMs);
    QVERIFY(
        reported.constFirst().at(0).toString().contains(QStringLiteral("No component to show")));
}

void TestArtifactPreview::errorsCarryTheirLine_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("expected");

    QTest::newRow("jsx syntax") << QStringLiteral("jsx")
                                << QStringLiteral("export default function A() {\n"
                                                  "  const x = ;\n  return <p/>;\n}\n")
                                << QStringLiteral("Line 2: Syntax error");
    QTest::newRow("jsx render error")
        << QStringLiteral("jsx")
        << QStringLiteral("export default function A() {\n  const rows = null;\n"
                          "  return <p>{rows.length}</p>;\n}\n")
        << QStringLiteral("Line 3: Error while rendering");
    QTest::newRow("jsx error on load")
        << QStringLiteral("jsx")
        << QStringLiteral("const a = 1;\nundefinedFunction();\nexport default () => <p/>;\n")
        << QStringLiteral("Line 2: Error while loading");
    QTest::newRow("mermaid parse error")
        << QStringLiteral("mermaid") << QStringLiteral("graph TD\n  A --> B\n  B -->\n")
        << QStringLiteral("Line 3: Diagram error");
    QTest::newRow("html uncaught error")
        << QStringLiteral("html")
        << QStringLiteral("<!doctype html>\n<html><body>\n<p>x</p>\n<script>\nnope();\n"
                          "</script></body></html>\n")
        << QStringLiteral("Line 5: Error");
}

void TestArtifactPreview::errorsCarryTheirLine()
{
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, expected);

    QSignalSpy reported(m_pane, &ui::ArtifactPane::problemReported);
    show(type, code);
    QTRY_VERIFY_WITH_TIMEOUT(!reported.isEmpty(), renderTimeoutMs);
    const QString problem = reported.constFirst().at(0).toString();
    QVERIFY2(problem.startsWith(expected), qPrintable(problem));
}

void TestArtifactPreview::problemClickMovesTheCursor()
{
    QSignalSpy reported(m_pane, &ui::ArtifactPane::problemReported);
    show(QStringLiteral("jsx"), fixture(QStringLiteral("streak-card.jsx")));
    QTRY_VERIFY_WITH_TIMEOUT(!reported.isEmpty(), renderTimeoutMs);
    m_pane->editor()->setCursorPosition(10, 0);

    QListWidget *list = m_pane->problemList();
    QVERIFY(list->isVisible());
    const QRect where = list->visualItemRect(list->item(0));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, where.center());

    int line = -1, index = -1;
    m_pane->editor()->getCursorPosition(&line, &index);
    QCOMPARE(line, 1); // the import of Fire, the code pane's second line
}

void TestArtifactPreview::otherTypesRenderOffline_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("check");
    QTest::addColumn<QColor>("colour");

    QTest::newRow("svg") << QStringLiteral("svg")
                         << QStringLiteral(
                                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" "
                                "height=\"120\"><rect id=\"r\" width=\"200\" "
                                "height=\"120\" fill=\"#7c3aed\"/></svg>\n")
                         << QStringLiteral("!!document.querySelector('svg #r')")
                         << QColor(124, 58, 237);
    QTest::newRow("mermaid") << QStringLiteral("mermaid")
                             << QStringLiteral("graph TD\n  Start --> Finish\n")
                             << QStringLiteral("document.querySelectorAll('#root svg .node').length"
                                               " === 2")
                             << QColor(236, 236, 255);
    QTest::newRow("markdown")
        << QStringLiteral("markdown")
        << QStringLiteral("# Notes\n\n```python\ndef add(a, b):\n    return a + b\n```\n")
        << QStringLiteral("(h => !!h && h.textContent === 'Notes')(document.querySelector('h1'))"
                          " && !!document.querySelector('code .hljs-keyword')")
        << QColor(215, 58, 73);
    QTest::newRow("html with the tailwind cdn script")
        << QStringLiteral("html")
        << QStringLiteral("<!doctype html><html><head><script "
                          "src=\"https://cdn.tailwindcss.com\"></script></head><body>\n<div "
                          "id=\"box\" class=\"bg-rose-500 w-40 h-20\"></div></body></html>\n")
        << QStringLiteral("(box => !!box && getComputedStyle(box).backgroundColor"
                          " === 'rgb(244, 63, 94)')(document.getElementById('box'))")
        << QColor(244, 63, 94);
}

void TestArtifactPreview::otherTypesRenderOffline()
{
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, check);
    QFETCH(QColor, colour);

    QWebEngineView *view = show(type, code);
    QTRY_VERIFY_WITH_TIMEOUT(evaluate(view, check).toBool(), renderTimeoutMs);
    QVERIFY2(problems(m_pane).isEmpty(), qPrintable(problems(m_pane).join(u'\n')));
    QTRY_VERIFY_WITH_TIMEOUT(hasColour(view->grab().toImage(), colour), 5000);
}

void TestArtifactPreview::editsAndUpdatesMakeVersions()
{
    QSignalSpy rendered(m_pane, &ui::ArtifactPane::componentRendered);
    const QString first = fixture(QStringLiteral("sales-dashboard.jsx"));
    QWebEngineView *view = show(QStringLiteral("jsx"), first);
    QTRY_VERIFY_WITH_TIMEOUT(!rendered.isEmpty(), renderTimeoutMs);
    QCOMPARE(m_pane->versions()->count(), 1);

    // A pause in the user's typing makes version 2.
    rendered.clear();
    QString edited = first;
    edited.replace(QStringLiteral("Sales by region"), QStringLiteral("Revenue by region"));
    m_pane->editor()->setText(edited);
    QTRY_VERIFY_WITH_TIMEOUT(!rendered.isEmpty(), renderTimeoutMs);
    QCOMPARE(m_pane->versions()->count(), 2);
    const QString diff = m_pane->diffToPreviousVersion();
    QVERIFY2(
        diff.contains(QStringLiteral("-      <h1 className=\"text-2xl font-bold text-gray-900\">"
                                     "Sales by region</h1>")),
        qPrintable(diff));
    QVERIFY(
        diff.contains(QStringLiteral("+      <h1 className=\"text-2xl font-bold text-gray-900\">"
                                     "Revenue by region</h1>")));

    // The model sends the component again under the same title: version 3.
    rendered.clear();
    QString updated = first;
    updated.replace(QStringLiteral("North,Jan,120"), QStringLiteral("North,Jan,1120"));
    show(QStringLiteral("jsx"), updated);
    QTRY_VERIFY_WITH_TIMEOUT(!rendered.isEmpty(), renderTimeoutMs);
    QCOMPARE(m_pane->artifacts().size(), 1);
    QCOMPARE(m_pane->versions()->count(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(
        evaluate(view, QStringLiteral("document.getElementById('stat-total').textContent")),
        QVariant(QStringLiteral("1930")), 5000);

    // Back twice shows the first version again, page included; forward returns.
    rendered.clear();
    m_pane->showPreviousVersion();
    m_pane->showPreviousVersion();
    QCOMPARE(m_pane->editor()->text(), first);
    QTRY_VERIFY_WITH_TIMEOUT(!rendered.isEmpty(), renderTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        evaluate(view, QStringLiteral("document.querySelector('h1').textContent")),
        QVariant(QStringLiteral("Sales by region")), 5000);
    m_pane->showNextVersion();
    QCOMPARE(m_pane->editor()->text(), edited);
    QCOMPARE(m_pane->versions()->index(), 1);
}

// Blocks everything but file: URLs, as a browser with no network would.
class OfflineOnly : public QWebEngineUrlRequestInterceptor
{
public:
    using QWebEngineUrlRequestInterceptor::QWebEngineUrlRequestInterceptor;
    void interceptRequest(QWebEngineUrlRequestInfo &info) override
    {
        if (info.requestUrl().scheme() != u"file") {
            ++blocked;
            info.block(true);
        }
    }
    int blocked = 0;
};

void TestArtifactPreview::exportedPageWorksOfflineFromAFile()
{
    QSignalSpy rendered(m_pane, &ui::ArtifactPane::componentRendered);
    QWebEngineView *view =
        show(QStringLiteral("jsx"), fixture(QStringLiteral("sales-dashboard.jsx")));
    QTRY_VERIFY_WITH_TIMEOUT(!rendered.isEmpty(), renderTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(hasColour(view->grab().toImage(), QColor(59, 130, 246)), 5000);

    QTemporaryDir folder;
    const QString html = folder.filePath(QStringLiteral("dashboard.html"));
    const QString png = folder.filePath(QStringLiteral("dashboard.png"));
    QCOMPARE(m_pane->exportTo(html), QString());
    QCOMPARE(m_pane->exportTo(png), QString());
    const QImage picture(png);
    QVERIFY2(hasColour(picture, QColor(59, 130, 246)),
             qPrintable(QStringLiteral("%1x%2").arg(picture.width()).arg(picture.height())));

    QFile page(html);
    QVERIFY(page.open(QIODevice::ReadOnly));
    const QByteArray bytes = page.readAll();
    QVERIFY(!bytes.contains("/_runtime/"));
    QVERIFY(!bytes.contains("<script src="));

    QWebEngineProfile profile;
    OfflineOnly offline;
    profile.setUrlRequestInterceptor(&offline);
    QWebEngineView browser;
    browser.setPage(new QWebEnginePage(&profile, &browser));
    browser.resize(900, 700);
    browser.show();
    browser.load(QUrl::fromLocalFile(html));
    QTRY_COMPARE_WITH_TIMEOUT(
        evaluate(&browser, QStringLiteral("document.querySelectorAll('.recharts-bar-rectangle')"
                                          ".length")),
        QVariant(4), renderTimeoutMs);
    QCOMPARE(evaluate(&browser, QStringLiteral("getComputedStyle(document.querySelector("
                                               "'.bg-blue-500')).backgroundColor")),
             QVariant(QStringLiteral("rgb(59, 130, 246)")));
    QCOMPARE(offline.blocked, 0);
    delete browser.page();
}

int main(int argc, char *argv[])
{
    ui::disableChromiumSandboxIfRoot();
    ui::registerUrlSchemes();
    QApplication app(argc, argv);
    TestArtifactPreview test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_artifactpreview.moc"
