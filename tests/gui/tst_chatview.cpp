#include "ui/approvalbridge.h"
#include "ui/approvalcard.h"
#include "ui/chatview.h"
#include "ui/codeblockview.h"
#include "ui/codehighlighter.h"
#include "ui/editdiff.h"
#include "ui/promptedit.h"
#include "ui/streamingmarkdownlabel.h"
#include "ui/toolcard.h"

#include <QBuffer>
#include <QClipboard>
#include <QDialog>
#include <QElapsedTimer>
#include <QFontInfo>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QThread>
#include <QToolButton>

#include <atomic>

using tandem::ui::ApprovalCard;
using tandem::ui::ChatView;
using tandem::ui::CodeBlockView;
using tandem::ui::CodeHighlighter;
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
    void replyShowsEveryCharacter_data();
    void replyShowsEveryCharacter();
    void toolCard_data();
    void toolCard();
    void scriptCardListsItsNestedCallsFolded();
    void runEndStopsRunningToolCalls_data();
    void runEndStopsRunningToolCalls();
    void toolCardStatusFitsThePane_data();
    void toolCardStatusFitsThePane();
    void followsTheBottomUnlessScrolledUp();
    void codeBlocksAreHighlightedAndCopied();
    void streamingRendersOnlyTheLastPiece();
    void streamingKeepsAScrolledUpReaderInPlace();
    void editsShowAsDiffs_data();
    void editsShowAsDiffs();
    void screenshotsShowAsThumbnails();
    void bridgeCarriesTheAnswerAcrossThreads();
    void stopWithdrawsAWaitingCard();
    void approvalCardAnswers_data();
    void approvalCardAnswers();

private:
    static QString shownText(const StreamingMarkdownLabel *reply);
    static QStringList shownCode(const StreamingMarkdownLabel *reply);
    static QLabel *statusLabel(const ToolCard *card);
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

// What the labels' own documents hold once they have laid out their text: what the user sees,
// one line between pieces.
QString TestChatView::shownText(const StreamingMarkdownLabel *reply)
{
    QStringList pieces;
    for (const QLabel *label : reply->textLabels()) {
        const auto *document = label->findChild<QTextDocument *>();
        if (document)
            pieces.append(document->toPlainText());
    }
    return pieces.join(u'\n');
}

// The runs of text set in a fixed-pitch font, one entry per run.
QStringList TestChatView::shownCode(const StreamingMarkdownLabel *reply)
{
    QStringList runs;
    for (const QLabel *label : reply->textLabels()) {
        const auto *document = label->findChild<QTextDocument *>();
        if (!document)
            continue;
        const bool fixedLabel = QFontInfo(label->font()).fixedPitch();
        for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
            for (auto it = block.begin(); !it.atEnd(); ++it) {
                const QTextCharFormat format = it.fragment().charFormat();
                if (fixedLabel || format.fontFixedPitch() || QFontInfo(format.font()).fixedPitch())
                    runs.append(it.fragment().text());
            }
        }
    }
    return runs;
}

QLabel *TestChatView::statusLabel(const ToolCard *card)
{
    return card->findChild<QLabel *>(QStringLiteral("toolCardStatus"));
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
    QVERIFY(shownText(label).isEmpty());

    QTRY_COMPARE(shownText(label), QStringLiteral("Some bold text"));
}

void TestChatView::artifactBlocksFoldToANote()
{
    m_chat->appendAssistantText(QStringLiteral("Here:\n```html\n<title>Sales</title>\n"));
    auto *label = m_chat->findChild<StreamingMarkdownLabel *>();
    QTRY_VERIFY(shownText(label).contains(QStringLiteral("Writing a page")));

    m_chat->appendAssistantText(QStringLiteral("<p>x</p>\n```"));
    m_chat->endAssistantText();

    QTRY_VERIFY(shownText(label).contains(QStringLiteral("Sales")));
    QVERIFY(!shownText(label).contains(QStringLiteral("<p>")));
    QVERIFY(label->markdown().contains(QStringLiteral("<p>x</p>")));
}

