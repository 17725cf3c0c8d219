#include "ui/streamingmarkdownlabel.h"

#include "ui/codeblockview.h"

#include "artifacts/artifactextractor.h"

#include <QEvent>
#include <QLabel>
#include <QRegularExpression>
#include <QTextDocument>
#include <QVBoxLayout>

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
    : QWidget(parent)
{
    // Long code lines must not widen the whole transcript; they are clipped instead.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(8);

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
    const QList<MarkdownBlock> blocks = MarkdownBlocks::split(markdown);
    for (qsizetype i = 0; i < blocks.size(); ++i)
        showBlock(i, blocks.at(i));
    while (m_pieces.size() > blocks.size())
        delete m_pieces.takeLast().widget;
}

// A piece that did not change keeps its widget untouched: no new layout, no reflow above the
// growing end of the reply.
void StreamingMarkdownLabel::showBlock(qsizetype index, const MarkdownBlock &block)
{
    if (index < m_pieces.size() && m_pieces.at(index).block == block)
        return;

    if (index < m_pieces.size() && m_pieces.at(index).block.kind != block.kind) {
        while (m_pieces.size() > index)
            delete m_pieces.takeLast().widget;
    }
    if (index == m_pieces.size()) {
        m_pieces.append({block, makePiece(block)});
        m_layout->addWidget(m_pieces.last().widget);
    }

    Piece &piece = m_pieces[index];
    piece.block = block;
    if (auto *code = qobject_cast<CodeBlockView *>(piece.widget))
        code->setCode(block.text, block.language);
    else if (auto *prose = qobject_cast<QLabel *>(piece.widget))
        prose->setText(toHtml(block.text));
}

QWidget *StreamingMarkdownLabel::makePiece(const MarkdownBlock &block)
{
    if (block.kind == MarkdownBlock::Kind::Code)
        return new CodeBlockView(this);

    // Markdown is rendered here, not by QLabel, whose parser would take HTML in it as markup.
    auto *prose = new QLabel(this);
    prose->setObjectName(QStringLiteral("markdownProse"));
    prose->setTextFormat(Qt::RichText);
    prose->setWordWrap(true);
    prose->setTextInteractionFlags(Qt::TextBrowserInteraction);
    prose->setOpenExternalLinks(true);
    prose->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    prose->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    return prose;
}

QList<QLabel *> StreamingMarkdownLabel::textLabels() const
{
    QList<QLabel *> labels;
    for (const Piece &piece : m_pieces) {
        if (auto *code = qobject_cast<CodeBlockView *>(piece.widget))
            labels.append(code->findChild<QLabel *>(QStringLiteral("codeText")));
        else if (auto *prose = qobject_cast<QLabel *>(piece.widget))
            labels.append(prose);
    }
    return labels;
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
    QWidget::changeEvent(event);
    if (event->type() != QEvent::FontChange)
        return;

    // Every prose piece is rendered again in the new font.
    for (Piece &piece : m_pieces)
        piece.block.text.clear();
    render();
}

} // namespace tandem::ui
