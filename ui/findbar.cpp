#include "ui/findbar.h"

#include <Qsci/qsciscintilla.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace tandem::ui {

FindBar::FindBar(QsciScintilla *editor, QWidget *parent)
    : QWidget(parent)
    , m_editor(editor)
{
    setObjectName(QStringLiteral("findBar"));
    m_field = new QLineEdit(this);
    m_field->setObjectName(QStringLiteral("findField"));
    m_field->setPlaceholderText(tr("Find in the artifact's code"));
    m_field->setClearButtonEnabled(true);
    m_outcome = new QLabel(this);
    m_outcome->setObjectName(QStringLiteral("findOutcome"));

    auto *previous = new QToolButton(this);
    previous->setArrowType(Qt::UpArrow);
    previous->setToolTip(tr("Previous match (Shift+Enter)"));
    auto *next = new QToolButton(this);
    next->setArrowType(Qt::DownArrow);
    next->setToolTip(tr("Next match (Enter)"));
    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("\u2715"));
    close->setToolTip(tr("Close"));

    connect(m_field, &QLineEdit::textEdited, this, [this] { find(true, true); });
    connect(m_field, &QLineEdit::returnPressed, this, [this] { find(true, false); });
    connect(next, &QToolButton::clicked, this, [this] { find(true, false); });
    connect(previous, &QToolButton::clicked, this, [this] { find(false, false); });
    connect(close, &QToolButton::clicked, this, &QWidget::hide);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_field, 1);
    layout->addWidget(previous);
    layout->addWidget(next);
    layout->addWidget(m_outcome);
    layout->addWidget(close);
    hide();
}

void FindBar::open()
{
    if (m_editor && m_editor->hasSelectedText() && !m_editor->selectedText().contains('\n'))
        m_field->setText(m_editor->selectedText());
    show();
    m_field->setFocus();
    m_field->selectAll();
}

void FindBar::find(bool forward, bool fromStart)
{
    const QString text = m_field->text();
    if (text.isEmpty() || !m_editor || m_editor->text().isEmpty()) {
        m_outcome->setText(m_editor && m_editor->text().isEmpty() && !text.isEmpty()
                               ? tr("No artifact yet")
                               : QString());
        return;
    }

    int line = 0;
    int index = 0;
    m_editor->getCursorPosition(&line, &index);
    // Typing more letters widens the current match, and going back starts before it.
    if ((fromStart || !forward) && m_editor->hasSelectedText()) {
        int toLine = 0;
        int toIndex = 0;
        m_editor->getSelection(&line, &index, &toLine, &toIndex);
    }
    showOutcome(m_editor->findFirst(text, false, false, false, true, forward, line, index));
}

void FindBar::showOutcome(bool found)
{
    m_outcome->setText(found ? QString() : tr("Not found"));
}

} // namespace tandem::ui
