#pragma once

#include <QMetaType>
#include <QString>

namespace tandem::artifacts {

// A self-contained piece of work the assistant hands over in its reply, such as a web page,
// kept apart from the prose so that it can be shown, edited and rendered on its own.
struct Artifact
{
    QString id; // unique per extractor, e.g. "artifact-3"; also usable as a URL host
    QString type; // "html"
    QString title; // never empty
    QString content; // the source as written, each line ending in '\n'

    // The page's <title>, else its first <h1> without markup, else "Untitled page".
    static QString titleFromHtml(const QString &html);
};

} // namespace tandem::artifacts

Q_DECLARE_METATYPE(tandem::artifacts::Artifact)
