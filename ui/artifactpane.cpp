#include "ui/artifactpane.h"

#include "ui/artifactlexer.h"
#include "ui/artifactschemehandler.h"
#include "ui/elidedlabel.h"
#include "ui/logging.h"
#include "ui/previewpage.h"
#include "ui/previewrequestfilter.h"
#include "ui/previewwatchdog.h"

#include "artifacts/artifactpage.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDialog>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QShortcut>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineScript>
#include <QWebEngineView>

#include <Qsci/qscilexerdiff.h>
#include <Qsci/qsciscintilla.h>

namespace tandem::ui {

namespace {

// Long enough that typing a word does not reload the page at every key.
constexpr int editPauseMs = 300;

enum StackPage { EmptyStatePage = 0, WorkAreaPage = 1 };
enum PreviewStackPage { PlaceholderPage = 0, WebViewPage = 1 };

const char *const paneStyle = R"(
#artifactHeader { border-bottom: 1px solid #d1d5db; }
#artifactStatus, #previewPlaceholder { color: #6b7280; }
#emptyArtifacts { color: #4b5563; }
#previewNotice { background: #fffbeb; border-bottom: 1px solid #fcd34d; }
#artifactProblems { border: none; border-top: 1px solid #fca5a5; background: #fef2f2;
                    color: #7f1d1d; }
)";

bool isCode(const artifacts::Artifact &artifact)
{
    return artifact.type == u"code";
}

void styleEditor(QsciScintilla *editor)
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    editor->setFont(mono);
    editor->setUtf8(true);
    editor->setMarginType(0, QsciScintilla::NumberMargin);
    editor->setMarginLineNumbers(0, true);
    editor->setMarginWidth(0, QStringLiteral("00000"));
    editor->setMarginsFont(mono);
    editor->setMarginsBackgroundColor(QColor(0xf3, 0xf4, 0xf6));
    editor->setMarginsForegroundColor(QColor(0x9c, 0xa3, 0xaf));
    editor->setTabWidth(2);
    editor->setIndentationsUseTabs(false);
    editor->setAutoIndent(true);
    editor->setBraceMatching(QsciScintilla::SloppyBraceMatch);
    editor->setCaretLineVisible(true);
    editor->setCaretLineBackgroundColor(QColor(0xf5, 0xf7, 0xfa));
    editor->setWrapMode(QsciScintilla::WrapWord);
    editor->setWrapIndentMode(QsciScintilla::WrapIndentIndented);
    editor->setFrameShape(QFrame::NoFrame);
}

} // namespace

ArtifactPane::ArtifactPane(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("artifactPane"));
    setStyleSheet(QString::fromLatin1(paneStyle));

    m_stack = new QStackedWidget(this);
    m_stack->insertWidget(EmptyStatePage, makeEmptyState());
    m_stack->insertWidget(WorkAreaPage, makeWorkArea());

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    updateVersionControls();
    m_editPause.setSingleShot(true);
    m_editPause.setInterval(editPauseMs);
    connect(&m_editPause, &QTimer::timeout, this, &ArtifactPane::renderEditedCode);
}

// Pages must go before their profile, or the engine is left holding a profile that is gone.
ArtifactPane::~ArtifactPane()
{
    delete m_webView;
}

void ArtifactPane::beginArtifact()
{
    ensureWebView();
    startStreaming(tr("New page"));
}

// The model is writing the tool's input: its content fills the editor as it comes. A rewrite
// names only the id; code needs no web engine, so it is started only for pages.
void ArtifactPane::beginToolArtifact(const QString &id, const QString &type, const QString &title)
{
    const int known = int(m_toolArtifacts.value(id, -1));
    const artifacts::Artifact *existing = known >= 0 ? &m_artifacts.at(known) : nullptr;
    const QString shownType = existing ? existing->type : type;
    const QString shownTitle = existing ? existing->title : title;
    if (shownType != u"code")
        ensureWebView();
    startStreaming(shownTitle.isEmpty() ? tr("New artifact") : shownTitle);
}

