#include "ui/chatview.h"
#include "ui/promptedit.h"
#include "ui/streamingmarkdownlabel.h"
#include "ui/toolcard.h"

#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

using tandem::ui::ChatView;
using tandem::ui::PromptEdit;
using tandem::ui::StreamingMarkdownLabel;
using tandem::ui::ToolCard;

class TestChatView : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void enterSendsShiftEnterBreaksTheLine();
    void buttonsFollowTheRunningState();
    void markdownRendersAfterAPause();
    void artifactBlocksFoldToANote();
    void toolCard_data();
    void toolCard();
    void followsTheBottomUnlessScrolledUp();

private:
    PromptEdit *prompt() const { return m_chat->findChild<PromptEdit *>(); }
    QPushButton *button(const char *name) const
    {
        return m_chat->findChild<QPushButton *>(QLatin1String(name));
    }

    ChatView *m_chat = nullptr;
};

void TestChatView::init()
{
    m_chat = new ChatView;
    m_chat->resize(520, 600);
    m_chat->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_chat));
}

void TestChatView::cleanup()
{
    delete m_chat;
    m_chat = nullptr;
}

void TestChatView::enterSendsShiftEnterBreaksTheLine()
{
    QSignalSpy sent(m_chat, &ChatView::sendRequested);

    QTest::keyClicks(prompt(), QStringLiteral("first line"));
    QTest::keyClick(prompt(), Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(prompt(), QStringLiteral("second line"));
    QCOMPARE(sent.count(), 0);
    QCOMPARE(prompt()->toPlainText(), QStringLiteral("first line\nsecond line"));

    QTest::keyClick(prompt(), Qt::Key_Return);
    QCOMPARE(sent.count(), 1);
    QCOMPARE(sent.constFirst().at(0).toString(), QStringLiteral("first line\nsecond line"));
    QVERIFY(prompt()->toPlainText().isEmpty());
}

void TestChatView::buttonsFollowTheRunningState()
{
    QSignalSpy sent(m_chat, &ChatView::sendRequested);
    QSignalSpy stopped(m_chat, &ChatView::stopRequested);
    QVERIFY(button("sendButton")->isEnabled());
    QVERIFY(!button("stopButton")->isEnabled());

    m_chat->setRunning(true);
    QVERIFY(!button("sendButton")->isEnabled());
    QVERIFY(button("stopButton")->isEnabled());

    // One run at a time: Enter while running keeps the text for later.
    QTest::keyClicks(prompt(), QStringLiteral("next task"));
    QTest::keyClick(prompt(), Qt::Key_Return);
    QCOMPARE(sent.count(), 0);
    QCOMPARE(prompt()->toPlainText(), QStringLiteral("next task"));

    QTest::mouseClick(button("stopButton"), Qt::LeftButton);
    QCOMPARE(stopped.count(), 1);
}

void TestChatView::markdownRendersAfterAPause()
{
    m_chat->appendAssistantText(QStringLiteral("Some **bold"));
    m_chat->appendAssistantText(QStringLiteral("** text"));

    auto *label = m_chat->findChild<StreamingMarkdownLabel *>();
    QVERIFY(label);
    QCOMPARE(label->markdown(), QStringLiteral("Some **bold** text"));
    QVERIFY(label->text().isEmpty());

    QTRY_COMPARE(label->text(), QStringLiteral("Some **bold** text"));
}

void TestChatView::artifactBlocksFoldToANote()
{
    m_chat->appendAssistantText(QStringLiteral("Here:\n```html\n<title>Sales</title>\n"));
    auto *label = m_chat->findChild<StreamingMarkdownLabel *>();
    QTRY_VERIFY(label->text().contains(QStringLiteral("Writing a page")));

    m_chat->appendAssistantText(QStringLiteral("<p>x</p>\n```"));
    m_chat->endAssistantText();

    QVERIFY(label->text().contains(QStringLiteral("Sales")));
    QVERIFY(!label->text().contains(QStringLiteral("<p>")));
    QVERIFY(label->markdown().contains(QStringLiteral("<p>x</p>")));
}

void TestChatView::toolCard_data()
{
    QTest::addColumn<bool>("isError");
    QTest::addColumn<bool>("expandedAfter");
    QTest::addColumn<QString>("status");

    QTest::newRow("success folds") << false << false << QStringLiteral("done");
    QTest::newRow("error stays open") << true << true << QStringLiteral("failed");
}

void TestChatView::toolCard()
{
    QFETCH(bool, isError);
    QFETCH(bool, expandedAfter);
    QFETCH(QString, status);

    m_chat->appendAssistantText(QStringLiteral("Let me look."));
    m_chat->addToolCall(QStringLiteral("toolu_1"), QStringLiteral("bash"),
                        QStringLiteral(R"({"command":"ls -la"})"));

    auto *card = m_chat->findChild<ToolCard *>();
    QVERIFY(card);
    QCOMPARE(card->toolName(), QStringLiteral("bash"));
    QVERIFY(card->isExpanded());
    QVERIFY(!card->hasResult());

    m_chat->finishToolCall(QStringLiteral("toolu_1"), QStringLiteral("total 0"), isError);
    QVERIFY(card->hasResult());
    QCOMPARE(card->isError(), isError);
    QCOMPARE(card->isExpanded(), expandedAfter);
    QCOMPARE(card->styleSheet().contains(QStringLiteral("#dc2626")), isError);
    const auto labels = card->findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.begin(), labels.end(),
                        [&status](const QLabel *label) { return label->text() == status; }));

    // Text after the call starts a new block below the card.
    m_chat->appendAssistantText(QStringLiteral("Done."));
    QCOMPARE(m_chat->findChildren<StreamingMarkdownLabel *>().size(), 2);
}

void TestChatView::followsTheBottomUnlessScrolledUp()
{
    QScrollBar *bar = m_chat->findChild<QScrollArea *>()->verticalScrollBar();
    for (int i = 0; i < 30; ++i)
        m_chat->addNotice(QStringLiteral("notice %1").arg(i));
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());

    bar->setValue(0);
    for (int i = 0; i < 10; ++i)
        m_chat->addNotice(QStringLiteral("later %1").arg(i));
    QTest::qWait(50);
    QCOMPARE(bar->value(), 0);

    m_chat->addUserMessage(QStringLiteral("a new task follows the bottom again"));
    QTRY_COMPARE(bar->value(), bar->maximum());
}

QTEST_MAIN(TestChatView)

#include "tst_chatview.moc"