void TestChatView::replyShowsEveryCharacter_data()
{
    QTest::addColumn<QString>("reply");
    QTest::addColumn<QString>("shown");
    QTest::addColumn<QStringList>("code");

    QTest::newRow("generic type")
        << QStringLiteral("In Java use List<String> for names.\nThe rest follows.\n\nAnd more.")
        << QStringLiteral("In Java use List<String> for names. The rest follows.\nAnd more.")
        << QStringList();
    QTest::newRow("image tag") << QStringLiteral("A raw <img src=x> tag.\nText after it.")
                               << QStringLiteral("A raw <img src=x> tag. Text after it.")
                               << QStringList();
    QTest::newRow("script block") << QStringLiteral("<script>alert(1)</script>\nStill here.")
                                  << QStringLiteral("<script>alert(1)</script> Still here.")
                                  << QStringList();
    QTest::newRow("inline code") << QStringLiteral("Compare with `a < b && c`, then <b>go</b>.")
                                 << QStringLiteral("Compare with a < b && c, then <b>go</b>.")
                                 << QStringList{QStringLiteral("a < b && c")};
    QTest::newRow("fenced code")
        << QStringLiteral("```\n<div class=\"x\">&amp; &lt;</div>\n```\nAfter <div>.")
        << QStringLiteral("<div class=\"x\">&amp; &lt;</div>\nAfter <div>.")
        << QStringList{QStringLiteral("<div class=\"x\">&amp; &lt;</div>")};
    QTest::newRow("ampersand and entity")
        << QStringLiteral("Fish & chips; &lt; &#60; &#x3c; &amp; as written.")
        << QStringLiteral("Fish & chips; &lt; &#60; &#x3c; &amp; as written.") << QStringList();
    QTest::newRow("escaped ampersand")
        << QStringLiteral("An escaped \\&lt; and \\\\&lt;.")
        << QStringLiteral("An escaped &lt; and \\&lt;.") << QStringList();
}

void TestChatView::replyShowsEveryCharacter()
{
    QFETCH(QString, reply);
    QFETCH(QString, shown);
    QFETCH(QStringList, code);

    m_chat->appendAssistantText(reply);
    m_chat->endAssistantText();

    auto *label = m_chat->findChild<StreamingMarkdownLabel *>();
    QTRY_COMPARE(shownText(label), shown);
    QCOMPARE(shownCode(label), code);
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

void TestChatView::scriptCardListsItsNestedCallsFolded()
{
    m_chat->addToolCall(QStringLiteral("toolu_s"), QStringLiteral("code_execution"),
                        QStringLiteral(R"({"language":"python","code":"import tandem_tools"})"));
    m_chat->showToolCallDetails(
        QStringLiteral("toolu_s"),
        QStringLiteral(
            R"({"run":"r1","calls":[)"
            R"({"tool":"compute_kpis","input":"{\"rows\":[]}","outcome":"ok","message":""},)"
            R"({"tool":"git_push","input":"{}","outcome":"not_allowed",)"
            R"("message":"no tool named git_push may be called from code"}]})"));
    m_chat->finishToolCall(QStringLiteral("toolu_s"),
                           QStringLiteral("stdout:\nok\nexit status: 0\n"), false);

    auto *card = m_chat->findChild<ToolCard *>();
    QVERIFY(card);
    QCOMPARE(card->nestedCallCount(), 2);
    QVERIFY(!card->isExpanded()); // folded with the card once the script succeeded
    const auto boxes = card->findChildren<QPlainTextEdit *>();
    QVERIFY(std::any_of(boxes.begin(), boxes.end(), [](const QPlainTextEdit *box) {
        const QString text = box->toPlainText();
        return text.contains(QStringLiteral("\u2713 compute_kpis"))
               && text.contains(QStringLiteral("\u2717 git_push({})  \u2014 not_allowed"));
    }));
    const auto labels = card->findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.begin(), labels.end(), [](const QLabel *label) {
        return label->text() == QStringLiteral("2 tool call(s) from the script");
    }));
}

void TestChatView::runEndStopsRunningToolCalls_data()
{
    QTest::addColumn<QString>("notice");
    QTest::addColumn<QString>("error");

    QTest::newRow("stopped") << QStringLiteral("Stopped.") << QString();
    QTest::newRow("failed") << QString() << QStringLiteral("The connection was lost.");
    QTest::newRow("finished") << QString() << QString();
}