void ArtifactPane::startStreaming(const QString &title)
{
    keepPendingEdit();
    m_streaming = true;
    m_editPause.stop();
    m_editor->setReadOnly(true);
    showEditorText({});
    m_title->setFullText(title);
    m_status->setText(tr("Writing\u2026"));
    m_history->setEnabled(false);
    m_export->setEnabled(false);
    m_sendToChat->setEnabled(false);
    for (QPushButton *button : {m_back, m_forward, m_diff})
        button->setEnabled(false);
    m_preview->setCurrentIndex(PlaceholderPage);
    m_stack->setCurrentIndex(WorkAreaPage);
}

void ArtifactPane::growArtifact(const QString &contentSoFar)
{
    if (!m_streaming)
        return;

    showEditorText(contentSoFar);
    m_editor->ensureLineVisible(m_editor->lines() - 1);
}

void ArtifactPane::completeArtifact(const artifacts::Artifact &artifact)
{
    ensureWebView();

    m_streaming = false;
    const int updated = indexOfUpdated(artifact);
    if (updated >= 0) {
        m_artifacts[updated].content = artifact.content;
        m_versions[updated].record(artifact.content);
        showArtifact(updated);
        return;
    }

    m_artifacts.append(artifact);
    m_versions.append(artifacts::ArtifactVersions(artifact.content));
    updateHistory();
    showArtifact(int(m_artifacts.size()) - 1);
}

// The artifact tool made or changed an artifact: a new one is added, a known id gets a new
// version. The model's version number is for the model; the pane's history also holds the
// user's edits.
void ArtifactPane::showToolArtifact(const artifacts::Artifact &artifact, int version)
{
    if (!isCode(artifact))
        ensureWebView();

    m_streaming = false;
    keepPendingEdit();
    const int known = int(m_toolArtifacts.value(artifact.id, -1));
    qCInfo(lcUi) << "tool artifact" << artifact.id << "version" << version;
    if (known >= 0) {
        m_artifacts[known].content = artifact.content;
        m_versions[known].record(artifact.content);
        showArtifact(known);
        return;
    }

    m_toolArtifacts.insert(artifact.id, m_artifacts.size());
    m_artifacts.append(artifact);
    m_versions.append(artifacts::ArtifactVersions(artifact.content));
    updateHistory();
    showArtifact(int(m_artifacts.size()) - 1);
}

// What the user typed since the last pause becomes a version before the model's arrives, so
// stepping back finds it.
void ArtifactPane::keepPendingEdit()
{
    if (!m_editPause.isActive() || m_current < 0)
        return;

    m_editPause.stop();
    m_artifacts[m_current].content = m_editor->text();
    m_versions[m_current].record(m_artifacts.at(m_current).content);
}

// The tool's call failed (the model is told why): the artifact shown before comes back.
void ArtifactPane::cancelToolArtifact(const QString &why)
{
    if (!m_streaming)
        return;

    m_streaming = false;
    if (m_current >= 0)
        showArtifact(m_current);
    else
        m_editor->setReadOnly(false);
    m_history->setEnabled(true);
    m_status->setText(why);
}

// A model that rewrites an artifact sends it again under the same title: that is a new version
// of it, not a new artifact. Titles that only name the type say nothing about identity.
int ArtifactPane::indexOfUpdated(const artifacts::Artifact &artifact) const
{
    if (artifact.title == artifacts::Artifact::titleFor(artifact.type, QString()))
        return -1;

    for (int i = int(m_artifacts.size()) - 1; i >= 0; --i) {
        if (m_artifacts.at(i).type == artifact.type && m_artifacts.at(i).title == artifact.title)
            return i;
    }
    return -1;
}

void ArtifactPane::abandonArtifact()
{
    if (!m_streaming)
        return;

    m_streaming = false;
    m_editor->setReadOnly(false);
    m_history->setEnabled(true);
    m_status->setText(tr("The page was cut off before its end, so it was not rendered."));
}

QWidget *ArtifactPane::makeEmptyState()
{
    auto *hint = new QLabel(tr("<p style='font-size:large'><b>Artifacts appear here</b></p>"
                               "<p>When a reply contains a page, a React component, an SVG "
                               "image, a Mermaid diagram or a Markdown document, its code opens "
                               "on the left and the live result on the right.<br>Edit the code "
                               "and the result follows.</p>"));
    hint->setObjectName(QStringLiteral("emptyArtifacts"));
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    hint->setMargin(32);
    return hint;
}

