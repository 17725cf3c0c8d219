#pragma once

#include <QLabel>
#include <QString>
#include <QTimer>

namespace tandem::ui {

// The assistant's text as Markdown while it streams. Re-rendering the whole document on every
// delta would cost more than the stream itself, so rendering waits for a short pause. HTML
// artifact blocks show as a one-line note: their code lives in the artifact pane.
class StreamingMarkdownLabel : public QLabel
{
    Q_OBJECT

public:
    explicit StreamingMarkdownLabel(QWidget *parent = nullptr);

    void appendText(const QString &delta);

    // The text is complete: render now, and treat an unclosed artifact as cut off.
    void finish();

    QString markdown() const { return m_markdown; }

private:
    void render();

    QString m_markdown;
    QTimer m_renderTimer;
    bool m_finished = false;
};

} // namespace tandem::ui
