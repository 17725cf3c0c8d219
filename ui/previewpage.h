#pragma once

#include <QString>
#include <QUrl>
#include <QWebEnginePage>

class QWebEngineLoadingInfo;
class QWebEngineProfile;

namespace tandem::ui {

// One problem in an artifact, as the page reported it; line and column count from 1, 0 when
// unknown.
struct PreviewProblem
{
    QString title;
    QString message;
    int line = 0;
    int column = 0;
};

// The page of the artifact preview. It loads only the address it is told to, refuses every
// other navigation (a clicked link is offered to the user instead), opens no windows, and
// turns the page's console lines into problems and render events. Nothing here lets the page
// call into the app: the console is read, never answered.
class PreviewPage : public QWebEnginePage
{
    Q_OBJECT

public:
    PreviewPage(QWebEngineProfile *profile, QObject *parent = nullptr);

    // Loads `url`, the one address this page may show until the next call.
    void show(const QUrl &url);

signals:
    void loaded(bool ok); // the page's own address, not a navigation that was refused
    void problemReported(const tandem::ui::PreviewProblem &problem);
    void componentRendered();
    void linkClicked(const QUrl &url);
    void navigationRefused(const QUrl &url);
    void consoleLine(const QString &message); // every line the page logs, for tests and logs

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;
    QWebEnginePage *createWindow(WebWindowType type) override;
    void javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString &message,
                                  int lineNumber, const QString &sourceId) override;

private:
    void noteLoading(const QWebEngineLoadingInfo &info);
    void takeRuntimeLine(const QString &json);
    bool isSameDocument(const QUrl &url) const;

    QUrl m_allowed;
};

} // namespace tandem::ui
