#include "pagescript.h"
#include "ui/agentrunner.h"
#include "ui/artifactpane.h"
#include "ui/chatview.h"
#include "ui/computermonitor.h"
#include "ui/mainwindow.h"
#include "ui/promptedit.h"
#include "ui/streamingmarkdownlabel.h"
#include "ui/webenginesetup.h"
#include "windowtest.h"

#include "agent/agentloop.h"
#include "llm/anthropicclient.h"
#include "tools/toolregistry.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSplitter>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEnginePage>
#include <QWebEngineView>

#include <Qsci/qsciscintilla.h>

#include <algorithm>
#include <cstdio>
#include <memory>

using namespace tandem;

namespace {

constexpr int replyTimeoutMs = 60000;
constexpr int renderTimeoutMs = 60000;
const QColor accentBlue(59, 130, 246);

bool closeTo(QColor a, QColor b, int tolerance)
{
    return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance
           && std::abs(a.blue() - b.blue()) <= tolerance;
}

bool containsColour(const QImage &image, QColor colour, int tolerance)
{
    const QImage pixels = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < pixels.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(pixels.constScanLine(y));
        for (int x = 0; x < pixels.width(); ++x) {
            if (closeTo(QColor(line[x]), colour, tolerance))
                return true;
        }
    }
    return false;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void bannerNamesTheDemoModel();
    void webViewWaitsForTheFirstArtifact();
    void dashboardStreamsAndRenders();
    void editingTheCodeRerendersThePage();
    void stopReturnsToIdleAtOnce();
    void computerMonitorJoinsTheWindow();

private:
    void openWindow();
    void sendTask(const QString &task);
    bool isIdle() const;
    QString titleText() const;

    QTemporaryDir m_workspace;
    QProcess m_server;
    std::unique_ptr<llm::AnthropicClient> m_client;
    tools::ToolRegistry m_tools;
    std::unique_ptr<agent::AgentLoop> m_loop;
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_workspace.isValid());

    QString error;
    m_client = windowtest::startModelServer(m_server, QStringList{QStringLiteral("--demo")},
                                            QStringLiteral("scripted-demo"), error);
    QVERIFY2(m_client, qPrintable(error));

    openWindow();
    windowtest::saveScreenshot(m_window.get(), QStringLiteral("mainwindow-empty.png"));
}

void TestMainWindow::cleanupTestCase()
{
    m_window.reset();
    m_loop.reset();
    m_server.terminate();
    m_server.waitForFinished(5000);
}

void TestMainWindow::bannerNamesTheDemoModel()
{
    QCOMPARE(m_window->windowTitle(), QStringLiteral("Tandem"));

    const auto *model = m_window->findChild<QLabel *>(QStringLiteral("modelLabel"));
    QVERIFY(model);
    QVERIFY(model->isVisible());
    QVERIFY(model->text().contains(QStringLiteral("Demo model")));
    QVERIFY(model->text().contains(QStringLiteral("ANTHROPIC_API_KEY")));

    const auto *workspace = m_window->findChild<QLabel *>(QStringLiteral("workspaceLabel"));
    QVERIFY(workspace);
    QVERIFY(workspace->toolTip().contains(m_workspace.path()));

    const auto *sandbox = m_window->findChild<QLabel *>(QStringLiteral("sandboxLabel"));
    QVERIFY(sandbox);
    QVERIFY(sandbox->isVisible());
    QVERIFY(sandbox->toolTip().contains(QStringLiteral("no network")));
}

void TestMainWindow::webViewWaitsForTheFirstArtifact()
{
    QVERIFY(!m_window->artifactPane()->webView());

    sendTask(QStringLiteral("Hello, what can you show me?"));
    QTRY_VERIFY_WITH_TIMEOUT(isIdle(), replyTimeoutMs);

    QVERIFY(!m_window->chatView()->assistantText().isEmpty());
    QVERIFY(!m_window->artifactPane()->webView());
}

