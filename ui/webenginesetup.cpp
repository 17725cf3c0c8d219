#include "ui/webenginesetup.h"

#include "ui/artifactschemehandler.h"
#include "ui/logging.h"

#include <QWebEngineUrlScheme>

#include <unistd.h>

namespace tandem::ui {

void registerUrlSchemes()
{
    QWebEngineUrlScheme scheme(ArtifactSchemeHandler::schemeName());
    scheme.setSyntax(QWebEngineUrlScheme::Syntax::Host);
    scheme.setDefaultPort(QWebEngineUrlScheme::PortUnspecified);
    // Secure, so that pages get the features browsers keep for https; each artifact id is its
    // own host and therefore its own origin.
    scheme.setFlags(QWebEngineUrlScheme::SecureScheme);
    QWebEngineUrlScheme::registerScheme(scheme);
}

void disableChromiumSandboxIfRoot()
{
    if (geteuid() != 0)
        return;

    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    qCWarning(lcUi, "running as root: Chromium's sandbox is off for the page preview");
}

} // namespace tandem::ui