QWidget *ArtifactPane::makeWorkArea()
{
    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(QStringLiteral("artifactSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(makeEditor());
    m_splitter->addWidget(makePreview());
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 5);

    auto *area = new QWidget;
    auto *layout = new QVBoxLayout(area);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(makeHeader());
    layout->addWidget(m_splitter, 1);
    return area;
}

QWidget *ArtifactPane::makeHeader()
{
    auto *header = new QFrame;
    header->setObjectName(QStringLiteral("artifactHeader"));

    m_title = new ElidedLabel(Qt::ElideRight, header);
    m_title->setObjectName(QStringLiteral("artifactTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);

    m_status = new QLabel(header);
    m_status->setObjectName(QStringLiteral("artifactStatus"));

    m_history = new QComboBox(header);
    m_history->setObjectName(QStringLiteral("artifactHistory"));
    m_history->setToolTip(tr("Pages from this conversation"));
    m_history->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_history->setMaximumWidth(260);
    m_history->hide();
    connect(m_history, &QComboBox::activated, this, &ArtifactPane::showArtifact);

    m_back = new QPushButton(QStringLiteral("\u25c0"), header);
    m_back->setObjectName(QStringLiteral("versionBack"));
    m_back->setToolTip(tr("The previous version"));
    connect(m_back, &QPushButton::clicked, this, &ArtifactPane::showPreviousVersion);
    m_versionLabel = new QLabel(header);
    m_versionLabel->setObjectName(QStringLiteral("versionLabel"));
    m_forward = new QPushButton(QStringLiteral("\u25b6"), header);
    m_forward->setObjectName(QStringLiteral("versionForward"));
    m_forward->setToolTip(tr("The next version"));
    connect(m_forward, &QPushButton::clicked, this, &ArtifactPane::showNextVersion);
    m_diff = new QPushButton(tr("Diff"), header);
    m_diff->setToolTip(tr("What changed since the previous version"));
    connect(m_diff, &QPushButton::clicked, this, &ArtifactPane::showDiff);
    for (QPushButton *button : {m_back, m_forward})
        button->setMaximumWidth(32);

    m_sendToChat = new QPushButton(tr("Send to chat"), header);
    m_sendToChat->setObjectName(QStringLiteral("sendToChat"));
    m_sendToChat->setToolTip(tr("Put this version and its problems in the prompt, for the model"));
    connect(m_sendToChat, &QPushButton::clicked, this,
            [this] { emit contextRequested(contextForModel()); });

    m_export = new QPushButton(tr("Export\u2026"), header);
    m_export->setToolTip(tr("Save as a standalone HTML file that works offline, or as a PNG"));
    connect(m_export, &QPushButton::clicked, this, &ArtifactPane::exportCurrent);

    auto *close = new QPushButton(QStringLiteral("\u2715"), header);
    close->setObjectName(QStringLiteral("closeArtifacts"));
    close->setToolTip(tr("Close the artifacts; Ctrl+Shift+A opens them again"));
    close->setFlat(true);
    close->setMaximumWidth(32);
    connect(close, &QPushButton::clicked, this, &ArtifactPane::closePane);

    auto *row = new QHBoxLayout(header);
    row->setContentsMargins(12, 6, 12, 6);
    row->setSpacing(12);
    row->addWidget(m_title, 2);
    row->addWidget(m_status, 3);
    row->addWidget(m_history);
    row->addWidget(m_back);
    row->addWidget(m_versionLabel);
    row->addWidget(m_forward);
    row->addWidget(m_diff);
    row->addWidget(m_sendToChat);
    row->addWidget(m_export);
    row->addWidget(close);
    return header;
}

QWidget *ArtifactPane::makeEditor()
{
    m_editor = new QsciScintilla;
    m_editor->setObjectName(QStringLiteral("artifactEditor"));
    styleEditor(m_editor);
    connect(m_editor, &QsciScintilla::textChanged, this, &ArtifactPane::noteEdit);

    auto *runNow = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), m_editor);
    runNow->setContext(Qt::WidgetWithChildrenShortcut);
    connect(runNow, &QShortcut::activated, this, &ArtifactPane::applyEdit);
    return m_editor;
}

QWidget *ArtifactPane::makePreview()
{
    m_previewPlaceholder = new QLabel(tr("The page renders as soon as its code is complete."));
    m_previewPlaceholder->setObjectName(QStringLiteral("previewPlaceholder"));
    m_previewPlaceholder->setAlignment(Qt::AlignCenter);
    m_previewPlaceholder->setWordWrap(true);

    m_codeView = new QsciScintilla;
    m_codeView->setObjectName(QStringLiteral("artifactCodeView"));
    styleEditor(m_codeView);
    m_codeView->setReadOnly(true);
    m_codeView->setCaretLineVisible(false);

    m_preview = new QStackedWidget;
    m_preview->insertWidget(PlaceholderPage, m_previewPlaceholder);
    m_preview->addWidget(m_codeView);

    m_problems = new QListWidget;
    m_problems->setObjectName(QStringLiteral("artifactProblems"));
    m_problems->setToolTip(tr("Click a problem to put the cursor on its line"));
    m_problems->setMaximumHeight(120);
    m_problems->setWordWrap(true);
    m_problems->hide();
    connect(m_problems, &QListWidget::itemClicked, this, &ArtifactPane::jumpToProblem);
    connect(m_problems, &QListWidget::itemActivated, this, &ArtifactPane::jumpToProblem);

    auto *column = new QWidget;
    auto *layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(makeNotice());
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_problems);
    return column;
}

