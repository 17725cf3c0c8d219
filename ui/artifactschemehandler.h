#pragma once

#include "artifacts/artifactruntime.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QUrl>
#include <QWebEngineUrlSchemeHandler>

namespace tandem::ui {

// Serves artifact pages to the preview as tandem-artifact://<artifact id>-r<revision>/: every
// render is an origin of its own, so nothing a page stores is found by the next. A page of
// any size loads like a site of its own instead of through setHtml()'s 2 MB data: URL, and the
// bundled runtime beside each page under /_runtime/ (same origin, so the page's own error
// handler sees the runtime's errors in full). The scheme itself is registered by
// registerUrlSchemes() before the application starts.
class ArtifactSchemeHandler : public QWebEngineUrlSchemeHandler
{
    Q_OBJECT

public:
    explicit ArtifactSchemeHandler(QObject *parent = nullptr);

    static QByteArray schemeName();

    // The address of one render of an artifact's page.
    static QUrl pageUrl(const QString &artifactId, int revision);

    // Serves `html` at `pageUrl` (and the runtime beside it) until it is withdrawn.
    void publish(const QUrl &pageUrl, const QByteArray &html);
    void withdraw(const QUrl &pageUrl);

    void requestStarted(QWebEngineUrlRequestJob *job) override;

private:
    void serveRuntimeFile(QWebEngineUrlRequestJob *job, const QString &name);

    QHash<QString, QByteArray> m_pages; // UTF-8 pages by host
    artifacts::ArtifactRuntime m_runtime;
};

} // namespace tandem::ui
