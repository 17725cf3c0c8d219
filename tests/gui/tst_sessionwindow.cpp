#include "ui/agentrunner.h"
#include "ui/chatview.h"
#include "ui/mainwindow.h"
#include "ui/promptedit.h"
#include "ui/sessioncontroller.h"
#include "ui/sessionpanel.h"
#include "ui/toolcard.h"
#include "ui/transcriptreplay.h"
#include "ui/webenginesetup.h"

#include "session/sessionstore.h"

#include "agent/agentloop.h"
#include "llm/anthropicclient.h"
#include "tools/toolregistry.h"
#include "windowtest.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <memory>

using namespace tandem;

namespace {

constexpr int replyTimeoutMs = 60000;

QStringList userMessages(const QWidget *window)
{
    QStringList texts;
    const auto labels = window->findChildren<QLabel *>(QStringLiteral("userMessage"));
    for (const QLabel *label : labels)
        texts.append(label->text());
    return texts;
}

} // namespace

// The window on a session store, closed and opened again as after a restart: the session
// comes back with its history, and the conversation goes on from it.
class TestSessionWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void firstTaskIsSaved();
    void restartResumesTheSessionAndContinues();
    void searchFiltersTheList();
    void newSessionAndOpenAgain();
    void exportsBothFormats();
    void replayShowsToolCallsWithTheirResults();

private:
    void openWindow();
    void closeWindow();
    void sendTask(const QString &task);
    bool isIdle() const;
    QListWidget *sessionList() const;

    QTemporaryDir m_dir;
    QProcess m_server;
    std::unique_ptr<llm::AnthropicClient> m_client;
    tools::ToolRegistry m_tools;
    std::unique_ptr<session::SessionStore> m_store;
    std::unique_ptr<agent::AgentLoop> m_loop;
    std::unique_ptr<ui::MainWindow> m_window;
    std::unique_ptr<ui::SessionController> m_sessions;
    qint64 m_sessionId = 0;
};

void TestSessionWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());

    QString error;
    m_client = windowtest::startModelServer(m_server, QStringList{QStringLiteral("--demo")},
                                            QStringLiteral("scripted-demo"), error);
    QVERIFY2(m_client, qPrintable(error));
    openWindow();
}

void TestSessionWindow::cleanupTestCase()
{
    closeWindow();
    m_server.terminate();
    m_server.waitForFinished(5000);
}