QWidget *ArtifactPane::makeNotice()
{
    m_notice = new QFrame;
    m_notice->setObjectName(QStringLiteral("previewNotice"));
    m_noticeText = new QLabel(m_notice);
    m_noticeText->setObjectName(QStringLiteral("previewNoticeText"));
    m_noticeText->setWordWrap(true);
    m_noticeAction = new QPushButton(m_notice);
    m_noticeAction->setObjectName(QStringLiteral("previewNoticeAction"));
    connect(m_noticeAction, &QPushButton::clicked, this, &ArtifactPane::noticeActionClicked);

    auto *row = new QHBoxLayout(m_notice);
    row->setContentsMargins(12, 6, 12, 6);
    row->addWidget(m_noticeText, 1);
    row->addWidget(m_noticeAction);
    m_notice->hide();
    return m_notice;
}

void ArtifactPane::ensureWebView()
{
    if (m_webView)
        return;

    m_scheme = new ArtifactSchemeHandler(this);
    m_watchdog = new PreviewWatchdog(this);
    connect(m_watchdog, &PreviewWatchdog::stopped, this,
            [this](PreviewWatchdog::Reason reason) { watchdogStopped(int(reason)); });

    m_webView = new QWebEngineView;
    m_webView->setObjectName(QStringLiteral("artifactWebView"));
    m_preview->insertWidget(WebViewPage, m_webView);

    // Pages are laid out for a browser window, so the preview gets the larger share.
    const int width = m_stack->width();
    m_splitter->setSizes({width * 3 / 8, width - width * 3 / 8});

    qCInfo(lcUi, "created the page preview");
}

// Each artifact runs in a profile of its own, off the record (no storage name: no cookies,
// cache or local storage on disk), so no artifact sees what another stored.
void ArtifactPane::preparePage(const QString &artifactId)
{
    if (m_page && m_pageArtifactId == artifactId)
        return;

    PreviewPage *oldPage = m_page;
    QWebEngineProfile *oldProfile = m_profile;

    m_profile = new QWebEngineProfile(this);
    m_profile->setHttpCacheType(QWebEngineProfile::MemoryHttpCache);
    m_profile->setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    m_profile->installUrlSchemeHandler(ArtifactSchemeHandler::schemeName(), m_scheme);
    m_profile->setUrlRequestInterceptor(new PreviewRequestFilter(m_profile));

    m_page = new PreviewPage(m_profile, m_webView);
    m_pageArtifactId = artifactId;
    connect(m_page, &PreviewPage::loaded, this, &ArtifactPane::pageLoaded);
    connect(m_page, &PreviewPage::problemReported, this, &ArtifactPane::addProblem);
    connect(m_page, &PreviewPage::componentRendered, this, [this] {
        m_status->setText(tr("Live"));
        emit componentRendered();
    });
    connect(m_page, &PreviewPage::linkClicked, this, [this](const QUrl &url) {
        m_offeredLink = url;
        showNotice(tr("The page wants to open %1.").arg(url.toDisplayString()),
                   tr("Open in browser"));
    });
    connect(m_page, &PreviewPage::navigationRefused, this, [this] {
        m_status->setText(tr("The page tried to leave or open a window; it was kept here."));
    });
    connect(m_page, &QWebEnginePage::renderProcessTerminated, this,
            [this](QWebEnginePage::RenderProcessTerminationStatus status, int) {
                rendererTerminated(int(status));
            });
    m_webView->setPage(m_page);

    // A page must go before its profile, or the engine is left holding a profile that is gone.
    delete oldPage;
    delete oldProfile;
}

