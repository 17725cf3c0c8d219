#pragma once

#include <QMetaType>
#include <QString>

namespace tandem::artifacts {

// A self-contained piece of work the assistant hands over in its reply, such as a web page,
// kept apart from the prose so that it can be shown, edited and rendered on its own.
struct Artifact
{
    QString id; // unique per extractor, e.g. "artifact-3"; also usable as a URL host
    QString type; // "html", "jsx", "tsx", "svg", "mermaid", "markdown" or "code"
    QString title; // never empty
    QString content; // the source as written; from a fence, each line ending in '\n'
    QString language = {}; // for "code": the language it is written in, e.g. "python"

    // The artifact type a fence's info string names ("react" and "javascriptreact" are jsx,
    // "md" is markdown...), or an empty string for a block that is not an artifact.
    static QString typeForLanguage(const QString &language);

    // A title for the content of a type: see titleFromHtml() and the other functions below.
    static QString titleFor(const QString &type, const QString &content);

    // The page's <title>, else its first <h1> without markup, else "Untitled page".
    static QString titleFromHtml(const QString &html);

    // The component's name ("StreakCard" for `export default function StreakCard`), else the
    // first capitalised function, else "React component".
    static QString titleFromComponent(const QString &code);

    // The first heading's text, else "Untitled document".
    static QString titleFromMarkdown(const QString &markdown);
};

} // namespace tandem::artifacts

Q_DECLARE_METATYPE(tandem::artifacts::Artifact)