void TestMainWindow::dashboardStreamsAndRenders()
{
    openWindow();
    ui::ArtifactPane *pane = m_window->artifactPane();
    QSignalSpy rendered(pane, &ui::ArtifactPane::pageRendered);
    const qsizetype textBefore = m_window->chatView()->assistantText().size();

    sendTask(QStringLiteral("Build a sales dashboard"));
    QVERIFY(m_window->runner()->isRunning());

    QTRY_VERIFY_WITH_TIMEOUT(isIdle(), replyTimeoutMs);
    QVERIFY(m_window->chatView()->assistantText().size() > textBefore);
    const auto labels = m_window->findChildren<ui::StreamingMarkdownLabel *>();
    QVERIFY(std::any_of(labels.begin(), labels.end(), [](const ui::StreamingMarkdownLabel *reply) {
        const auto pieces = reply->textLabels();
        return std::any_of(pieces.begin(), pieces.end(), [](const QLabel *label) {
            return label->text().contains(QStringLiteral("open in the artifact pane"));
        });
    }));
    QVERIFY(m_window->findChild<QLabel *>(QStringLiteral("errorLine")) == nullptr);
    QVERIFY(pane->webView());
    QTRY_VERIFY_WITH_TIMEOUT(!rendered.isEmpty(), renderTimeoutMs);
    QCOMPARE(rendered.constLast().at(0).toBool(), true);

    QVERIFY(pane->editor()->text().contains(QStringLiteral("id=\"title\"")));
    QVERIFY2(!titleText().isEmpty(), "the page has no #title text");

    QWebEngineView *view = pane->webView();
    QTRY_VERIFY_WITH_TIMEOUT(containsColour(view->grab().toImage(), accentBlue, 3), 15000);

    const QString path =
        windowtest::saveScreenshot(m_window.get(), QStringLiteral("mainwindow.png"));
    QVERIFY(!path.isEmpty());

    // Send to chat puts the page in the prompt, for the user to ask about it.
    QTest::mouseClick(m_window->findChild<QPushButton *>(QStringLiteral("sendToChat")),
                      Qt::LeftButton);
    QVERIFY(m_window->chatView()->promptText().contains(QStringLiteral("```html\n")));
    QVERIFY(m_window->chatView()->promptText().contains(QStringLiteral("id=\"title\"")));
}

void TestMainWindow::editingTheCodeRerendersThePage()
{
    ui::ArtifactPane *pane = m_window->artifactPane();
    QsciScintilla *editor = pane->editor();
    QVERIFY(pane->webView());
    QSignalSpy rendered(pane, &ui::ArtifactPane::pageRendered);

    // Select the heading's text the way a user would, then type over it.
    static const QRegularExpression heading(
        QStringLiteral("<h1[^>]*id=\"title\"[^>]*>([^<]+)</h1>"));
    const QRegularExpressionMatch match = heading.match(editor->text());
    QVERIFY2(match.hasMatch(), "no plain-text <h1 id=\"title\"> in the editor");
    const QString oldTitle = match.captured(1);

    const QString needle = u'>' + oldTitle + QStringLiteral("</h1>");
    QVERIFY(editor->findFirst(needle, false, true, false, true, true, 0, 0));
    int lineFrom = 0, indexFrom = 0, lineTo = 0, indexTo = 0;
    editor->getSelection(&lineFrom, &indexFrom, &lineTo, &indexTo);
    editor->setSelection(lineFrom, indexFrom + 1, lineTo, indexTo - int(qstrlen("</h1>")));
    QCOMPARE(editor->selectedText(), oldTitle);

    const QString newTitle = QStringLiteral("Edited in Tandem");
    QTest::keyClicks(editor, newTitle);
    QVERIFY(editor->text().contains(u'>' + newTitle + QStringLiteral("</h1>")));

    QTRY_VERIFY_WITH_TIMEOUT(!rendered.isEmpty(), renderTimeoutMs);
    QCOMPARE(rendered.constLast().at(0).toBool(), true);
    QCOMPARE(titleText().trimmed(), newTitle);

    // The whole burst of typing made one render, not one per key.
    QTest::qWait(600);
    QCOMPARE(rendered.count(), 1);
}

