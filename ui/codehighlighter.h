#pragma once

#include <QString>

namespace tandem::ui {

// Colours code for the chat as HTML: comments, strings, numbers and keywords of the common
// languages (C and C++, Python, JavaScript and TypeScript, shell, JSON, Rust, Go, Java). An
// unknown language is shown plain. Every character of the code shows as written.
class CodeHighlighter
{
public:
    static QString toHtml(const QString &code, const QString &language);
    static bool knows(const QString &language);
};

} // namespace tandem::ui