// Like a start of the app: a store opened afresh, a new loop, a new window.
void TestSessionWindow::openWindow()
{
    m_store = std::make_unique<session::SessionStore>(m_dir.filePath(QStringLiteral("s.sqlite")));
    auto opened = m_store->open();
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
    m_loop = std::make_unique<agent::AgentLoop>(*m_client, m_tools, nullptr, agent::AgentConfig{});

    const ui::WindowInfo info{m_client->describe(), true, m_dir.path(), QStringLiteral("none")};
    m_window = std::make_unique<ui::MainWindow>(*m_loop, info);
    m_sessions = std::make_unique<ui::SessionController>(
        *m_window, *m_loop, *m_store,
        session::SessionStore::NewSession{{}, m_dir.path(), m_client->describe()});
    m_window->resize(1280, 800);
    m_window->show();
    m_sessions->resumeLast();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestSessionWindow::closeWindow()
{
    m_window.reset();
    m_sessions.reset();
    m_loop.reset();
    m_store.reset();
}

void TestSessionWindow::sendTask(const QString &task)
{
    auto *prompt = m_window->findChild<ui::PromptEdit *>(QStringLiteral("promptEdit"));
    auto *send = m_window->findChild<QPushButton *>(QStringLiteral("sendButton"));
    QVERIFY(prompt && send);
    QTest::keyClicks(prompt, task);
    QTest::mouseClick(send, Qt::LeftButton);
}

bool TestSessionWindow::isIdle() const
{
    return !m_window->runner()->isRunning() && !m_window->chatView()->isRunning();
}

QListWidget *TestSessionWindow::sessionList() const
{
    return m_window->findChild<QListWidget *>(QStringLiteral("sessionList"));
}

void TestSessionWindow::firstTaskIsSaved()
{
    QVERIFY(sessionList());
    QCOMPARE(sessionList()->count(), 0);

    sendTask(QStringLiteral("Hello, what can you show me?"));
    QTRY_VERIFY_WITH_TIMEOUT(isIdle(), replyTimeoutMs);
    QVERIFY(!m_window->chatView()->assistantText().isEmpty());

    QVERIFY(m_sessions->currentSession());
    m_sessionId = *m_sessions->currentSession();
    auto saved = m_store->conversation(m_sessionId);
    QVERIFY(saved);
    QCOMPARE(saved->size(), std::size_t(2));
    QCOMPARE(saved->front().text(), std::string("Hello, what can you show me?"));
    QTRY_COMPARE(sessionList()->count(), 1);
    QVERIFY(sessionList()->item(0)->text().startsWith(QStringLiteral("Hello, what can you")));
}

void TestSessionWindow::restartResumesTheSessionAndContinues()
{
    const QString firstReply = m_window->chatView()->assistantText();
    closeWindow();
    openWindow();

    // The history is back in the chat and in the loop.
    QCOMPARE(m_sessions->currentSession().value_or(0), m_sessionId);
    QCOMPARE(userMessages(m_window.get()), QStringList{"Hello, what can you show me?"});
    QCOMPARE(m_window->chatView()->assistantText(), firstReply);
    QCOMPARE(m_loop->conversation().size(), std::size_t(2));
    QCOMPARE(sessionList()->count(), 1);
    QVERIFY(sessionList()->item(0)->font().bold());

    // The model is sent the history with the follow-up.
    sendTask(QStringLiteral("Thanks. What else?"));
    QTRY_VERIFY_WITH_TIMEOUT(isIdle(), replyTimeoutMs);
    QCOMPARE(m_loop->conversation().size(), std::size_t(4));
    auto saved = m_store->conversation(m_sessionId);
    QVERIFY(saved);
    QCOMPARE(saved->size(), std::size_t(4));
    QCOMPARE(saved->at(2).text(), std::string("Thanks. What else?"));
    QVERIFY(m_window->findChild<QLabel *>(QStringLiteral("errorLine")) == nullptr);

    const QString path =
        windowtest::saveScreenshot(m_window.get(), QStringLiteral("sessions-resumed.png"));
    QVERIFY(!path.isEmpty());
}

void TestSessionWindow::searchFiltersTheList()
{
    auto *search = m_window->findChild<QLineEdit *>(QStringLiteral("sessionSearch"));
    QVERIFY(search);

    QTest::keyClicks(search, QStringLiteral("what else"));
    QCOMPARE(sessionList()->count(), 1);
    QVERIFY(sessionList()->item(0)->text().contains(u'['));

    search->clear();
    QTest::keyClicks(search, QStringLiteral("quaternion"));
    QCOMPARE(sessionList()->count(), 0);
    search->clear();
    QCOMPARE(sessionList()->count(), 1);
}

void TestSessionWindow::newSessionAndOpenAgain()
{
    QVERIFY(m_sessions->newSession());
    QVERIFY(userMessages(m_window.get()).isEmpty());
    QVERIFY(m_loop->conversation().empty());
    QVERIFY(!m_sessions->currentSession());

    sessionList()->setCurrentRow(0);
    auto *open = m_window->findChild<QPushButton *>(QStringLiteral("openSessionButton"));
    QVERIFY(open && open->isEnabled());
    QTest::mouseClick(open, Qt::LeftButton);
    QCOMPARE(m_sessions->currentSession().value_or(0), m_sessionId);
    QCOMPARE(userMessages(m_window.get()),
             (QStringList{"Hello, what can you show me?", "Thanks. What else?"}));
    QCOMPARE(m_loop->conversation().size(), std::size_t(4));
}

void TestSessionWindow::exportsBothFormats()
{
    const QString markdown = m_dir.filePath(QStringLiteral("session.md"));
    const QString json = m_dir.filePath(QStringLiteral("session.json"));
    QVERIFY(m_sessions->exportSession(m_sessionId, true, markdown));
    QVERIFY(m_sessions->exportSession(m_sessionId, false, json));

    QFile md(markdown);
    QVERIFY(md.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(md.readAll());
    QCOMPARE(text.count(QStringLiteral("## You")), 2);
    QVERIFY(text.contains(QStringLiteral("Thanks. What else?")));

    QFile js(json);
    QVERIFY(js.open(QIODevice::ReadOnly));
    const auto document = nlohmann::json::parse(js.readAll().toStdString(), nullptr, false);
    QVERIFY(document.is_object());
    QCOMPARE(document["messages"].size(), std::size_t(4));
}

// Each call gets its card with the saved result; one whose result was lost shows it stopped.
void TestSessionWindow::replayShowsToolCallsWithTheirResults()
{
    using llm::ContentBlock;
    ui::ChatView chat;
    ContentBlock code = ContentBlock::makeToolUse("srvtoolu_1", "code_execution", {});
    code.type = ContentBlock::Type::ServerToolUse;
    ContentBlock codeResult;
    codeResult.type = ContentBlock::Type::ServerResult;
    codeResult.raw = {{"type", "code_execution_tool_result"},
                      {"tool_use_id", "srvtoolu_1"},
                      {"content", {{"stdout", "42"}}}};
    const std::vector<llm::Message> conversation{
        {llm::Role::User, {ContentBlock::makeText("Run the tests")}},
        {llm::Role::Assistant,
         {ContentBlock::makeText("Running them."),
          ContentBlock::makeToolUse("toolu_1", "bash", {{"command", "make test"}}),
          ContentBlock::makeToolUse("toolu_2", "bash", {{"command", "make lint"}})}},
        {llm::Role::User, {ContentBlock::makeToolResult("toolu_1", "1 failed", true)}},
        {llm::Role::Assistant, {code, codeResult}}};

    ui::TranscriptReplay::replay(chat, conversation);

    QCOMPARE(userMessages(&chat), QStringList{"Run the tests"});
    QCOMPARE(chat.assistantText(), QStringLiteral("Running them."));
    QHash<QString, ui::ToolCard::State> states;
    const auto cards = chat.findChildren<ui::ToolCard *>();
    for (const ui::ToolCard *card : cards)
        states.insert(card->id(), card->state());
    QCOMPARE(states.size(), 3);
    QCOMPARE(states.value(QStringLiteral("toolu_1")), ui::ToolCard::State::Failed);
    QCOMPARE(states.value(QStringLiteral("toolu_2")), ui::ToolCard::State::Stopped);
    QCOMPARE(states.value(QStringLiteral("srvtoolu_1")), ui::ToolCard::State::Done);
}

int main(int argc, char *argv[])
{
    ui::disableChromiumSandboxIfRoot();
    ui::registerUrlSchemes();
    QApplication app(argc, argv);

    TestSessionWindow test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_sessionwindow.moc"
