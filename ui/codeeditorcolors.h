#pragma once

#include "ui/colorscheme.h"

class QsciScintilla;

namespace tandem::ui {

// Puts a code editor (and its lexer, if it has one) in a colour scheme. The editor keeps the
// light colours its owner gave it; the dark scheme shows them through DarkColorMap, and going
// back to light restores them exactly. Safe to call again after the owner sets a new lexer.
class CodeEditorColors
{
public:
    static void apply(QsciScintilla *editor, ColorScheme scheme);
};

} // namespace tandem::ui
