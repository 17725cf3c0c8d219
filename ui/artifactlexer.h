#pragma once

#include <QString>

class QObject;
class QsciLexer;

namespace tandem::ui {

// The QScintilla lexer that highlights an artifact: by its type for pages, components and
// documents, by its language for code ("python", "py", "c++", "ts", "sh"...). Styled alike:
// the system's fixed font on white.
class ArtifactLexer
{
public:
    // nullptr for text with no lexer (Mermaid, a language QScintilla does not know).
    static QsciLexer *create(const QString &type, const QString &language, QObject *parent);

    // The lexer's name for a code language, e.g. "cpp" for "c++"; empty when there is none.
    static QString nameForLanguage(const QString &language);
};

} // namespace tandem::ui
