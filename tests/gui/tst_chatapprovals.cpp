#include "ui/approvalbridge.h"
#include "ui/approvalcard.h"
#include "ui/chatview.h"
#include "ui/codeblockview.h"
#include "ui/mainwindow.h"
#include "ui/promptedit.h"
#include "ui/toolcard.h"
#include "ui/webenginesetup.h"

#include "agent/agentloop.h"
#include "approval/approvaldesk.h"
#include "audit/auditlog.h"
#include "llm/anthropicclient.h"
#include "tools/texteditortool.h"
#include "tools/toolregistry.h"
#include "tools/workspacepaths.h"
#include "windowtest.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

using namespace tandem;
using nlohmann::json;

namespace {

constexpr int replyTimeoutMs = 30000;

} // namespace

// The whole window against the scripted model: a reply in Markdown with code blocks, then two
// file edits the user is asked about; the first allowed, the second denied with a reason.
class TestChatApprovals : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void replyRendersAndApprovalsGate();

private:
    void startServer();
    ui::ApprovalCard *waitForOpenCard(int index);
    std::vector<json> auditLines(const std::string &kind) const;
    bool isIdle() const;

    QTemporaryDir m_data;
    QTemporaryDir m_workspace;
    QProcess m_server;
    std::unique_ptr<llm::AnthropicClient> m_client;
    std::unique_ptr<audit::AuditLog> m_audit;
    std::unique_ptr<approval::ApprovalDesk> m_desk;
    tools::ToolRegistry m_tools;
    std::unique_ptr<agent::AgentLoop> m_loop;
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestChatApprovals::initTestCase()
{
    QVERIFY(m_data.isValid() && m_workspace.isValid());
    QFile notes(m_workspace.filePath(QStringLiteral("NOTES.md")));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("# Notes\nNothing yet.\n");
    notes.close();
    startServer();

    m_audit = std::make_unique<audit::AuditLog>(m_data.filePath(QStringLiteral("audit.jsonl")));
    QVERIFY(m_audit->open().has_value());
    m_desk = std::make_unique<approval::ApprovalDesk>(approval::ApprovalPolicy(), m_audit.get());
    m_tools.add(std::make_unique<tools::TextEditorTool>(
        tools::WorkspacePaths(m_workspace.path(), QStringLiteral("/workspace"))));
    m_loop =
        std::make_unique<agent::AgentLoop>(*m_client, m_tools, m_audit.get(), agent::AgentConfig{});
    m_loop->setApprovals(m_desk.get());

    const ui::WindowInfo info{m_client->describe(), true, m_workspace.path(),
                              QStringLiteral("bubblewrap · no network")};
    m_window = std::make_unique<ui::MainWindow>(*m_loop, info);
    m_desk->setApprover(m_window->approvalBridge());
    connect(m_window->chatView(), &ui::ChatView::askForEveryToolChanged, this,
            [this](bool ask) { m_desk->setAskForEveryTool(ask); });
    m_window->resize(1280, 860);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestChatApprovals::startServer()
{
    QString error;
    m_client = windowtest::startModelServer(
        m_server,
        QStringList{QStringLiteral("--scenario"),
                    QStringLiteral(TANDEM_SOURCE_DIR "/tests/gui/chat_approvals.json")},
        QStringLiteral("scripted-chat"), error);
    QVERIFY2(m_client, qPrintable(error));
}

void TestChatApprovals::cleanupTestCase()
{
    m_window.reset();
    m_loop.reset();
    m_server.terminate();
    m_server.waitForFinished(5000);
}

ui::ApprovalCard *TestChatApprovals::waitForOpenCard(int index)
{
    ui::ApprovalCard *card = nullptr;
    const auto found = [&] {
        const auto cards = m_window->findChildren<ui::ApprovalCard *>();
        card = cards.size() > index && cards.at(index)->isOpen() ? cards.at(index) : nullptr;
        return card != nullptr;
    };
    if (!QTest::qWaitFor(found, replyTimeoutMs))
        return nullptr;
    return card;
}

std::vector<json> TestChatApprovals::auditLines(const std::string &kind) const
{
    QFile file(m_data.filePath(QStringLiteral("audit.jsonl")));
    std::vector<json> lines;
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        json entry = json::parse(line.toStdString(), nullptr, false);
        if (entry.value("kind", std::string()) == kind)
            lines.push_back(std::move(entry));
    }
    return lines;
}

bool TestChatApprovals::isIdle() const
{
    const auto *send = m_window->findChild<QPushButton *>(QStringLiteral("sendButton"));
    return send && send->isEnabled();
}

