#include "ui/chatview.h"

#include "ui/approvalcard.h"
#include "ui/promptedit.h"
#include "ui/streamingmarkdownlabel.h"
#include "ui/toolcard.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>

namespace tandem::ui {

namespace {

// How close to the bottom still counts as "at the bottom", in pixels.
constexpr int followSlack = 24;

QLabel *makeCaption(const QString &text, QWidget *parent)
{
    auto *caption = new QLabel(text, parent);
    caption->setObjectName(QStringLiteral("roleCaption"));
    QFont font = caption->font();
    font.setBold(true);
    caption->setFont(font);
    return caption;
}

QLabel *makeWrappingLabel(const QString &text, const QString &objectName)
{
    auto *label = new QLabel(text);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    return label;
}

// A tinted box around a label; the padding lives in the layout because a label's own padding
// from a style sheet is not counted when its wrapped height is computed.
QFrame *makeBox(QLabel *label, const QString &objectName)
{
    auto *box = new QFrame;
    box->setObjectName(objectName);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->addWidget(label);
    return box;
}

const char *const chatStyle = R"(
#transcript { background: palette(base); }
#roleCaption { color: #4b5563; }
#userBubble { background: #eef2ff; border: 1px solid #c7d2fe; border-radius: 8px; }
#errorBox { background: #fef2f2; border: 1px solid #f87171; border-radius: 6px; }
#errorLine { color: #991b1b; }
#noticeLine, #emptyHint, #activityLabel { color: #6b7280; }
#composer { border-top: 1px solid #d1d5db; }
#emptyHint { font-size: 11pt; }
#sendButton { background: #2563eb; color: white; border: 1px solid #1d4ed8; border-radius: 4px;
              padding: 5px 18px; font-weight: bold; }
#sendButton:hover { background: #1d4ed8; }
#sendButton:disabled { background: #93c5fd; border-color: #93c5fd; }
#stopButton { background: white; color: #b91c1c; border: 1px solid #fca5a5; border-radius: 4px;
              padding: 5px 14px; }
#stopButton:hover { background: #fef2f2; }
#stopButton:disabled { color: #9ca3af; border-color: #e5e7eb; }
)";

} // namespace

ChatView::ChatView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("chatView"));
    setStyleSheet(QString::fromLatin1(chatStyle));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(makeTranscript(), 1);
    layout->addWidget(makeComposer());

    setRunning(false);
}

void ChatView::addUserMessage(const QString &text)
{
    QLabel *message = makeWrappingLabel(text, QStringLiteral("userMessage"));

    m_currentText = nullptr;
    m_followBottom = true;
    addEntry(makeRoleEntry(tr("You"), makeBox(message, QStringLiteral("userBubble"))));
}

void ChatView::appendAssistantText(const QString &delta)
{
    if (!m_currentText) {
        m_currentText = new StreamingMarkdownLabel;
        m_currentText->setObjectName(QStringLiteral("assistantText"));
        addEntry(makeRoleEntry(tr("Tandem"), m_currentText));
    }
    m_currentText->appendText(delta);
}

void ChatView::endAssistantText()
{
    if (m_currentText)
        m_currentText->finish();
    m_currentText = nullptr;
}

void ChatView::addToolCall(const QString &id, const QString &name, const QString &inputJson)
{
    endAssistantText();

    auto *card = new ToolCard(id, name, inputJson);
    m_toolCards.insert(id, card);
    addEntry(card);
}

void ChatView::showToolCallDetails(const QString &id, const QString &detailsJson)
{
    if (const QPointer<ToolCard> card = m_toolCards.value(id))
        card->setNestedCalls(detailsJson);
}

void ChatView::showToolCallImage(const QString &id, const QByteArray &base64)
{
    const QPointer<ToolCard> card = m_toolCards.value(id);
    if (!card)
        return;

    QImage image;
    if (image.loadFromData(QByteArray::fromBase64(base64)))
        card->setScreenshot(image);
}

void ChatView::finishToolCall(const QString &id, const QString &output, bool isError)
{
    const QPointer<ToolCard> card = m_toolCards.take(id);
    if (card)
        card->setResult(output, isError);
}

void ChatView::addError(const QString &message)
{
    endAssistantText();

    QLabel *line = makeWrappingLabel(tr("Error: %1").arg(message), QStringLiteral("errorLine"));
    addEntry(makeBox(line, QStringLiteral("errorBox")));
}

void ChatView::addNotice(const QString &text)
{
    endAssistantText();

    auto *notice = new QLabel(text);
    notice->setObjectName(QStringLiteral("noticeLine"));
    notice->setTextFormat(Qt::PlainText);
    notice->setAlignment(Qt::AlignCenter);
    addEntry(notice);
}

void ChatView::clearTranscript()
{
    endAssistantText();
    m_toolCards.clear();
    // Everything but the trailing stretch, the empty hint included.
    while (m_entries->count() > 1) {
        QLayoutItem *item = m_entries->takeAt(0);
        delete item->widget();
        delete item;
    }
    m_emptyHint = nullptr;
    m_followBottom = true;
}

ApprovalCard *ChatView::addApprovalCard(const approval::ApprovalRequest &request)
{
    endAssistantText();

    auto *card = new ApprovalCard(request);
    if (const QPointer<ToolCard> call = m_toolCards.value(request.callId)) {
        call->setAwaitingApproval(true);
        connect(card, &ApprovalCard::answered, call, [call] { call->setAwaitingApproval(false); });
    }
    // The question needs an answer before anything else happens: bring it into view.
    m_followBottom = true;
    addEntry(card);
    return card;
}

