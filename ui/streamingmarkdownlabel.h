#pragma once

#include <QLabel>
#include <QString>
#include <QTimer>

namespace tandem::ui {

// The assistant's text as Markdown while it streams. Re-rendering the whole document on every
// delta would cost more than the stream itself, so rendering waits for a short pause. HTML
// artifact blocks show as a one-line note: their code lives in the artifact pane. The text is
// the model's, not ours: HTML tags and entity references in it show as written, never as markup.
class StreamingMarkdownLabel : public QLabel
{
    Q_OBJECT

public:
    explicit StreamingMarkdownLabel(QWidget *parent = nullptr);

    void appendText(const QString &delta);

    // The text is complete: render now, and treat an unclosed artifact as cut off.
    void finish();

    QString markdown() const { return m_markdown; }

protected:
    void changeEvent(QEvent *event) override;

private:
    static QString kindOf(const QString &type);
    void render();
    QString toHtml(const QString &markdown) const;

    QString m_markdown;
    QTimer m_renderTimer;
    bool m_finished = false;
};

} // namespace tandem::ui
