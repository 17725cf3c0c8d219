#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QsciScintilla;

namespace tandem::ui {

// A strip under the window's panes that finds text in the artifact's code: each change of the
// text finds the first match from the cursor on, Enter and the arrows go to the next and the
// previous one, wrapping at the ends.
class FindBar : public QWidget
{
    Q_OBJECT

public:
    explicit FindBar(QsciScintilla *editor, QWidget *parent = nullptr);

    // Shows the bar with the editor's selection (if any) as the text, and focuses it.
    void open();
    QLineEdit *field() const { return m_field; }

private:
    void find(bool forward, bool fromStart);
    void showOutcome(bool found);

    QsciScintilla *m_editor = nullptr;
    QLineEdit *m_field = nullptr;
    QLabel *m_outcome = nullptr;
};

} // namespace tandem::ui
