// The window's menu bar: every common command is in a menu with its shortcut, and the
// shortcuts do what the menu says. No model is asked anything.
#include "ui/artifactpane.h"
#include "ui/chatview.h"
#include "ui/mainwindow.h"
#include "ui/windowmenus.h"

#include "agent/agentloop.h"
#include "llm/anthropicclient.h"
#include "tools/toolregistry.h"

#include <Qsci/qsciscintilla.h>

#include <QAction>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QtTest>

using namespace tandem;

class tst_WindowMenus : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void commandsAreInMenus_data();
    void commandsAreInMenus();
    void focusPromptShortcut();
    void artifactPaneShortcut();
    void findShortcutFindsInTheCode();

private:
    void press(const QKeySequence &keys);

    std::unique_ptr<llm::AnthropicClient> m_client;
    tools::ToolRegistry m_tools;
    std::unique_ptr<agent::AgentLoop> m_loop;
    std::unique_ptr<ui::MainWindow> m_window;
};

void tst_WindowMenus::initTestCase()
{
    llm::AnthropicClient::Config config;
    config.baseUrl = QStringLiteral("http://127.0.0.1:9"); // never asked
    config.apiKey = QStringLiteral("unused");
    config.model = QStringLiteral("unused");
    m_client = std::make_unique<llm::AnthropicClient>(config);
    m_loop = std::make_unique<agent::AgentLoop>(*m_client, m_tools, nullptr, agent::AgentConfig{});

    m_window = std::make_unique<ui::MainWindow>(*m_loop, ui::WindowInfo{});
    m_window->resize(1200, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
}

void tst_WindowMenus::cleanupTestCase()
{
    m_window.reset();
}

void tst_WindowMenus::press(const QKeySequence &keys)
{
    QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : m_window.get();
    QTest::keySequence(target, keys);
}

void tst_WindowMenus::commandsAreInMenus_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("menu");
    QTest::addColumn<QKeySequence>("shortcut");

    QTest::newRow("new session") << "newSessionAction"
                                 << "menuFile" << QKeySequence("Ctrl+N");
    QTest::newRow("quit") << "quitAction"
                          << "menuFile" << QKeySequence("Ctrl+Q");
    QTest::newRow("find") << "findAction"
                          << "menuEdit" << QKeySequence("Ctrl+F");
    QTest::newRow("settings") << "settingsAction"
                              << "menuEdit" << QKeySequence("Ctrl+,");
    QTest::newRow("artifact pane") << "toggleArtifactsAction"
                                   << "menuView" << QKeySequence("Ctrl+Shift+A");
    QTest::newRow("send") << "sendAction"
                          << "menuTask" << QKeySequence("Ctrl+Return");
    QTest::newRow("stop") << "stopAction"
                          << "menuTask" << QKeySequence("Esc");
    QTest::newRow("focus prompt") << "focusPromptAction"
                                  << "menuTask" << QKeySequence("Ctrl+K");
    QTest::newRow("about") << "aboutAction"
                           << "menuHelp" << QKeySequence();
}

void tst_WindowMenus::commandsAreInMenus()
{
    QFETCH(QString, action);
    QFETCH(QString, menu);
    QFETCH(QKeySequence, shortcut);

    QAction *found = m_window->menus()->action(action);
    QVERIFY(found);
    QCOMPARE(found->shortcut(), shortcut);
    auto *owner = m_window->findChild<QMenu *>(menu);
    QVERIFY(owner);
    QVERIFY(owner->actions().contains(found));
}

void tst_WindowMenus::focusPromptShortcut()
{
    m_window->artifactPane()->editor()->setFocus();
    QTRY_VERIFY(m_window->artifactPane()->editor()->hasFocus());
    press(QKeySequence(QStringLiteral("Ctrl+K")));
    QTRY_VERIFY(qobject_cast<QPlainTextEdit *>(QApplication::focusWidget()));
    QVERIFY(m_window->chatView()->isAncestorOf(QApplication::focusWidget()));
}

void tst_WindowMenus::artifactPaneShortcut()
{
    QAction *toggle = m_window->menus()->action(QStringLiteral("toggleArtifactsAction"));
    QVERIFY(m_window->artifactPane()->isVisible());
    press(QKeySequence(QStringLiteral("Ctrl+Shift+A")));
    QTRY_VERIFY(!m_window->artifactPane()->isVisible());
    QVERIFY(!toggle->isChecked());
    press(QKeySequence(QStringLiteral("Ctrl+Shift+A")));
    QTRY_VERIFY(m_window->artifactPane()->isVisible());
    QVERIFY(toggle->isChecked());
}

void tst_WindowMenus::findShortcutFindsInTheCode()
{
    QsciScintilla *editor = m_window->artifactPane()->editor();
    editor->setText(QStringLiteral("<h1>Sales</h1>\n<p>Revenue by month</p>\n<p>Revenue</p>\n"));

    press(QKeySequence(QStringLiteral("Ctrl+F")));
    auto *field = m_window->findChild<QLineEdit *>(QStringLiteral("findField"));
    QTRY_VERIFY(field->isVisible() && field->hasFocus());

    QTest::keyClicks(field, QStringLiteral("revenue"));
    int line = 0;
    int index = 0;
    editor->getCursorPosition(&line, &index);
    QCOMPARE(editor->selectedText(), QStringLiteral("Revenue"));
    QCOMPARE(line, 1);

    QTest::keyClick(field, Qt::Key_Return);
    editor->getCursorPosition(&line, &index);
    QCOMPARE(line, 2);
}

QTEST_MAIN(tst_WindowMenus)
#include "tst_windowmenus.moc"