void ArtifactPane::showArtifact(int index)
{
    if (index < 0 || index >= m_artifacts.size() || m_streaming)
        return;

    m_current = index;
    const artifacts::Artifact &artifact = m_artifacts.at(index);
    m_editPause.stop();
    m_editor->setReadOnly(false);
    setLexerFor(artifact);
    showEditorText(artifact.content);
    m_editor->setCursorPosition(0, 0);
    m_editor->ensureLineVisible(0);
    m_title->setFullText(artifact.title);
    m_history->setCurrentIndex(index);
    m_history->setEnabled(true);
    m_export->setEnabled(true);
    m_sendToChat->setEnabled(true);
    m_stack->setCurrentIndex(WorkAreaPage);
    updateVersionControls();

    render();
}

// Appends when the new text continues the old, which keeps the editor smooth while a block
// streams; anything else replaces the text.
void ArtifactPane::showEditorText(const QString &text)
{
    m_settingText = true;
    if (!m_shownText.isEmpty() && text.startsWith(m_shownText))
        m_editor->append(text.mid(m_shownText.size()));
    else
        m_editor->setText(text);
    m_shownText = text;
    m_settingText = false;
}

void ArtifactPane::noteEdit()
{
    if (m_settingText || m_streaming || m_current < 0)
        return;

    m_status->setText(tr("Edited"));
    m_editPause.start();
}

void ArtifactPane::renderEditedCode()
{
    if (m_current < 0)
        return;

    artifacts::Artifact &artifact = m_artifacts[m_current];
    artifact.content = m_editor->text();
    artifact.title = artifacts::Artifact::titleFor(artifact.type, artifact.content);
    m_versions[m_current].record(artifact.content);
    updateVersionControls();
    m_shownText = artifact.content;
    m_title->setFullText(artifact.title);
    updateHistory();
    render();
}

void ArtifactPane::render()
{
    const artifacts::Artifact &artifact = m_artifacts.at(m_current);
    if (isCode(artifact)) {
        showCode(artifact);
        return;
    }
    // A closed pane runs no page: it renders when it is opened again.
    if (m_closedByUser) {
        m_renderWhenOpened = true;
        return;
    }
    ensureWebView();
    if (rerunInPlace(artifact))
        return;

    m_pageLive = false;
    m_pageFiles = artifacts::ArtifactPage::runtimeFilesFor(artifact.content);
    m_scheme->withdraw(m_pageUrl);
    m_pageUrl = ArtifactSchemeHandler::pageUrl(artifact.id, ++m_revision);
    m_scheme->publish(m_pageUrl, artifacts::ArtifactPage::compose(artifact));
    m_status->setText(tr("Rendering\u2026"));
    m_problems->clear();
    m_problems->hide();
    m_notice->hide();
    m_stoppedByWatchdog = false;

    preparePage(artifact.id);
    m_preview->setCurrentIndex(WebViewPage);
    m_watchdog->watch(m_page);
    m_page->show(m_pageUrl);
}

void ArtifactPane::runAgain()
{
    if (m_current < 0 || m_streaming)
        return;

    m_pageLive = false;
    render();
}

