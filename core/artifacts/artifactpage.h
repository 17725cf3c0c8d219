#pragma once

#include "artifacts/artifact.h"
#include "artifacts/artifactruntime.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace tandem::artifacts {

// The document the preview loads for an artifact. HTML is served as written (a Tailwind script
// from the usual CDN is swapped for the bundled one, on the same line); the other types get a
// small page that loads what they need from the runtime under /_runtime/, offline:
//
//     const QByteArray html = ArtifactPage::compose(artifact);
//     // serve html at tandem-artifact://<artifact.id>/ and the runtime files beside it
class ArtifactPage
{
public:
    static QByteArray compose(const Artifact &artifact);

    // The same page with every runtime file it loads written into it, so that it works from a
    // file in any browser, offline. Empty when a runtime file is missing.
    static QByteArray standalone(const Artifact &artifact, ArtifactRuntime &runtime);

    // The libraries a React artifact may import, by module name.
    static QStringList libraries();

    // The runtime files a React artifact's imports need, besides react.js.
    static QStringList runtimeFilesFor(const QString &code);

    // Script that runs an edited React component in its page already loaded, when that page
    // has the libraries the new code imports: much faster than loading the page again.
    static QString rerunScript(const QString &code);

private:
    static QByteArray composeHtml(const QString &html);
    static QByteArray composeReact(const Artifact &artifact);
    static QByteArray composeSvg(const QString &svg);
    static QByteArray composeScripted(const Artifact &artifact, const QString &runtimeFile);
    static QString dataScript(const Artifact &artifact);
};

} // namespace tandem::artifacts
