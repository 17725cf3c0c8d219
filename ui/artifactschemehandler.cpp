#include "ui/artifactschemehandler.h"

#include "ui/logging.h"

#include <QBuffer>
#include <QUrlQuery>
#include <QWebEngineUrlRequestJob>

namespace tandem::ui {

ArtifactSchemeHandler::ArtifactSchemeHandler(QObject *parent)
    : QWebEngineUrlSchemeHandler(parent)
{}

QByteArray ArtifactSchemeHandler::schemeName()
{
    return QByteArrayLiteral("tandem-artifact");
}

QUrl ArtifactSchemeHandler::pageUrl(const QString &artifactId, int revision)
{
    QUrl url;
    url.setScheme(QString::fromLatin1(schemeName()));
    url.setHost(artifactId);
    url.setPath(QStringLiteral("/"));
    url.setQuery(QStringLiteral("revision=%1").arg(revision));
    return url;
}

void ArtifactSchemeHandler::publish(const QString &artifactId, const QString &html)
{
    m_pages.insert(artifactId.toLower(), html.toUtf8());
}

void ArtifactSchemeHandler::requestStarted(QWebEngineUrlRequestJob *job)
{
    const QUrl url = job->requestUrl();
    const auto page = m_pages.constFind(url.host().toLower());

    // A page is served only at its root: artifacts are self-contained, there is nothing else.
    if (page == m_pages.constEnd() || (url.path() != u"/" && !url.path().isEmpty())) {
        qCInfo(lcUi) << "no artifact page at" << url.toString();
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }

    // The job owns the buffer, so it lives exactly as long as the engine reads from it.
    auto *body = new QBuffer(job);
    body->setData(*page);
    job->reply(QByteArrayLiteral("text/html;charset=utf-8"), body);
}

} // namespace tandem::ui
