#include "ui/diffview.h"

#include <Qsci/qscilexerdiff.h>

#include <QFontDatabase>

namespace tandem::ui {

namespace {

const QColor addedPaper(0xdc, 0xf5, 0xe0);
const QColor addedText(0x11, 0x63, 0x29);
const QColor removedPaper(0xfb, 0xe0, 0xe0);
const QColor removedText(0x9f, 0x1c, 0x1c);

QsciLexerDiff *makeLexer(QObject *parent)
{
    auto *lexer = new QsciLexerDiff(parent);
    // Light colours stated outright: the dark theme is made from them, even for a view made
    // while the window is already dark (whose palette would otherwise be taken as the light).
    lexer->setDefaultPaper(Qt::white);
    lexer->setPaper(Qt::white, -1);
    lexer->setDefaultColor(Qt::black);
    lexer->setDefaultFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    lexer->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    lexer->setColor(addedText, QsciLexerDiff::LineAdded);
    lexer->setPaper(addedPaper, QsciLexerDiff::LineAdded);
    lexer->setColor(removedText, QsciLexerDiff::LineRemoved);
    lexer->setPaper(removedPaper, QsciLexerDiff::LineRemoved);
    // The paper runs to the window's edge, so a changed line reads as a band.
    lexer->setEolFill(true, QsciLexerDiff::LineAdded);
    lexer->setEolFill(true, QsciLexerDiff::LineRemoved);
    return lexer;
}

} // namespace

DiffView::DiffView(QWidget *parent)
    : QsciScintilla(parent)
{
    setLexer(makeLexer(this));
    setReadOnly(true);
    setMarginWidth(0, 0);
    setMarginWidth(1, 0);
    setWrapMode(QsciScintilla::WrapNone);
    setCaretLineVisible(true);
    setCaretLineBackgroundColor(QColor(0xf5, 0xf7, 0xfa));
    setPaper(Qt::white);
    setColor(Qt::black);
}

void DiffView::setPatch(const QString &patch)
{
    setReadOnly(false);
    setText(patch);
    setReadOnly(true);

    const QStringList lines = patch.split(QLatin1Char('\n'));
    int first = 0;
    for (int i = 0; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        const bool header =
            line.startsWith(QLatin1String("+++")) || line.startsWith(QLatin1String("---"));
        if (!header && (line.startsWith(QLatin1Char('+')) || line.startsWith(QLatin1Char('-')))) {
            first = i;
            break;
        }
    }
    setCursorPosition(first, 0);
    ensureLineVisible(first);
}

int DiffView::cursorPatchLine() const
{
    int line = 0;
    int index = 0;
    getCursorPosition(&line, &index);
    return line;
}

} // namespace tandem::ui