void ArtifactPane::applyEdit()
{
    if (m_current < 0 || m_streaming)
        return;

    m_editPause.stop();
    renderEditedCode();
}

// An edit of a React component whose page is up runs in that page, whose libraries are parsed
// and styles made; anything else (another artifact, a new library, a stopped page) loads anew.
bool ArtifactPane::rerunInPlace(const artifacts::Artifact &artifact)
{
    const bool react = artifact.type == u"jsx" || artifact.type == u"tsx";
    if (!react || !m_pageLive || !m_page || m_pageArtifactId != artifact.id)
        return false;

    const QStringList needed = artifacts::ArtifactPage::runtimeFilesFor(artifact.content);
    const bool loaded = std::all_of(needed.begin(), needed.end(), [this](const QString &file) {
        return m_pageFiles.contains(file);
    });
    if (!loaded)
        return false;

    m_problems->clear();
    m_problems->hide();
    m_notice->hide();
    m_status->setText(tr("Rendering\u2026"));
    m_preview->setCurrentIndex(WebViewPage);
    m_page->runJavaScript(artifacts::ArtifactPage::rerunScript(artifact.content),
                          QWebEngineScript::MainWorld);
    return true;
}

void ArtifactPane::setLexerFor(const artifacts::Artifact &artifact)
{
    QsciLexer *old = m_editor->lexer();
    m_editor->setLexer(ArtifactLexer::create(artifact.type, artifact.language, m_editor));
    delete old;
}

// Code has nothing to run: its "page" is the version shown, highlighted and read-only. A page
// of another artifact still running is let go, so that nothing runs unseen.
void ArtifactPane::showCode(const artifacts::Artifact &artifact)
{
    releasePage();
    QsciLexer *old = m_codeView->lexer();
    m_codeView->setLexer(ArtifactLexer::create(artifact.type, artifact.language, m_codeView));
    delete old;
    m_codeView->setReadOnly(false);
    m_codeView->setText(artifact.content);
    m_codeView->setReadOnly(true);
    m_problems->clear();
    m_problems->hide();
    m_notice->hide();
    m_preview->setCurrentWidget(m_codeView);
    m_status->setText(artifact.language);
    emit codeShown();
}

// Drops the page and its profile; the engine ends their renderer, a hung one included.
void ArtifactPane::releasePage()
{
    if (!m_page)
        return;

    m_watchdog->stop();
    m_pageLive = false;
    m_scheme->withdraw(m_pageUrl);
    PreviewPage *page = std::exchange(m_page, nullptr);
    QWebEngineProfile *profile = std::exchange(m_profile, nullptr);
    m_pageArtifactId.clear();
    delete page;
    delete profile;
    m_preview->setCurrentIndex(PlaceholderPage);
}

void ArtifactPane::closePane()
{
    m_closedByUser = true;
    m_editPause.stop();
    const bool hadPage = m_page != nullptr;
    releasePage();
    m_renderWhenOpened = hadPage || m_renderWhenOpened;
    hide();
    emit closedByUser();
}

void ArtifactPane::openPane()
{
    const bool wasClosed = std::exchange(m_closedByUser, false);
    show();
    if (wasClosed && std::exchange(m_renderWhenOpened, false) && m_current >= 0 && !m_streaming)
        render();
}

void ArtifactPane::addProblem(const PreviewProblem &problem)
{
    const QString where = problem.line > 0 ? tr("Line %1: ").arg(problem.line) : QString();
    const QString text = where + problem.title + QStringLiteral(" \u2014 ") + problem.message;
    auto *item = new QListWidgetItem(text, m_problems);
    item->setData(Qt::UserRole, problem.line);
    item->setData(Qt::UserRole + 1, problem.column);
    m_problems->show();
    m_status->setText(tr("The page reported a problem"));
    emit problemReported(text);
}

void ArtifactPane::jumpToProblem(QListWidgetItem *item)
{
    const int line = item->data(Qt::UserRole).toInt();
    if (line <= 0)
        return;

    const int column = std::max(0, item->data(Qt::UserRole + 1).toInt() - 1);
    m_editor->setCursorPosition(line - 1, column);
    m_editor->ensureLineVisible(line - 1);
    m_editor->setFocus();
}

