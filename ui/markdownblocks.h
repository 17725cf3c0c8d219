#pragma once

#include <QList>
#include <QString>

namespace tandem::ui {

// A reply cut where its fenced code blocks start and end, so that each code block gets a view
// of its own (highlighting, a copy button) and a growing reply re-renders only its last piece.
struct MarkdownBlock
{
    enum class Kind { Prose, Code };

    Kind kind = Kind::Prose;
    QString text; // prose: Markdown; code: the code, without its fences
    QString language; // code: the word after the opening fence
    bool closed = true; // code: false while its closing fence has not arrived

    bool operator==(const MarkdownBlock &) const = default;
};

class MarkdownBlocks
{
public:
    // Fences are ``` or ~~~ (three or more) indented at most three spaces; a block closes at a
    // fence of the same character at least as long, with nothing after it.
    static QList<MarkdownBlock> split(const QString &markdown);
};

} // namespace tandem::ui