void ChatView::setAskForEveryTool(bool ask)
{
    m_askEveryTool->setChecked(ask);
}

bool ChatView::asksForEveryTool() const
{
    return m_askEveryTool->isChecked();
}

void ChatView::setRunning(bool running)
{
    m_running = running;
    m_send->setEnabled(!running);
    m_stop->setEnabled(running);
    m_activity->setText(running ? tr("Working\u2026") : QString());

    if (running)
        return;

    // However the run ended, a call still running will not report back.
    endAssistantText();
    for (const QPointer<ToolCard> &card : std::as_const(m_toolCards)) {
        if (card)
            card->markStopped();
    }
    m_toolCards.clear();
}

QString ChatView::assistantText() const
{
    QStringList texts;
    const auto labels = findChildren<StreamingMarkdownLabel *>();
    for (const StreamingMarkdownLabel *label : labels)
        texts.append(label->markdown());
    return texts.join(QStringLiteral("\n\n"));
}

QWidget *ChatView::makeTranscript()
{
    auto *transcript = new QWidget;
    transcript->setObjectName(QStringLiteral("transcript"));

    m_entries = new QVBoxLayout(transcript);
    m_entries->setContentsMargins(16, 16, 16, 16);
    m_entries->setSpacing(14);

    m_emptyHint = new QLabel(tr("Ask for a fix, an explanation or a page to look at.\n"
                                "Try \u201cBuild a sales dashboard\u201d."));
    m_emptyHint->setObjectName(QStringLiteral("emptyHint"));
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setWordWrap(true);
    m_entries->addStretch(1);
    m_entries->addWidget(m_emptyHint);
    m_entries->addStretch(2);

    m_scroll = new QScrollArea;
    m_scroll->setObjectName(QStringLiteral("transcriptScroll"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidget(transcript);

    QScrollBar *bar = m_scroll->verticalScrollBar();
    connect(bar, &QScrollBar::rangeChanged, this, &ChatView::followNewContent);
    connect(bar, &QScrollBar::valueChanged, this, &ChatView::noteScrollPosition);
    return m_scroll;
}

QWidget *ChatView::makeComposer()
{
    auto *composer = new QFrame;
    composer->setObjectName(QStringLiteral("composer"));

    m_prompt = new PromptEdit(composer);
    connect(m_prompt, &PromptEdit::submitted, this, &ChatView::submit);

    m_activity = new QLabel(composer);
    m_activity->setObjectName(QStringLiteral("activityLabel"));

    m_stop = new QPushButton(tr("Stop"), composer);
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_stop->setToolTip(tr("Stop the running task (Esc)"));
    connect(m_stop, &QPushButton::clicked, this, &ChatView::stopRequested);

    m_send = new QPushButton(tr("Send"), composer);
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setToolTip(tr("Send the task (Enter)"));
    connect(m_send, &QPushButton::clicked, this, &ChatView::submit);

    m_askEveryTool = new QCheckBox(tr("Ask before every tool"), composer);
    m_askEveryTool->setObjectName(QStringLiteral("askEveryTool"));
    m_askEveryTool->setToolTip(tr("Wait for your approval before each tool call, not only the "
                                  "risky ones"));
    connect(m_askEveryTool, &QCheckBox::toggled, this, &ChatView::askForEveryToolChanged);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_activity, 1);
    buttons->addWidget(m_askEveryTool);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_send);

    auto *layout = new QVBoxLayout(composer);
    layout->setContentsMargins(12, 10, 12, 12);
    layout->setSpacing(8);
    layout->addWidget(m_prompt);
    layout->addLayout(buttons);
    return composer;
}

void ChatView::addToPrompt(const QString &text)
{
    QString prompt = m_prompt->toPlainText();
    if (!prompt.isEmpty() && !prompt.endsWith(u'\n'))
        prompt += QStringLiteral("\n\n");
    m_prompt->setPlainText(prompt + text);
    m_prompt->moveCursor(QTextCursor::End);
    m_prompt->setFocus();
}

QString ChatView::promptText() const
{
    return m_prompt->toPlainText();
}

void ChatView::focusPrompt()
{
    m_prompt->setFocus(Qt::ShortcutFocusReason);
}

void ChatView::submit()
{
    const QString task = m_prompt->toPlainText().trimmed();
    if (m_running || task.isEmpty())
        return;

    m_prompt->clear();
    addUserMessage(task);
    emit sendRequested(task);
}

// New entries go above the trailing stretch, which keeps a short conversation at the top.
void ChatView::addEntry(QWidget *entry)
{
    if (m_emptyHint) {
        delete m_emptyHint;
        m_emptyHint = nullptr;
        delete m_entries->takeAt(0);
    }
    m_entries->insertWidget(m_entries->count() - 1, entry);
}

QWidget *ChatView::makeRoleEntry(const QString &role, QWidget *content)
{
    auto *entry = new QWidget;
    auto *column = new QVBoxLayout(entry);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(4);
    column->addWidget(makeCaption(role, entry));
    column->addWidget(content);
    return entry;
}

void ChatView::followNewContent(int, int maximum)
{
    if (m_followBottom)
        m_scroll->verticalScrollBar()->setValue(maximum);
}

void ChatView::noteScrollPosition(int value)
{
    m_followBottom = value >= m_scroll->verticalScrollBar()->maximum() - followSlack;
}

} // namespace tandem::ui