void TestChatView::runEndStopsRunningToolCalls()
{
    QFETCH(QString, notice);
    QFETCH(QString, error);

    m_chat->setRunning(true);
    m_chat->addToolCall(QStringLiteral("toolu_1"), QStringLiteral("bash"),
                        QStringLiteral(R"({"command":"ls"})"));
    m_chat->finishToolCall(QStringLiteral("toolu_1"), QStringLiteral("README.md"), false);
    m_chat->addToolCall(QStringLiteral("toolu_2"), QStringLiteral("bash"),
                        QStringLiteral(R"({"command":"sleep 60"})"));
    const auto cards = m_chat->findChildren<ToolCard *>();
    QCOMPARE(cards.size(), 2);
    ToolCard *done = cards.at(0);
    ToolCard *cut = cards.at(1);
    QCOMPARE(statusLabel(cut)->text(), QStringLiteral("running\u2026"));

    if (!notice.isEmpty())
        m_chat->addNotice(notice);
    if (!error.isEmpty())
        m_chat->addError(error);
    m_chat->setRunning(false);

    QCOMPARE(cut->state(), ToolCard::State::Stopped);
    QVERIFY(!cut->hasResult());
    QCOMPARE(statusLabel(cut)->text(), QStringLiteral("stopped"));
    QVERIFY(cut->styleSheet() != done->styleSheet());
    QCOMPARE(done->state(), ToolCard::State::Done);
    QCOMPARE(statusLabel(done)->text(), QStringLiteral("done"));

    // Nothing the stopped run still says may bring the card back to life.
    m_chat->finishToolCall(QStringLiteral("toolu_2"), QStringLiteral("late"), false);
    QCOMPARE(cut->state(), ToolCard::State::Stopped);
}

void TestChatView::toolCardStatusFitsThePane_data()
{
    QTest::addColumn<int>("paneWidth");

    QTest::newRow("narrow") << 320;
    QTest::newRow("default") << 400;
    QTest::newRow("wide") << 700;
}

// The longest tool name and a scrollbar, as in a long conversation.
void TestChatView::toolCardStatusFitsThePane()
{
    QFETCH(int, paneWidth);

    m_chat->resize(paneWidth, 400);
    for (int i = 0; i < 20; ++i)
        m_chat->addNotice(QStringLiteral("notice %1").arg(i));
    m_chat->addToolCall(
        QStringLiteral("toolu_1"), QStringLiteral("str_replace_based_edit_tool"),
        QStringLiteral(R"({"command":"view","path":"/work/project/src/long/path/to/file.cpp"})"));

    auto *scroll = m_chat->findChild<QScrollArea *>();
    QTRY_VERIFY(scroll->verticalScrollBar()->isVisible());
    QLabel *status = statusLabel(m_chat->findChild<ToolCard *>());
    QCOMPARE(status->text(), QStringLiteral("running\u2026"));

    QTRY_VERIFY(status->contentsRect().width()
                >= status->fontMetrics().horizontalAdvance(status->text()));
    const QWidget *viewport = scroll->viewport();
    const int left = status->mapTo(viewport, QPoint(0, 0)).x();
    QVERIFY2(left >= 0 && left + status->width() <= viewport->width(),
             qPrintable(QStringLiteral("status at %1..%2, viewport %3 wide")
                            .arg(left)
                            .arg(left + status->width())
                            .arg(viewport->width())));
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

void TestChatView::codeBlocksAreHighlightedAndCopied()
{
    m_chat->appendAssistantText(QStringLiteral("Run this:\n\n```python\ndef area(r):\n"
                                               "    return 3.14 * r * r  # circle\n```\n\nDone."));
    m_chat->endAssistantText();

    auto *reply = m_chat->findChild<StreamingMarkdownLabel *>();
    const auto blocks = reply->findChildren<CodeBlockView *>();
    QCOMPARE(blocks.size(), 1);
    QCOMPARE(blocks.first()->language(), QStringLiteral("python"));
    QTRY_COMPARE(
        shownText(reply),
        QStringLiteral("Run this:\ndef area(r):\n    return 3.14 * r * r  # circle\nDone."));

    // Keywords, numbers and comments each get a colour of their own.
    const QString html = CodeHighlighter::toHtml(blocks.first()->code(), QStringLiteral("py"));
    QVERIFY(html.contains(QStringLiteral(">def</span>")));
    QVERIFY(html.contains(QStringLiteral(">3.14</span>")));
    QVERIFY(html.contains(QStringLiteral(">#&nbsp;circle</span>"))
            || html.contains(QStringLiteral("># circle</span>")));

    QGuiApplication::clipboard()->clear();
    auto *copy = blocks.first()->findChild<QToolButton *>(QStringLiteral("copyCodeButton"));
    QVERIFY(copy);
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(),
             QStringLiteral("def area(r):\n    return 3.14 * r * r  # circle"));
}

