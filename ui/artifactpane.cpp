#include "ui/artifactpane.h"

#include "ui/artifactschemehandler.h"
#include "ui/elidedlabel.h"
#include "ui/logging.h"
#include "ui/previewrequestfilter.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineView>

#include <Qsci/qscilexerhtml.h>
#include <Qsci/qsciscintilla.h>

namespace tandem::ui {

namespace {

// Long enough that typing a word does not reload the page at every key.
constexpr int editPauseMs = 300;

enum StackPage { EmptyStatePage = 0, WorkAreaPage = 1 };
enum PreviewPage { PlaceholderPage = 0, WebViewPage = 1 };

const char *const paneStyle = R"(
#artifactHeader { border-bottom: 1px solid #d1d5db; }
#artifactStatus, #previewPlaceholder { color: #6b7280; }
#emptyArtifacts { color: #4b5563; }
)";

void styleEditor(QsciScintilla *editor)
{
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    auto *lexer = new QsciLexerHTML(editor);
    lexer->setDefaultFont(mono);
    lexer->setFont(mono, -1);
    // One background for the whole page; and Scintilla's SGML keywords are upper case only,
    // so the usual lower-case <!doctype html> would show as an error.
    lexer->setDefaultPaper(Qt::white);
    lexer->setPaper(Qt::white, -1);
    lexer->setColor(lexer->color(QsciLexerHTML::SGMLCommand), QsciLexerHTML::SGMLError);
    editor->setLexer(lexer);

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

    m_editPause.setSingleShot(true);
    m_editPause.setInterval(editPauseMs);
    connect(&m_editPause, &QTimer::timeout, this, &ArtifactPane::renderEditedCode);
}

// A page must go before its profile, or the engine is left holding a profile that is gone.
ArtifactPane::~ArtifactPane()
{
    delete m_webView;
}

void ArtifactPane::beginArtifact()
{
    ensureWebView();

    m_streaming = true;
    m_editPause.stop();
    m_editor->setReadOnly(true);
    showEditorText({});
    m_title->setFullText(tr("New page"));
    m_status->setText(tr("Writing\u2026"));
    m_history->setEnabled(false);
    m_export->setEnabled(false);
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
    m_artifacts.append(artifact);
    updateHistory();
    showArtifact(int(m_artifacts.size()) - 1);
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
    auto *hint = new QLabel(tr("<p style='font-size:large'><b>Pages appear here</b></p>"
                               "<p>When a reply contains an HTML page, its code opens on the "
                               "left and the live page on the right.<br>Edit the code and the "
                               "page follows.</p>"));
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

    m_export = new QPushButton(tr("Export\u2026"), header);
    m_export->setToolTip(tr("Save the page as a standalone HTML file"));
    connect(m_export, &QPushButton::clicked, this, &ArtifactPane::exportCurrent);

    auto *row = new QHBoxLayout(header);
    row->setContentsMargins(12, 6, 12, 6);
    row->setSpacing(12);
    row->addWidget(m_title, 2);
    row->addWidget(m_status, 3);
    row->addWidget(m_history);
    row->addWidget(m_export);
    return header;
}

QWidget *ArtifactPane::makeEditor()
{
    m_editor = new QsciScintilla;
    m_editor->setObjectName(QStringLiteral("artifactEditor"));
    styleEditor(m_editor);
    connect(m_editor, &QsciScintilla::textChanged, this, &ArtifactPane::noteEdit);
    return m_editor;
}

QWidget *ArtifactPane::makePreview()
{
    m_previewPlaceholder = new QLabel(tr("The page renders as soon as its code is complete."));
    m_previewPlaceholder->setObjectName(QStringLiteral("previewPlaceholder"));
    m_previewPlaceholder->setAlignment(Qt::AlignCenter);
    m_previewPlaceholder->setWordWrap(true);

    m_preview = new QStackedWidget;
    m_preview->insertWidget(PlaceholderPage, m_previewPlaceholder);
    return m_preview;
}

void ArtifactPane::ensureWebView()
{
    if (m_webView)
        return;

    // A profile made without a storage name is off the record: no cookies or cache on disk.
    m_profile = new QWebEngineProfile(this);
    m_scheme = new ArtifactSchemeHandler(m_profile);
    m_profile->installUrlSchemeHandler(ArtifactSchemeHandler::schemeName(), m_scheme);
    m_profile->setUrlRequestInterceptor(new PreviewRequestFilter(m_profile));

    m_webView = new QWebEngineView;
    m_webView->setObjectName(QStringLiteral("artifactWebView"));
    m_webView->setPage(new QWebEnginePage(m_profile, m_webView));
    connect(m_webView, &QWebEngineView::loadFinished, this, &ArtifactPane::pageLoaded);
    m_preview->insertWidget(WebViewPage, m_webView);

    // Pages are laid out for a browser window, so the preview gets the larger share.
    const int width = m_stack->width();
    m_splitter->setSizes({width * 3 / 8, width - width * 3 / 8});

    qCInfo(lcUi, "created the page preview");
}

void ArtifactPane::showArtifact(int index)
{
    if (index < 0 || index >= m_artifacts.size() || m_streaming)
        return;

    m_current = index;
    const artifacts::Artifact &artifact = m_artifacts.at(index);
    m_editPause.stop();
    m_editor->setReadOnly(false);
    showEditorText(artifact.content);
    m_editor->setCursorPosition(0, 0);
    m_editor->ensureLineVisible(0);
    m_title->setFullText(artifact.title);
    m_history->setCurrentIndex(index);
    m_history->setEnabled(true);
    m_export->setEnabled(true);
    m_stack->setCurrentIndex(WorkAreaPage);

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
    artifact.title = artifacts::Artifact::titleFromHtml(artifact.content);
    m_shownText = artifact.content;
    m_title->setFullText(artifact.title);
    updateHistory();
    render();
}

void ArtifactPane::render()
{
    const artifacts::Artifact &artifact = m_artifacts.at(m_current);
    m_scheme->publish(artifact.id, artifact.content);
    m_status->setText(tr("Rendering\u2026"));
    m_preview->setCurrentIndex(WebViewPage);
    m_webView->load(ArtifactSchemeHandler::pageUrl(artifact.id, ++m_revision));
}

void ArtifactPane::pageLoaded(bool ok)
{
    if (!m_streaming)
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
    const QString path = QFileDialog::getSaveFileName(this, tr("Export page"),
                                                      artifact.title + QStringLiteral(".html"),
                                                      tr("HTML pages (*.html *.htm)"));
    if (path.isEmpty())
        return;

    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(artifact.content.toUtf8()) < 0) {
        m_status->setText(tr("Could not save %1: %2").arg(path, file.errorString()));
        return;
    }
    m_status->setText(tr("Saved to %1").arg(path));
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