void TestChatApprovals::replyRendersAndApprovalsGate()
{
    // The user asks to approve every tool, then types the task and sends it with Enter.
    auto *askEvery = m_window->findChild<QCheckBox *>(QStringLiteral("askEveryTool"));
    QVERIFY(askEvery);
    QTest::mouseClick(askEvery, Qt::LeftButton, {}, QPoint(8, askEvery->height() / 2));
    QVERIFY(askEvery->isChecked());
    QVERIFY(m_desk->policy().asksForEveryTool());

    auto *prompt = m_window->findChild<ui::PromptEdit *>(QStringLiteral("promptEdit"));
    QVERIFY(prompt);
    prompt->setFocus();
    QTest::keyClicks(prompt, QStringLiteral("Take the approval tour"));
    QTest::keyClick(prompt, Qt::Key_Return);

    // The first edit waits for an answer; nothing has been written yet.
    ui::ApprovalCard *first = waitForOpenCard(0);
    QVERIFY(first);
    QVERIFY(!QFile::exists(m_workspace.filePath(QStringLiteral("greet.py"))));

    // The reply's Markdown: a heading, a list and two highlighted code blocks.
    const auto blocks = m_window->findChildren<ui::CodeBlockView *>();
    QCOMPARE(blocks.size(), 2);
    QCOMPARE(blocks.at(0)->language(), QStringLiteral("python"));
    QVERIFY(blocks.at(0)->code().startsWith(QStringLiteral("def greet(name):")));
    const auto prose = m_window->findChildren<QLabel *>(QStringLiteral("markdownProse"));
    QVERIFY(std::any_of(prose.begin(), prose.end(), [](const QLabel *label) {
        return label->text().contains(QStringLiteral("<h2")) && label->text().contains(u"Plan");
    }));
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(blocks.at(0)->findChild<QToolButton *>(QStringLiteral("copyCodeButton")),
                      Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), blocks.at(0)->code());
    QVERIFY(QGuiApplication::clipboard()->text().contains(QStringLiteral("return f\"Hello")));
    QScrollBar *bar =
        m_window->findChild<QScrollArea *>(QStringLiteral("transcriptScroll"))->verticalScrollBar();
    QTRY_COMPARE(bar->value(), bar->maximum());
    QTest::qWait(100); // the last layout pass before the picture
    windowtest::saveScreenshot(m_window.get(), QStringLiteral("chat-approval-waiting.png"));

    QTest::mouseClick(first->findChild<QPushButton *>(QStringLiteral("approvalAllowOnce")),
                      Qt::LeftButton);

    // The second edit asks again (allowed once, not for the session), and is denied.
    ui::ApprovalCard *second = waitForOpenCard(1);
    QVERIFY(second);
    QVERIFY(QFile::exists(m_workspace.filePath(QStringLiteral("greet.py"))));
    QTest::keyClicks(second->findChild<QLineEdit *>(QStringLiteral("approvalReasonEdit")),
                     QStringLiteral("keep the notes as they are"));
    QTest::mouseClick(second->findChild<QPushButton *>(QStringLiteral("approvalDeny")),
                      Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(isIdle(), replyTimeoutMs);

    QFile notes(m_workspace.filePath(QStringLiteral("NOTES.md")));
    QVERIFY(notes.open(QIODevice::ReadOnly));
    QCOMPARE(notes.readAll(), QByteArray("# Notes\nNothing yet.\n"));
    QVERIFY(m_window->findChild<QLabel *>(QStringLiteral("errorLine")) == nullptr);
    QVERIFY(m_window->chatView()->assistantText().contains(QStringLiteral("left **NOTES.md**")));

    // The edits show as diffs: the denied one stays open, red, with its removed and added lines.
    const auto cards = m_window->findChildren<ui::ToolCard *>();
    QCOMPARE(cards.size(), 2);
    QVERIFY(!cards.at(0)->isError());
    QVERIFY(cards.at(1)->isError());
    const auto *diff = cards.at(1)->findChild<QLabel *>(QStringLiteral("toolCardDiff"));
    QVERIFY(diff);
    QVERIFY(diff->text().contains(QStringLiteral("-Nothing yet.")));
    QVERIFY(diff->text().contains(QStringLiteral("+Use greet() for every greeting.")));
    cards.at(0)->setExpanded(true);

    // Each decision is in the audit log, and only the allowed call ran.
    const auto approvals = auditLines("approval");
    QCOMPARE(approvals.size(), size_t(2));
    QCOMPARE(QString::fromStdString(approvals[0].value("decision", std::string())),
             QStringLiteral("allow_once"));
    QCOMPARE(QString::fromStdString(approvals[1].value("decision", std::string())),
             QStringLiteral("deny"));
    QCOMPARE(QString::fromStdString(approvals[1].value("user_reason", std::string())),
             QStringLiteral("keep the notes as they are"));
    const auto results = auditLines("tool_result");
    QCOMPARE(results.size(), size_t(2));
    QVERIFY(!results[0].value("is_error", true));
    QVERIFY(results[1].value("is_error", false));
    QVERIFY(QString::fromStdString(results[1].value("output", std::string()))
                .contains(QStringLiteral("denied")));

    bar->setValue(bar->maximum());
    QTest::qWait(100);
    windowtest::saveScreenshot(m_window.get(), QStringLiteral("chat-approvals-answered.png"));
    windowtest::saveScreenshot(m_window->chatView(), QStringLiteral("chat-transcript.png"));
}

int main(int argc, char **argv)
{
    ui::registerUrlSchemes();
    QApplication app(argc, argv);
    TestChatApprovals test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_chatapprovals.moc"