void TestChatView::streamingRendersOnlyTheLastPiece()
{
    m_chat->appendAssistantText(QStringLiteral("First part.\n\n```cpp\nint x = 1;\n```\n\nTail"));
    auto *reply = m_chat->findChild<StreamingMarkdownLabel *>();
    QTRY_COMPARE(reply->textLabels().size(), 3);
    const QList<QLabel *> before = reply->textLabels();
    const QString firstHtml = before.at(0)->text();

    for (int i = 0; i < 5; ++i) {
        m_chat->appendAssistantText(QStringLiteral(" grows"));
        QTRY_VERIFY(shownText(reply).endsWith(QStringLiteral("Tail")
                                              + QStringLiteral(" grows").repeated(i + 1)));
    }

    // The same widgets, the first untouched; only the tail took the new text.
    const QList<QLabel *> after = reply->textLabels();
    QCOMPARE(after, before);
    QCOMPARE(after.at(0)->text(), firstHtml);
}

void TestChatView::streamingKeepsAScrolledUpReaderInPlace()
{
    m_chat->resize(500, 400);
    QScrollBar *bar = m_chat->findChild<QScrollArea *>()->verticalScrollBar();
    for (int i = 0; i < 20; ++i)
        m_chat->appendAssistantText(QStringLiteral("Paragraph %1 of a long reply, long enough to "
                                                   "wrap in a narrow pane.\n\n")
                                        .arg(i));
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());

    // The reader scrolls up to read while the reply goes on, code blocks and all.
    const int readingAt = bar->maximum() / 3;
    bar->setValue(readingAt);
    int largestJump = 0;
    int previousMaximum = bar->maximum();
    for (int i = 0; i < 40; ++i) {
        m_chat->appendAssistantText(i % 10 == 0   ? QStringLiteral("```cpp\nint y = %1;\n").arg(i)
                                    : i % 10 == 5 ? QStringLiteral("```\n\n")
                                                  : QStringLiteral("More words %1. ").arg(i));
        QTest::qWait(20);
        largestJump = std::max(largestJump, std::abs(bar->value() - readingAt));
    }
    m_chat->endAssistantText();
    QTest::qWait(100);
    QVERIFY(bar->maximum() > previousMaximum);
    QCOMPARE(largestJump, 0);
    QCOMPARE(bar->value(), readingAt);

    // Back at the bottom, it follows the reply again.
    bar->setValue(bar->maximum());
    previousMaximum = bar->maximum();
    m_chat->appendAssistantText(QStringLiteral("\n\nA last paragraph.\n\nAnd one more."));
    m_chat->endAssistantText();
    QTRY_VERIFY(bar->maximum() > previousMaximum);
    QTRY_COMPARE(bar->value(), bar->maximum());
}

void TestChatView::editsShowAsDiffs_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QStringList>("removed");
    QTest::addColumn<QStringList>("added");

    QTest::newRow("replace one of three lines")
        << R"({"command":"str_replace","path":"a.py","old_str":"x = 1\ny = 2\nz = 3\n",
               "new_str":"x = 1\ny = 20\nz = 3\n"})"
        << QStringList{QStringLiteral("y = 2")} << QStringList{QStringLiteral("y = 20")};
    QTest::newRow("create") << R"({"command":"create","path":"b.txt","file_text":"one\ntwo\n"})"
                            << QStringList()
                            << QStringList{QStringLiteral("one"), QStringLiteral("two")};
    QTest::newRow("insert") << R"({"command":"insert","path":"c.txt","insert_line":3,
                                  "new_str":"added"})"
                            << QStringList() << QStringList{QStringLiteral("added")};
}