void TestMainWindow::stopReturnsToIdleAtOnce()
{
    openWindow();
    auto *send = m_window->findChild<QPushButton *>(QStringLiteral("sendButton"));
    auto *stop = m_window->findChild<QPushButton *>(QStringLiteral("stopButton"));

    sendTask(QStringLiteral("Build a sales dashboard"));
    QVERIFY(stop->isEnabled());
    QVERIFY(!send->isEnabled());

    QTest::mouseClick(stop, Qt::LeftButton);
    QVERIFY(isIdle());
    QVERIFY(!stop->isEnabled());
    QVERIFY(m_window->findChild<QLabel *>(QStringLiteral("noticeLine")));
    const QString textAtStop = m_window->chatView()->assistantText();

    // Whatever the cancelled run still says is dropped.
    QTest::qWait(1500);
    QCOMPARE(m_window->chatView()->assistantText(), textAtStop);
    QVERIFY(!m_window->artifactPane()->webView());

    // And the window takes the next task.
    sendTask(QStringLiteral("Build a sales dashboard, please"));
    QVERIFY(m_window->runner()->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(isIdle(), replyTimeoutMs);
    QVERIFY(m_window->chatView()->assistantText().size() > textAtStop.size());
}

void TestMainWindow::computerMonitorJoinsTheWindow()
{
    openWindow();
    const auto *splitter = m_window->findChild<QSplitter *>(QStringLiteral("mainSplitter"));
    QVERIFY(splitter);
    QCOMPARE(splitter->count(), 2);
    QVERIFY(!m_window->computerMonitor());

    ui::ComputerMonitor *monitor = m_window->addComputerMonitor();
    QCOMPARE(m_window->addComputerMonitor(), monitor);
    QCOMPARE(splitter->count(), 3);
    QCOMPARE(splitter->widget(1), monitor);
    QTRY_VERIFY(monitor->isVisible());

    // Its Stop button stops the running task.
    sendTask(QStringLiteral("Build a sales dashboard"));
    QVERIFY(m_window->runner()->isRunning());
    QTest::mouseClick(monitor->findChild<QPushButton *>(), Qt::LeftButton);
    QVERIFY(isIdle());
}

// The scripted model picks its scenario from a conversation's first message, so each part of
// the story gets a window of its own with a fresh conversation.
void TestMainWindow::openWindow()
{
    m_window.reset();
    m_loop = std::make_unique<agent::AgentLoop>(*m_client, m_tools, nullptr, agent::AgentConfig{});

    const ui::WindowInfo info{m_client->describe(), true, m_workspace.path(),
                              QStringLiteral("bubblewrap · no network · memory 4 GiB")};
    m_window = std::make_unique<ui::MainWindow>(*m_loop, info);
    m_window->resize(1440, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::sendTask(const QString &task)
{
    auto *prompt = m_window->findChild<ui::PromptEdit *>(QStringLiteral("promptEdit"));
    auto *send = m_window->findChild<QPushButton *>(QStringLiteral("sendButton"));
    QVERIFY(prompt && send);

    QTest::keyClicks(prompt, task);
    QTest::mouseClick(send, Qt::LeftButton);
}

bool TestMainWindow::isIdle() const
{
    const auto *send = m_window->findChild<QPushButton *>(QStringLiteral("sendButton"));
    return !m_window->runner()->isRunning() && !m_window->chatView()->isRunning()
           && send->isEnabled();
}

QString TestMainWindow::titleText() const
{
    return evaluate(m_window->artifactPane()->webView(),
                    QStringLiteral("document.getElementById('title') ? "
                                   "document.getElementById('title').textContent : ''"))
        .toString();
}

int main(int argc, char *argv[])
{
    ui::disableChromiumSandboxIfRoot();
    ui::registerUrlSchemes();
    QApplication app(argc, argv);

    TestMainWindow test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_mainwindow.moc"
