#include "ui/previewpage.h"

#include "ui/logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QWebEngineLoadingInfo>
#include <QWebEngineSettings>

namespace tandem::ui {

namespace {

const QString runtimePrefix = QStringLiteral("[tandem] ");

void lockDown(QWebEngineSettings *settings)
{
    settings->setAttribute(QWebEngineSettings::JavascriptCanOpenWindows, false);
    settings->setAttribute(QWebEngineSettings::JavascriptCanAccessClipboard, false);
    settings->setAttribute(QWebEngineSettings::JavascriptCanPaste, false);
    settings->setAttribute(QWebEngineSettings::LocalContentCanAccessFileUrls, false);
    settings->setAttribute(QWebEngineSettings::LocalContentCanAccessRemoteUrls, false);
    settings->setAttribute(QWebEngineSettings::AllowRunningInsecureContent, false);
    settings->setAttribute(QWebEngineSettings::AllowGeolocationOnInsecureOrigins, false);
    settings->setAttribute(QWebEngineSettings::PluginsEnabled, false);
    settings->setAttribute(QWebEngineSettings::ScreenCaptureEnabled, false);
    settings->setAttribute(QWebEngineSettings::WebRTCPublicInterfacesOnly, true);
    settings->setAttribute(QWebEngineSettings::FullScreenSupportEnabled, false);
    settings->setAttribute(QWebEngineSettings::ErrorPageEnabled, false);
    settings->setAttribute(QWebEngineSettings::NavigateOnDropEnabled, false);
}

} // namespace

PreviewPage::PreviewPage(QWebEngineProfile *profile, QObject *parent)
    : QWebEnginePage(profile, parent)
{
    lockDown(settings());
    connect(this, &QWebEnginePage::loadingChanged, this, &PreviewPage::noteLoading);
}

// A refused navigation ends as a failed load of its own address; only the page's counts.
void PreviewPage::noteLoading(const QWebEngineLoadingInfo &info)
{
    if (info.url() != m_allowed)
        return;
    if (info.status() == QWebEngineLoadingInfo::LoadSucceededStatus)
        emit loaded(true);
    else if (info.status() == QWebEngineLoadingInfo::LoadFailedStatus)
        emit loaded(false);
}

void PreviewPage::show(const QUrl &url)
{
    m_allowed = url;
    load(url);
}

bool PreviewPage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    if (url == m_allowed || isSameDocument(url))
        return true;

    // Frames inside the page may show what the page itself carries; the request filter keeps
    // them from anything else.
    if (!isMainFrame && url.scheme() == m_allowed.scheme() && url.host() == m_allowed.host())
        return true;

    qCInfo(lcUi) << "refused a preview navigation to" << url.toDisplayString();
    if (type == NavigationTypeLinkClicked && isMainFrame)
        emit linkClicked(url);
    else
        emit navigationRefused(url);
    return false;
}

// A jump to an anchor stays in the document, so it needs no new load.
bool PreviewPage::isSameDocument(const QUrl &url) const
{
    return url.hasFragment()
           && url.adjusted(QUrl::RemoveFragment) == this->url().adjusted(QUrl::RemoveFragment);
}

QWebEnginePage *PreviewPage::createWindow(WebWindowType type)
{
    Q_UNUSED(type);
    qCInfo(lcUi, "refused a window the preview asked for");
    emit navigationRefused({});
    return nullptr;
}

void PreviewPage::javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level,
                                           const QString &message, int lineNumber,
                                           const QString &sourceId)
{
    emit consoleLine(message);
    if (message.startsWith(runtimePrefix)) {
        takeRuntimeLine(message.mid(runtimePrefix.size()));
        return;
    }

    // An uncaught error of a plain page: its line counts in the document the code pane shows.
    const bool fromThePage =
        QUrl(sourceId).adjusted(QUrl::RemoveQuery) == m_allowed.adjusted(QUrl::RemoveQuery);
    if (level == ErrorMessageLevel && fromThePage && message.startsWith(u"Uncaught"))
        emit problemReported({tr("Error"), message, lineNumber, 0});
    qCDebug(lcUi) << "preview console:" << message << sourceId << lineNumber;
}

void PreviewPage::takeRuntimeLine(const QString &json)
{
    const QJsonObject event = QJsonDocument::fromJson(json.toUtf8()).object();
    const QString kind = event.value(u"kind").toString();
    if (kind == u"rendered") {
        emit componentRendered();
        return;
    }
    if (kind != u"error")
        return;

    emit problemReported({event.value(u"title").toString(), event.value(u"message").toString(),
                          event.value(u"line").toInt(), event.value(u"column").toInt()});
}

} // namespace tandem::ui