void TestChatView::editsShowAsDiffs()
{
    QFETCH(QString, input);
    QFETCH(QStringList, removed);
    QFETCH(QStringList, added);

    const auto diff =
        tandem::ui::EditDiff::fromEditorInput(QJsonDocument::fromJson(input.toUtf8()).object());
    QVERIFY(diff);
    QStringList shownRemoved;
    QStringList shownAdded;
    for (const auto &line : diff->lines()) {
        if (line.kind == tandem::ui::EditDiff::Kind::Removed)
            shownRemoved.append(line.text);
        if (line.kind == tandem::ui::EditDiff::Kind::Added)
            shownAdded.append(line.text);
    }
    QCOMPARE(shownRemoved, removed);
    QCOMPARE(shownAdded, added);

    m_chat->addToolCall(QStringLiteral("e1"), QStringLiteral("str_replace_based_edit_tool"), input);
    const auto *shown = m_chat->findChild<QLabel *>(QStringLiteral("toolCardDiff"));
    QVERIFY(shown);
    for (const QString &line : added)
        QVERIFY(shown->text().contains(QStringLiteral("+") + line.toHtmlEscaped()));

    // Viewing a file changes nothing: its input shows as it is.
    QVERIFY(!tandem::ui::EditDiff::fromEditorInput(
        QJsonDocument::fromJson(R"({"command":"view","path":"a.py"})").object()));
}

void TestChatView::screenshotsShowAsThumbnails()
{
    QImage screen(800, 500, QImage::Format_RGB32);
    screen.fill(QColor(30, 120, 200));
    QByteArray png;
    QBuffer buffer(&png);
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    QVERIFY(screen.save(&buffer, "PNG"));

    m_chat->addToolCall(QStringLiteral("s1"), QStringLiteral("computer"),
                        QStringLiteral(R"({"action":"screenshot"})"));
    m_chat->showToolCallImage(QStringLiteral("s1"), png.toBase64());
    m_chat->finishToolCall(QStringLiteral("s1"), QStringLiteral("ok"), false);

    auto *card = m_chat->findChild<ToolCard *>();
    QVERIFY(card->hasScreenshot());
    card->setExpanded(true);
    auto *thumbnail = card->findChild<QToolButton *>(QStringLiteral("toolCardScreenshot"));
    QVERIFY(thumbnail);
    QVERIFY(thumbnail->iconSize().width() <= 240 && thumbnail->iconSize().height() <= 160);

    QTest::mouseClick(thumbnail, Qt::LeftButton);
    auto *dialog = m_chat->window()->findChild<QDialog *>(QStringLiteral("screenshotDialog"));
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    const auto pictures = dialog->findChildren<QLabel *>();
    QVERIFY(std::any_of(pictures.begin(), pictures.end(), [](const QLabel *label) {
        return label->pixmap().size() == QSize(800, 500);
    }));
    dialog->close();
}

namespace {

tandem::approval::ApprovalRequest pushRequest()
{
    return {QStringLiteral("c1"),
            QStringLiteral("bash"),
            QStringLiteral("git push origin main"),
            QStringLiteral("The command contains \u201cgit push\u201d."),
            QStringLiteral("command:git push"),
            QStringLiteral("bash commands matching git push")};
}

} // namespace

// The agent's thread blocks in ask() while the card waits on this one.
void TestChatView::bridgeCarriesTheAnswerAcrossThreads()
{
    tandem::ui::ApprovalBridge bridge(m_chat);
    tandem::base::CancelToken cancel;
    std::atomic<int> choice{-1};
    QThread *agent =
        QThread::create([&] { choice = int(bridge.ask(pushRequest(), cancel).choice); });
    agent->start();

    QTRY_VERIFY(m_chat->findChild<ApprovalCard *>());
    QCOMPARE(choice.load(), -1);
    auto *card = m_chat->findChild<ApprovalCard *>();
    QTest::mouseClick(card->findChild<QPushButton *>(QStringLiteral("approvalAllowSession")),
                      Qt::LeftButton);
    QVERIFY(agent->wait(5000));
    delete agent;
    QCOMPARE(choice.load(), int(tandem::approval::ApprovalAnswer::Choice::AllowForSession));
}

