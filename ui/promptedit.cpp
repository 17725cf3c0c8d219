#include "ui/promptedit.h"

#include <QKeyEvent>

namespace tandem::ui {

namespace {

constexpr int visibleLines = 3;

} // namespace

PromptEdit::PromptEdit(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("promptEdit"));
    setTabChangesFocus(true);
    setPlaceholderText(tr("Ask Tandem to change code or build a page. "
                          "Enter sends, Shift+Enter starts a new line."));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QSize PromptEdit::sizeHint() const
{
    const int margins = 2 * (frameWidth() + int(document()->documentMargin()));
    return {QPlainTextEdit::sizeHint().width(),
            visibleLines * fontMetrics().lineSpacing() + margins};
}

void PromptEdit::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !(event->modifiers() & Qt::ShiftModifier)) {
        event->accept();
        emit submitted();
        return;
    }

    if (enter) {
        // Shift+Enter would insert a line separator, which the model sees as odd whitespace.
        insertPlainText(QStringLiteral("\n"));
        event->accept();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

} // namespace tandem::ui
