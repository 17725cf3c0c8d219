#pragma once

#include "artifacts/artifact.h"
#include "artifacts/artifactruntime.h"
#include "artifacts/artifactversions.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <QWidget>

class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QWebEngineProfile;
class QWebEngineView;
class QsciScintilla;

namespace tandem::ui {

class ArtifactSchemeHandler;
class ElidedLabel;
class PreviewPage;
class PreviewWatchdog;
struct PreviewProblem;

// The artifacts of the conversation: the code in an editor on the left, the live page on the
// right. While a block streams the code fills in live; the page renders only once the block
// is complete, and again shortly after each edit. The web view costs a few hundred MB, so it
// is created when the first artifact arrives. Each artifact gets a profile of its own, off the
// record, whose pages are served through the tandem-artifact: scheme, offline; a watchdog stops
// a page that hangs or eats memory. Problems the page reports are listed under it, and a click
// on one puts the cursor on its line.
class ArtifactPane : public QWidget
{
    Q_OBJECT

public:
    explicit ArtifactPane(QWidget *parent = nullptr);
    ~ArtifactPane() override;

    // Fed by an ArtifactExtractor as the reply streams.
    void beginArtifact();
    void growArtifact(const QString &contentSoFar);
    void completeArtifact(const artifacts::Artifact &artifact);
    void abandonArtifact();

    // Fed by the artifact tool: its input streaming (ArtifactInputStream), then the artifact
    // the store made or changed, or the call's failure.
    void beginToolArtifact(const QString &id, const QString &type, const QString &title);
    void showToolArtifact(const artifacts::Artifact &artifact, int version);
    void cancelToolArtifact(const QString &why);

    // The close button: the pane hides, its page is let go (a runaway script included) and
    // nothing reopens it but openPane(); artifacts still arrive and render once it is open.
    void closePane();
    void openPane();
    bool isClosedByUser() const { return m_closedByUser; }

    QList<artifacts::Artifact> artifacts() const { return m_artifacts; }
    QWebEngineView *webView() const { return m_webView; } // nullptr until the first artifact
    QsciScintilla *editor() const { return m_editor; }
    QsciScintilla *codeView() const { return m_codeView; } // code's read-only highlighted view
    QListWidget *problemList() const { return m_problems; }
    PreviewWatchdog *watchdog() const { return m_watchdog; }

    // Renders the current artifact again, as the notice's Run again button does.
    void runAgain();

    // Renders what the editor holds now, without waiting for a pause in the typing (Ctrl+Return).
    void applyEdit();

    // The current artifact's versions, or nullptr before the first artifact.
    const artifacts::ArtifactVersions *versions() const;
    void showPreviousVersion();
    void showNextVersion();

    // The diff from the version before the shown one to the shown one.
    QString diffToPreviousVersion() const;

    // Saves the shown artifact: `.png` as a picture of the rendered page, anything else as a
    // standalone HTML page with the runtime written in, which works offline in any browser.
    // Returns an error message, empty on success.
    QString exportTo(const QString &path);

    // What the Send to chat button sends: the shown version in a fenced block, and its problems.
    QString contextForModel() const;

signals:
    void pageRendered(bool ok); // after each load of the page, edits included
    void componentRendered(); // a React, Markdown or Mermaid page has drawn its content
    void codeShown(); // a code artifact's highlighted view shows the current version
    void closedByUser();
    void problemReported(const QString &text);
    void previewStopped(const QString &why);
    // The shown version and the problems its page reported, as text for the model.
    void contextRequested(const QString &text);

private:
    QWidget *makeEmptyState();
    QWidget *makeWorkArea();
    QWidget *makeHeader();
    QWidget *makeEditor();
    QWidget *makePreview();
    QWidget *makeNotice();
    void ensureWebView();
    void preparePage(const QString &artifactId);
    void showArtifact(int index);
    void startStreaming(const QString &title);
    void keepPendingEdit();
    void setLexerFor(const artifacts::Artifact &artifact);
    void showCode(const artifacts::Artifact &artifact);
    void releasePage();
    void addProblem(const PreviewProblem &problem);
    void jumpToProblem(QListWidgetItem *item);
    void showNotice(const QString &text, const QString &action);
    void noticeActionClicked();
    void watchdogStopped(int reason);
    void rendererTerminated(int status);
    void showEditorText(const QString &text);
    void noteEdit();
    void renderEditedCode();
    void render();
    bool rerunInPlace(const artifacts::Artifact &artifact);
    void pageLoaded(bool ok);
    void exportCurrent();
    void showDiff();
    void showVersion();
    void updateVersionControls();
    int indexOfUpdated(const artifacts::Artifact &artifact) const;
    void updateHistory();

    QStackedWidget *m_stack = nullptr;
    ElidedLabel *m_title = nullptr;
    QLabel *m_status = nullptr;
    QComboBox *m_history = nullptr;
    QPushButton *m_export = nullptr;
    QPushButton *m_back = nullptr;
    QPushButton *m_forward = nullptr;
    QPushButton *m_diff = nullptr;
    QPushButton *m_sendToChat = nullptr;
    QLabel *m_versionLabel = nullptr;
    QSplitter *m_splitter = nullptr;
    QsciScintilla *m_editor = nullptr;
    QsciScintilla *m_codeView = nullptr;
    QStackedWidget *m_preview = nullptr;
    QLabel *m_previewPlaceholder = nullptr;
    QListWidget *m_problems = nullptr;
    QWidget *m_notice = nullptr;
    QLabel *m_noticeText = nullptr;
    QPushButton *m_noticeAction = nullptr;
    QUrl m_offeredLink; // what the notice's button opens, when it offers a link
    QWebEngineProfile *m_profile = nullptr;
    PreviewPage *m_page = nullptr;
    QString m_pageArtifactId; // whose profile m_profile is
    QUrl m_pageUrl; // of the render shown
    ArtifactSchemeHandler *m_scheme = nullptr;
    PreviewWatchdog *m_watchdog = nullptr;
    QWebEngineView *m_webView = nullptr;
    bool m_stoppedByWatchdog = false;
    bool m_pageLive = false; // a React page that has loaded and can run new code in place
    QStringList m_pageFiles; // the runtime files that page loaded
    QTimer m_editPause;
    QList<artifacts::Artifact> m_artifacts;
    QList<artifacts::ArtifactVersions> m_versions; // one entry per artifact
    QHash<QString, qsizetype> m_toolArtifacts; // the tool's ids, to their index
    artifacts::ArtifactRuntime m_runtime; // for exports
    QString m_shownText; // what the editor holds, without asking it to convert
    int m_current = -1;
    int m_revision = 0;
    bool m_streaming = false;
    bool m_settingText = false;
    bool m_closedByUser = false;
    bool m_renderWhenOpened = false;
};

} // namespace tandem::ui
