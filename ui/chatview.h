#pragma once

#include <QHash>
#include <QPointer>
#include <QString>
#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QScrollArea;
class QVBoxLayout;

namespace tandem::approval {
struct ApprovalRequest;
}

namespace tandem::ui {

class ApprovalCard;
class PromptEdit;
class StreamingMarkdownLabel;
class ToolCard;

// The conversation: the user's tasks, the assistant's streamed Markdown, a card per tool call,
// errors and notices, and the box to write the next task in. It follows the newest entry
// unless the user has scrolled up to read. It does not run anything itself: it asks for runs
// with sendRequested() and stopRequested() and is told what happens.
class ChatView : public QWidget
{
    Q_OBJECT

public:
    explicit ChatView(QWidget *parent = nullptr);

    void addUserMessage(const QString &text);
    void appendAssistantText(const QString &delta);
    void endAssistantText(); // the current text block is complete
    void addToolCall(const QString &id, const QString &name, const QString &inputJson);
    void showToolCallDetails(const QString &id, const QString &detailsJson);
    // A screenshot the call returned, base64 (PNG or JPEG): a thumbnail in its card.
    void showToolCallImage(const QString &id, const QByteArray &base64);
    void finishToolCall(const QString &id, const QString &output, bool isError);
    void addError(const QString &message);
    void addNotice(const QString &text);
    // Empties the transcript, for another session's history to be replayed into it with the
    // calls above (see TranscriptReplay).
    void clearTranscript();

    // A question before a call runs; the caller connects to the card's answer.
    ApprovalCard *addApprovalCard(const approval::ApprovalRequest &request);

    // The "Ask before every tool" switch under the prompt.
    void setAskForEveryTool(bool ask);
    bool asksForEveryTool() const;

    // Puts `text` in the prompt after what the user has written there, for them to finish and
    // send: an artifact's edited version, for example.
    void addToPrompt(const QString &text);
    QString promptText() const;

    // Running: Send is off and Stop on; idle: the other way round, and tool calls still
    // running show that they stopped.
    void setRunning(bool running);
    bool isRunning() const { return m_running; }

    // The assistant's text so far, as Markdown, across the whole conversation.
    QString assistantText() const;

    // For the window's menu: send what the prompt holds, and put the cursor in the prompt.
    void sendPrompt() { submit(); }
    void focusPrompt();

signals:
    void sendRequested(const QString &task);
    void stopRequested();
    void askForEveryToolChanged(bool ask);

private:
    QWidget *makeTranscript();
    QWidget *makeComposer();
    void submit();
    void addEntry(QWidget *entry);
    QWidget *makeRoleEntry(const QString &role, QWidget *content);
    void followNewContent(int minimum, int maximum);
    void noteScrollPosition(int value);

    QScrollArea *m_scroll = nullptr;
    QVBoxLayout *m_entries = nullptr;
    QLabel *m_emptyHint = nullptr;
    PromptEdit *m_prompt = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_stop = nullptr;
    QLabel *m_activity = nullptr;
    QCheckBox *m_askEveryTool = nullptr;
    QPointer<StreamingMarkdownLabel> m_currentText;
    QHash<QString, QPointer<ToolCard>> m_toolCards;
    bool m_running = false;
    bool m_followBottom = true;
};

} // namespace tandem::ui
