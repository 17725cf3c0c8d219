#pragma once

#include "artifacts/artifact.h"

#include <QList>
#include <QString>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QWebEngineProfile;
class QWebEngineView;
class QsciScintilla;

namespace tandem::ui {

class ArtifactSchemeHandler;
class ElidedLabel;

// The artifacts of the conversation: the code in an editor on the left, the live page on the
// right. While a block streams the code fills in live; the page renders only once the block
// is complete, and again shortly after each edit. The web view costs a few hundred MB, so it
// is created when the first artifact arrives; its profile is off the record and its pages are
// served through the tandem-artifact: scheme, offline.
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

    QList<artifacts::Artifact> artifacts() const { return m_artifacts; }
    QWebEngineView *webView() const { return m_webView; } // nullptr until the first artifact
    QsciScintilla *editor() const { return m_editor; }

signals:
    void pageRendered(bool ok); // after each load of the page, edits included

private:
    QWidget *makeEmptyState();
    QWidget *makeWorkArea();
    QWidget *makeHeader();
    QWidget *makeEditor();
    QWidget *makePreview();
    void ensureWebView();
    void showArtifact(int index);
    void showEditorText(const QString &text);
    void noteEdit();
    void renderEditedCode();
    void render();
    void pageLoaded(bool ok);
    void exportCurrent();
    void updateHistory();

    QStackedWidget *m_stack = nullptr;
    ElidedLabel *m_title = nullptr;
    QLabel *m_status = nullptr;
    QComboBox *m_history = nullptr;
    QPushButton *m_export = nullptr;
    QSplitter *m_splitter = nullptr;
    QsciScintilla *m_editor = nullptr;
    QStackedWidget *m_preview = nullptr;
    QLabel *m_previewPlaceholder = nullptr;
    QWebEngineProfile *m_profile = nullptr;
    ArtifactSchemeHandler *m_scheme = nullptr;
    QWebEngineView *m_webView = nullptr;
    QTimer m_editPause;
    QList<artifacts::Artifact> m_artifacts;
    QString m_shownText; // what the editor holds, without asking it to convert
    int m_current = -1;
    int m_revision = 0;
    bool m_streaming = false;
    bool m_settingText = false;
};

} // namespace tandem::ui
