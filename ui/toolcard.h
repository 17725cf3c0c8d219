#pragma once

#include <QFrame>
#include <QImage>
#include <QString>

class QLabel;
class QPlainTextEdit;
class QToolButton;

namespace tandem::ui {

class ElidedLabel;

// One tool call in the chat: the tool's name, what it was asked, and its result once it
// arrives. Open while the call runs; folds itself when the call succeeds, stays open and
// turns red when it fails. A call whose run ended before its result came says so, so that
// it is not mistaken for one still running or one that finished.
class ToolCard : public QFrame
{
    Q_OBJECT

public:
    enum class State { Running, Done, Failed, Stopped };

    ToolCard(const QString &id, const QString &name, const QString &inputJson,
             QWidget *parent = nullptr);

    QString id() const { return m_id; }
    QString toolName() const { return m_name; }

    void setResult(const QString &output, bool isError);
    // A script's own calls to host tools, from the code tool's details: one line each, under
    // the result, folded with the card.
    void setNestedCalls(const QString &detailsJson);
    int nestedCallCount() const { return m_nestedCount; }
    // A screenshot the call returned: a thumbnail in the card, full size on a click.
    void setScreenshot(const QImage &image);
    bool hasScreenshot() const { return !m_screenshot.isNull(); }
    void showScreenshot();
    // A running call that waits for the user's approval says so instead of "running".
    void setAwaitingApproval(bool awaiting);
    void markStopped(); // the run ended; a card that has its result keeps it
    State state() const { return m_state; }
    bool hasResult() const { return m_state == State::Done || m_state == State::Failed; }
    bool isError() const { return m_state == State::Failed; }

    void setExpanded(bool expanded);
    bool isExpanded() const;

protected:
    void mousePressEvent(QMouseEvent *event) override;

private:
    static QString statusText(State state);
    static QString awaitingText();
    QWidget *makeHeader(const QString &inputJson);
    QWidget *makeBody(const QString &inputJson);
    QWidget *makeInputView(const QString &inputJson);
    void updateLook();

    QString m_id;
    QString m_name;
    State m_state = State::Running;
    QWidget *m_header = nullptr;
    QToolButton *m_toggle = nullptr;
    ElidedLabel *m_summary = nullptr;
    QLabel *m_status = nullptr;
    QWidget *m_body = nullptr;
    QLabel *m_outputCaption = nullptr;
    QPlainTextEdit *m_output = nullptr;
    int m_nestedCount = 0;
    QImage m_screenshot;
    bool m_awaitingApproval = false;
};

} // namespace tandem::ui