void ArtifactPane::showNotice(const QString &text, const QString &action)
{
    m_noticeText->setText(text);
    m_noticeAction->setText(action);
    m_notice->show();
}

void ArtifactPane::noticeActionClicked()
{
    m_notice->hide();
    if (m_offeredLink.isValid()) {
        const QUrl link = std::exchange(m_offeredLink, QUrl());
        if (link.scheme() == u"http" || link.scheme() == u"https" || link.scheme() == u"mailto")
            QDesktopServices::openUrl(link);
        return;
    }
    runAgain();
}

void ArtifactPane::watchdogStopped(int reason)
{
    m_stoppedByWatchdog = true;
    m_pageLive = false;
    const auto limits = m_watchdog->limits();
    const QString why =
        reason == int(PreviewWatchdog::Reason::Hung)
            ? tr("The page stopped responding: a script ran for more than %1 s without a break, "
                 "so Tandem stopped it. Fix the code, or run it again.")
                  .arg(limits.hangMs / 1000.0)
            : tr("The page used more than %1 MB of memory, so Tandem stopped it. Fix the code, "
                 "or run it again.")
                  .arg(limits.memoryBytes >> 20);
    m_offeredLink = QUrl();
    showNotice(why, tr("Run again"));
    m_status->setText(tr("Stopped"));
    emit previewStopped(why);
}

void ArtifactPane::rendererTerminated(int status)
{
    m_pageLive = false;
    if (m_stoppedByWatchdog || status == QWebEnginePage::NormalTerminationStatus)
        return;

    m_watchdog->stop();
    // Under the watchdog's memory cap, an engine that cannot allocate ends the renderer.
    const QString why =
        tr("The page crashed (%1), most likely out of memory: a preview may use up to %2 MB. "
           "Fix the code, or run it again.")
            .arg(status == QWebEnginePage::KilledTerminationStatus ? tr("killed")
                                                                   : tr("renderer exit"))
            .arg(m_watchdog->limits().memoryBytes >> 20);
    m_offeredLink = QUrl();
    showNotice(why, tr("Run again"));
    m_status->setText(tr("Crashed"));
    emit previewStopped(why);
}

void ArtifactPane::pageLoaded(bool ok)
{
    const artifacts::Artifact *shown = m_current >= 0 ? &m_artifacts.at(m_current) : nullptr;
    m_pageLive =
        ok && !m_stoppedByWatchdog && shown && (shown->type == u"jsx" || shown->type == u"tsx");
    // A problem the page reported, or a stop, says more than the load's result.
    const bool quiet = m_streaming || m_problems->count() > 0 || m_notice->isVisible();
    if (!quiet)
        m_status->setText(ok ? tr("Live") : tr("The page could not be loaded."));
    if (!ok)
        qCWarning(lcUi) << "artifact page failed to load:" << m_webView->url().toString();
    emit pageRendered(ok);
}

void ArtifactPane::exportCurrent()
{
    if (m_current < 0)
        return;

    const artifacts::Artifact &artifact = m_artifacts.at(m_current);
    const QString pictureFilter = tr("PNG picture of the page (*.png)");
    QString chosenFilter;
    const QString fileFilter =
        isCode(artifact) ? tr("Source file (*)") : tr("Standalone HTML page (*.html *.htm)");
    const QString suggested =
        isCode(artifact) ? artifact.title : artifact.title + QStringLiteral(".html");
    QString path = QFileDialog::getSaveFileName(this, tr("Export"), suggested,
                                                fileFilter + QStringLiteral(";;") + pictureFilter,
                                                &chosenFilter);
    if (path.isEmpty())
        return;
    if (chosenFilter == pictureFilter
        && !path.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive))
        path += QStringLiteral(".png");

    const QString error = exportTo(path);
    m_status->setText(error.isEmpty() ? tr("Saved to %1").arg(path) : error);
}

