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
    url.setHost(QStringLiteral("%1-r%2").arg(artifactId).arg(revision));
    url.setPath(QStringLiteral("/"));
    return url;
}

namespace {

const QString runtimePrefix = QStringLiteral("/_runtime/");

QByteArray mimeTypeOf(const QString &name)
{
    if (name.endsWith(u".js"))
        return QByteArrayLiteral("text/javascript;charset=utf-8");
    return QByteArrayLiteral("application/octet-stream");
}

void replyWith(QWebEngineUrlRequestJob *job, const QByteArray &mimeType, const QByteArray &bytes)
{
    // The job owns the buffer, so it lives exactly as long as the engine reads from it.
    auto *body = new QBuffer(job);
    body->setData(bytes);
    job->reply(mimeType, body);
}

} // namespace

void ArtifactSchemeHandler::publish(const QUrl &pageUrl, const QByteArray &html)
{
    m_pages.insert(pageUrl.host().toLower(), html);
}

void ArtifactSchemeHandler::withdraw(const QUrl &pageUrl)
{
    m_pages.remove(pageUrl.host().toLower());
}

void ArtifactSchemeHandler::requestStarted(QWebEngineUrlRequestJob *job)
{
    const QUrl url = job->requestUrl();
    const auto page = m_pages.constFind(url.host().toLower());

    if (page != m_pages.constEnd() && url.path().startsWith(runtimePrefix)) {
        serveRuntimeFile(job, url.path().mid(runtimePrefix.size()));
        return;
    }

    // A page is served only at its root: artifacts are self-contained, there is nothing else.
    if (page == m_pages.constEnd() || (url.path() != u"/" && !url.path().isEmpty())) {
        qCInfo(lcUi) << "no artifact page at" << url.toString();
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }

    replyWith(job, QByteArrayLiteral("text/html;charset=utf-8"), *page);
}

void ArtifactSchemeHandler::serveRuntimeFile(QWebEngineUrlRequestJob *job, const QString &name)
{
    const std::optional<QByteArray> bytes = m_runtime.file(name);
    if (!bytes) {
        qCWarning(lcUi) << "no runtime file" << name << "in" << m_runtime.directory();
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }
    replyWith(job, mimeTypeOf(name), *bytes);
}

} // namespace tandem::ui
