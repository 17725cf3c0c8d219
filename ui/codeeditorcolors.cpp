#include "ui/codeeditorcolors.h"

#include "ui/darkcolormap.h"

#include <Qsci/qscilexer.h>
#include <Qsci/qsciscintilla.h>

#include <QVariantList>

namespace tandem::ui {

namespace {

// The light colours, kept on the object they belong to, so that a new lexer (a new object)
// starts from its own.
const char *const kLightEditor = "tandemLightEditorColors";
const char *const kLightLexer = "tandemLightLexerColors";
constexpr int kStyleCount = 128;

QColor fromBgr(long bgr)
{
    return QColor(static_cast<int>(bgr & 0xff), static_cast<int>((bgr >> 8) & 0xff),
                  static_cast<int>((bgr >> 16) & 0xff));
}

QColor shown(const QVariant &light, ColorScheme scheme)
{
    const QColor color = light.value<QColor>();
    return scheme == ColorScheme::Dark ? DarkColorMap::map(color) : color;
}

void applyToEditor(QsciScintilla *editor, ColorScheme scheme)
{
    QVariantList light = editor->property(kLightEditor).toList();
    if (light.isEmpty()) {
        const long margin = QsciScintillaBase::STYLE_LINENUMBER;
        light = {editor->paper(), editor->color(),
                 fromBgr(editor->SendScintilla(QsciScintillaBase::SCI_STYLEGETBACK, margin)),
                 fromBgr(editor->SendScintilla(QsciScintillaBase::SCI_STYLEGETFORE, margin)),
                 fromBgr(editor->SendScintilla(QsciScintillaBase::SCI_GETCARETLINEBACK))};
        editor->setProperty(kLightEditor, light);
    }
    editor->setPaper(shown(light.at(0), scheme));
    editor->setColor(shown(light.at(1), scheme));
    editor->setMarginsBackgroundColor(shown(light.at(2), scheme));
    editor->setMarginsForegroundColor(shown(light.at(3), scheme));
    editor->setCaretLineBackgroundColor(shown(light.at(4), scheme));
    editor->setCaretForegroundColor(scheme == ColorScheme::Dark ? Qt::white : Qt::black);
}

void applyToLexer(QsciLexer *lexer, ColorScheme scheme)
{
    QVariantList light = lexer->property(kLightLexer).toList();
    if (light.isEmpty()) {
        light << lexer->defaultColor() << lexer->defaultPaper();
        for (int style = 0; style < kStyleCount; ++style)
            light << lexer->color(style) << lexer->paper(style);
        lexer->setProperty(kLightLexer, light);
    }
    // Every style, named or not: the space past the end of a line is drawn in one that has no
    // name, and it must match the text's background.
    lexer->setDefaultColor(shown(light.at(0), scheme));
    lexer->setDefaultPaper(shown(light.at(1), scheme));
    for (int style = 0; style < kStyleCount; ++style) {
        lexer->setColor(shown(light.at(2 + 2 * style), scheme), style);
        lexer->setPaper(shown(light.at(3 + 2 * style), scheme), style);
    }
}

} // namespace

void CodeEditorColors::apply(QsciScintilla *editor, ColorScheme scheme)
{
    if (!editor)
        return;
    if (QsciLexer *lexer = editor->lexer())
        applyToLexer(lexer, scheme);
    applyToEditor(editor, scheme);
}

} // namespace tandem::ui