QString ArtifactPane::exportTo(const QString &path)
{
    if (m_current < 0)
        return tr("There is nothing to export yet.");

    const artifacts::Artifact &artifact = m_artifacts.at(m_current);
    if (path.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive)) {
        QWidget *shown = isCode(artifact) ? static_cast<QWidget *>(m_codeView) : m_webView;
        if (!shown || !shown->grab().save(path, "PNG"))
            return tr("Could not save the picture to %1.").arg(path);
        return {};
    }

    // Code is saved as it is; a page with the runtime written in.
    const QByteArray bytes = isCode(artifact)
                                 ? artifact.content.toUtf8()
                                 : artifacts::ArtifactPage::standalone(artifact, m_runtime);
    if (bytes.isEmpty() && !isCode(artifact))
        return tr("The runtime in %1 is incomplete; rebuild Tandem.").arg(m_runtime.directory());

    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) < 0)
        return tr("Could not save %1: %2").arg(path, file.errorString());
    return {};
}

QString ArtifactPane::contextForModel() const
{
    if (m_current < 0)
        return {};

    const artifacts::Artifact &artifact = m_artifacts.at(m_current);
    const qsizetype version = m_versions.at(m_current).index() + 1;
    QString text = tr("Here is my version %1 of \u201c%2\u201d:").arg(version).arg(artifact.title);
    const QString fence = isCode(artifact) ? artifact.language : artifact.type;
    text += QStringLiteral("\n\n```%1\n%2").arg(fence, artifact.content);
    if (!artifact.content.endsWith(u'\n'))
        text += u'\n';
    text += QStringLiteral("```\n");

    if (m_problems->count() > 0) {
        text += tr("\nThe preview reports:\n");
        for (int row = 0; row < m_problems->count(); ++row)
            text += QStringLiteral("- ") + m_problems->item(row)->text() + u'\n';
    }
    return text;
}

const artifacts::ArtifactVersions *ArtifactPane::versions() const
{
    return m_current < 0 ? nullptr : &m_versions.at(m_current);
}

void ArtifactPane::showPreviousVersion()
{
    if (m_current >= 0 && !m_streaming && m_versions[m_current].back())
        showVersion();
}

void ArtifactPane::showNextVersion()
{
    if (m_current >= 0 && !m_streaming && m_versions[m_current].forward())
        showVersion();
}

void ArtifactPane::showVersion()
{
    artifacts::Artifact &artifact = m_artifacts[m_current];
    artifact.content = m_versions.at(m_current).current();
    m_editPause.stop();
    showEditorText(artifact.content);
    updateVersionControls();
    render();
}

QString ArtifactPane::diffToPreviousVersion() const
{
    const artifacts::ArtifactVersions *shown = versions();
    if (!shown || shown->index() == 0)
        return {};
    return artifacts::ArtifactVersions::diff(shown->at(shown->index() - 1), shown->current());
}

void ArtifactPane::showDiff()
{
    const artifacts::ArtifactVersions *shown = versions();
    if (!shown)
        return;

    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("versionDiff"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(
        tr("Version %1 against version %2").arg(shown->index() + 1).arg(shown->index()));
    auto *view = new QsciScintilla(dialog);
    view->setLexer(new QsciLexerDiff(view));
    view->setText(diffToPreviousVersion());
    view->setReadOnly(true);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(view);
    dialog->resize(720, 520);
    dialog->show();
}

void ArtifactPane::updateVersionControls()
{
    const artifacts::ArtifactVersions *shown = versions();
    const qsizetype count = shown ? shown->count() : 0;
    const qsizetype index = shown ? shown->index() : 0;
    m_versionLabel->setText(tr("Version %1 of %2").arg(index + 1).arg(count));
    m_back->setEnabled(index > 0);
    m_forward->setEnabled(index + 1 < count);
    m_diff->setEnabled(index > 0);
    for (QWidget *control :
         {static_cast<QWidget *>(m_back), static_cast<QWidget *>(m_forward),
          static_cast<QWidget *>(m_diff), static_cast<QWidget *>(m_versionLabel)})
        control->setVisible(count > 1);
}

void ArtifactPane::updateHistory()
{
    const QSignalBlocker blocker(m_history);
    m_history->clear();
    for (const artifacts::Artifact &artifact : std::as_const(m_artifacts))
        m_history->addItem(artifact.title);
    m_history->setCurrentIndex(m_current);
    m_history->setVisible(m_artifacts.size() > 1);
}

} // namespace tandem::ui