void TestChatView::stopWithdrawsAWaitingCard()
{
    tandem::ui::ApprovalBridge bridge(m_chat);
    tandem::base::CancelToken cancel;
    std::atomic<int> choice{-1};
    QThread *agent =
        QThread::create([&] { choice = int(bridge.ask(pushRequest(), cancel).choice); });
    agent->start();
    QTRY_VERIFY(m_chat->findChild<ApprovalCard *>());

    QElapsedTimer stopping;
    stopping.start();
    cancel.cancel();
    QVERIFY(agent->wait(5000));
    QVERIFY2(stopping.elapsed() < 500, qPrintable(QString::number(stopping.elapsed())));
    delete agent;
    QCOMPARE(choice.load(), int(tandem::approval::ApprovalAnswer::Choice::Cancelled));

    auto *card = m_chat->findChild<ApprovalCard *>();
    QTRY_VERIFY(!card->isOpen());
    QVERIFY(card->findChild<QLabel *>(QStringLiteral("approvalWithdrawn")));
}

void TestChatView::approvalCardAnswers_data()
{
    QTest::addColumn<QString>("button");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<int>("choice");
    QTest::addColumn<QString>("shown");

    using Choice = tandem::approval::ApprovalAnswer::Choice;
    QTest::newRow("once") << "approvalAllowOnce"
                          << "" << int(Choice::AllowOnce) << "Allowed once.";
    QTest::newRow("session") << "approvalAllowSession"
                             << "" << int(Choice::AllowForSession) << "Allowed for this session.";
    QTest::newRow("deny") << "approvalDeny"
                          << "" << int(Choice::Deny) << "Denied.";
    QTest::newRow("deny with reason")
        << "approvalDeny"
        << "not on main" << int(Choice::Deny) << "Denied: not on main";
}

void TestChatView::approvalCardAnswers()
{
    QFETCH(QString, button);
    QFETCH(QString, reason);
    QFETCH(int, choice);
    QFETCH(QString, shown);

    m_chat->addToolCall(QStringLiteral("c1"), QStringLiteral("bash"),
                        QStringLiteral(R"({"command":"git push origin main"})"));
    ApprovalCard *card = m_chat->addApprovalCard(pushRequest());
    QLabel *status = statusLabel(m_chat->findChild<ToolCard *>());
    QCOMPARE(status->text(), QStringLiteral("awaiting approval"));
    QSignalSpy answered(card, &ApprovalCard::answered);
    QTest::keyClicks(card->findChild<QLineEdit *>(QStringLiteral("approvalReasonEdit")), reason);
    QTest::mouseClick(card->findChild<QPushButton *>(button), Qt::LeftButton);

    QCOMPARE(answered.size(), 1);
    const auto answer = answered.at(0).at(0).value<tandem::approval::ApprovalAnswer>();
    QCOMPARE(int(answer.choice), choice);
    QCOMPARE(answer.reason,
             choice == int(tandem::approval::ApprovalAnswer::Choice::Deny) ? reason : QString());
    QVERIFY(!card->isOpen());
    QCOMPARE(status->text(), QStringLiteral("running\u2026"));
    const QString outcomeName = button == QLatin1String("approvalDeny")
                                    ? QStringLiteral("approvalDenied")
                                    : QStringLiteral("approvalAllowed");
    const auto *outcome = card->findChild<QLabel *>(outcomeName);
    QVERIFY(outcome);
    QCOMPARE(outcome->text(), shown);

    // A second click changes nothing.
    QTest::mouseClick(card->findChild<QPushButton *>(button), Qt::LeftButton);
    QCOMPARE(answered.size(), 1);
}

QTEST_MAIN(TestChatView)

#include "tst_chatview.moc"
