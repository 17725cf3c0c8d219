#include "ui/streamingmarkdownlabel.h"

#include "artifacts/artifactextractor.h"

#include <QEvent>
#include <QRegularExpression>
#include <QTextDocument>

namespace tandem::ui {

namespace {

// Long enough to batch a burst of deltas, short enough that the text still feels live.
constexpr int renderPauseMs = 80;

QString escapeMarkdown(const QString &text)
{
    static const QString special = QStringLiteral("\\`*_[]<>#");

    QString escaped;
    escaped.reserve(text.size());
    for (QChar c : text) {
        if (special.contains(c))
            escaped += u'\\';
        escaped += c;
    }
    return escaped;
}

// A character the text does not hold, to stand in for an ampersand while the text is parsed.
// A text holding every private-use character is not worth a second path: its last one would
// show as an ampersand.
QChar unusedPrivateUseCharacter(const QString &text)
{
    char16_t candidate = 0xe000;
    while (candidate < 0xf8ff && text.contains(QChar(candidate)))
        ++candidate;
    return QChar(candidate);
}

// The Markdown parser would show `&lt;` in prose as `<`. Such an ampersand is swapped for
// `standIn`, which no parser rule touches, in prose and code alike, and swapped back after
// parsing. One escaped by a backslash is left alone: the parser shows it as it is.
QString shieldEntityReferences(const QString &markdown, QChar standIn)
{
    static const QRegularExpression reference(
        QStringLiteral("&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,47};)"));

    QString shielded = markdown;
    for (const QRegularExpressionMatch &match : reference.globalMatch(markdown)) {
        qsizetype backslashes = 0;
        for (qsizetype i = match.capturedStart() - 1; i >= 0 && markdown.at(i) == u'\\'; --i)
            ++backslashes;
        if (backslashes % 2 == 0)
            shielded[match.capturedStart()] = standIn;
    }
    return shielded;
}

} // namespace

StreamingMarkdownLabel::StreamingMarkdownLabel(QWidget *parent)
    : QLabel(parent)
{
    // Markdown is rendered here, not by QLabel, whose parser would take HTML in it as markup.
    setTextFormat(Qt::RichText);
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextBrowserInteraction);
    setOpenExternalLinks(true);
    setAlignment(Qt::AlignLeft | Qt::AlignTop);
    // Long code lines must not widen the whole transcript; they are clipped instead.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_renderTimer.setSingleShot(true);
    m_renderTimer.setInterval(renderPauseMs);
    connect(&m_renderTimer, &QTimer::timeout, this, &StreamingMarkdownLabel::render);
}

void StreamingMarkdownLabel::appendText(const QString &delta)
{
    m_markdown += delta;
    if (!m_renderTimer.isActive())
        m_renderTimer.start();
}

void StreamingMarkdownLabel::finish()
{
    m_finished = true;
    m_renderTimer.stop();
    render();
}

// What the chat calls an artifact of a type.
QString StreamingMarkdownLabel::kindOf(const QString &type)
{
    if (type == u"jsx" || type == u"tsx")
        return tr("Component");
    if (type == u"svg")
        return tr("Image");
    if (type == u"mermaid")
        return tr("Diagram");
    if (type == u"markdown")
        return tr("Document");
    return tr("Page");
}

void StreamingMarkdownLabel::render()
{
    const bool finished = m_finished;
    const auto placeholder = [finished](const artifacts::Artifact &artifact, bool complete) {
        QString note;
        if (complete)
            note = tr("%1 \u201c%2\u201d: open in the artifact pane \u2192")
                       .arg(kindOf(artifact.type), escapeMarkdown(artifact.title));
        else if (finished)
            note = tr("A page was cut off before its end, so it was not rendered.");
        else
            note = tr("Writing a page\u2026");
        return QStringLiteral("\n*%1*\n").arg(note);
    };

    const QString markdown =
        artifacts::ArtifactExtractor::foldBlocks(m_markdown, finished, placeholder).trimmed();
    setText(markdown.isEmpty() ? QString() : toHtml(markdown));
}

// The document keeps the label's font because its HTML names that font.
QString StreamingMarkdownLabel::toHtml(const QString &markdown) const
{
    const QChar standIn = unusedPrivateUseCharacter(markdown);

    QTextDocument document;
    document.setDefaultFont(font());
    const QTextDocument::MarkdownFeatures features =
        QTextDocument::MarkdownFeatures(QTextDocument::MarkdownDialectGitHub)
        | QTextDocument::MarkdownNoHTML;
    document.setMarkdown(shieldEntityReferences(markdown, standIn), features);
    return document.toHtml().replace(standIn, QStringLiteral("&amp;"));
}

void StreamingMarkdownLabel::changeEvent(QEvent *event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::FontChange && !text().isEmpty())
        render();
}

} // namespace tandem::ui
