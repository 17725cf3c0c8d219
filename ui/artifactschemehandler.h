#pragma once

#include "artifacts/artifactruntime.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QUrl>
#include <QWebEngineUrlSchemeHandler>

namespace tandem::ui {

// Serves artifact pages to the preview as tandem-artifact://<artifact id>/, so that a page of
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

    // The address of an artifact's page; `revision` makes each render a fresh navigation.
    static QUrl pageUrl(const QString &artifactId, int revision);

    // Replaces what the artifact's address serves from the next request on.
    void publish(const QString &artifactId, const QByteArray &html);

    void requestStarted(QWebEngineUrlRequestJob *job) override;

private:
    void serveRuntimeFile(QWebEngineUrlRequestJob *job, const QString &name);

    QHash<QString, QByteArray> m_pages; // UTF-8 pages by artifact id
    artifacts::ArtifactRuntime m_runtime;
};

} // namespace tandem::ui
