#pragma once

#include "ui/markdownblocks.h"

#include <QList>
#include <QString>
#include <QTimer>
#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace tandem::ui {

// The assistant's text as Markdown while it streams, rendered by Qt's own Markdown parser (md4c
// inside QTextDocument). The reply is cut at its fenced code blocks: prose pieces are labels,
// code blocks are CodeBlockViews with colours and a Copy button. Rendering waits for a short
// pause in the stream, and then only the pieces that changed (in practice the last one) are
// set again, so the text above never reflows while the reply grows. HTML artifact blocks show
// as a one-line note: their code lives in the artifact pane. The text is the model's, not
// ours: HTML tags and entity references in it show as written, never as markup.
class StreamingMarkdownLabel : public QWidget
{
    Q_OBJECT

public:
    explicit StreamingMarkdownLabel(QWidget *parent = nullptr);

    void appendText(const QString &delta);

    // The text is complete: render now, and treat an unclosed artifact as cut off.
    void finish();

    QString markdown() const { return m_markdown; }

    // What shows the text, top to bottom: prose labels and code blocks' text labels.
    QList<QLabel *> textLabels() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    static QString kindOf(const QString &type);
    void render();
    void showBlock(qsizetype index, const MarkdownBlock &block);
    QWidget *makePiece(const MarkdownBlock &block);
    QString toHtml(const QString &markdown) const;

    struct Piece
    {
        MarkdownBlock block;
        QWidget *widget = nullptr;
    };

    QVBoxLayout *m_layout = nullptr;
    QList<Piece> m_pieces;
    QString m_markdown;
    QTimer m_renderTimer;
    bool m_finished = false;
};

} // namespace tandem::ui
