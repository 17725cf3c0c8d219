#include "pagescript.h"
#include "ui/agentrunner.h"
#include "ui/artifactpane.h"
#include "ui/chatview.h"
#include "ui/mainwindow.h"
#include "ui/promptedit.h"
#include "ui/webenginesetup.h"
#include "windowtest.h"

#include "agent/agentloop.h"
#include "artifacts/artifactstore.h"
#include "artifacts/artifacttool.h"
#include "llm/anthropicclient.h"
#include "tools/toolregistry.h"

#include <QApplication>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEngineView>

#include <Qsci/qsciscintilla.h>

#include <memory>

using namespace tandem;

namespace {

constexpr int replyTimeoutMs = 90000;
constexpr int renderTimeoutMs = 60000;

} // namespace

// End to end through the real window: the scripted model calls the artifact tool to create a
// page, update it, make an update whose old string is not unique (the error goes back to it)
// and correct that; the pane shows the code as it streams, renders the finished page, and
// keeps each version.
class TestArtifactToolWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void modelMakesAndChangesAPage();

private:
    QTemporaryDir m_workspace;
    QProcess m_server;
    std::unique_ptr<llm::AnthropicClient> m_client;
    artifacts::ArtifactStore m_store;
    tools::ToolRegistry m_tools;
    std::unique_ptr<agent::AgentLoop> m_loop;
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestArtifactToolWindow::initTestCase()
{
    QString error;
    m_client = windowtest::startModelServer(m_server, QStringList{QStringLiteral("--demo")},
                                            QStringLiteral("scripted-demo"), error);
    QVERIFY2(m_client, qPrintable(error));

    m_tools.add(std::make_unique<artifacts::ArtifactTool>(m_store));
    m_loop = std::make_unique<agent::AgentLoop>(*m_client, m_tools, nullptr, agent::AgentConfig{});
    const ui::WindowInfo info{m_client->describe(), true, m_workspace.path(), QString()};
    m_window = std::make_unique<ui::MainWindow>(*m_loop, info);
    m_window->showArtifactsFrom(m_store);
    m_window->resize(1440, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestArtifactToolWindow::cleanupTestCase()
{
    m_window.reset();
    m_loop.reset();
    m_server.terminate();
    m_server.waitForFinished(5000);
}

void TestArtifactToolWindow::modelMakesAndChangesAPage()
{
    ui::ArtifactPane *pane = m_window->artifactPane();
    QsciScintilla *editor = pane->editor();

    // The code shows while the call's input streams, before the store has the artifact; the
    // page renders only after it.
    bool filledWhileStreaming = false;
    bool renderedBeforeCreated = false;
    connect(editor, &QsciScintilla::textChanged, this, [&] {
        if (pane->artifacts().isEmpty() && editor->text().contains(QStringLiteral("<h1")))
            filledWhileStreaming = true;
    });
    connect(pane, &ui::ArtifactPane::pageRendered, this, [&] {
        if (pane->artifacts().isEmpty())
            renderedBeforeCreated = true;
    });
    QSignalSpy rendered(pane, &ui::ArtifactPane::pageRendered);
    QSignalSpy finished(m_window->runner(), &ui::AgentRunner::toolCallFinished);

    auto *prompt = m_window->findChild<ui::PromptEdit *>(QStringLiteral("promptEdit"));
    QTest::keyClicks(prompt, QStringLiteral("Make a pricing table"));
    QTest::mouseClick(m_window->findChild<QPushButton *>(QStringLiteral("sendButton")),
                      Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->runner()->isRunning(), replyTimeoutMs);

    QVERIFY2(m_window->chatView()->assistantText().contains(QStringLiteral("Done: the Pro plan")),
             qPrintable(m_window->chatView()->assistantText()));
    QVERIFY(filledWhileStreaming);
    QVERIFY(!renderedBeforeCreated);

    // Four calls: the third refused, with a message the model could act on.
    QCOMPARE(finished.count(), 4);
    QCOMPARE(finished.at(2).at(2).toBool(), true);
    QVERIFY(finished.at(2).at(1).toString().contains(QStringLiteral("occurs 2 times")));
    for (int call : {0, 1, 3})
        QCOMPARE(finished.at(call).at(2).toBool(), false);

    QCOMPARE(m_store.version(QStringLiteral("pricing")), 3);
    QCOMPARE(pane->artifacts().size(), 1);
    const QString content = pane->artifacts().constFirst().content;
    QCOMPARE(content, m_store.find(QStringLiteral("pricing"))->content);
    QVERIFY(content.contains(QStringLiteral("id=\"pro-price\">€24</span>")));
    QCOMPARE(content.count(QStringLiteral("Priority email support")), 1);
    QCOMPARE(content.count(QStringLiteral("<li>Email support</li>")), 1);
    QCOMPARE(editor->text(), content);
    QCOMPARE(pane->versions()->count(), 3);

    QTRY_VERIFY_WITH_TIMEOUT(
        evaluate(pane->webView(), QStringLiteral("document.getElementById('pro-price') ? "
                                                 "document.getElementById('pro-price')"
                                                 ".textContent : ''"))
            == QStringLiteral("€24"),
        renderTimeoutMs);

    // Each version of the model's is in the history.
    pane->showPreviousVersion();
    QVERIFY(editor->text().contains(QStringLiteral("€24")));
    QVERIFY(!editor->text().contains(QStringLiteral("Priority")));
    pane->showPreviousVersion();
    QVERIFY(editor->text().contains(QStringLiteral("id=\"pro-price\">€19</span>")));
    QVERIFY(pane->diffToPreviousVersion().isEmpty());
}

int main(int argc, char *argv[])
{
    ui::disableChromiumSandboxIfRoot();
    ui::registerUrlSchemes();
    QApplication app(argc, argv);
    TestArtifactToolWindow test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_artifacttoolwindow.moc"
