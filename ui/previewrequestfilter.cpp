#include "ui/previewrequestfilter.h"

#include "ui/artifactschemehandler.h"
#include "ui/logging.h"

namespace tandem::ui {

PreviewRequestFilter::PreviewRequestFilter(QObject *parent)
    : QWebEngineUrlRequestInterceptor(parent)
{}

void PreviewRequestFilter::interceptRequest(QWebEngineUrlRequestInfo &info)
{
    const QString scheme = info.requestUrl().scheme();
    const bool carriedByThePage = scheme == QLatin1String(ArtifactSchemeHandler::schemeName())
                                  || scheme == u"data" || scheme == u"blob" || scheme == u"about";
    if (carriedByThePage)
        return;

    qCInfo(lcUi) << "blocked a preview request to" << info.requestUrl().toDisplayString();
    info.block(true);
}

} // namespace tandem::ui
