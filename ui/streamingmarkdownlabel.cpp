#include "ui/streamingmarkdownlabel.h"

#include "artifacts/artifactextractor.h"

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

} // namespace

StreamingMarkdownLabel::StreamingMarkdownLabel(QWidget *parent)
    : QLabel(parent)
{
    setTextFormat(Qt::MarkdownText);
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

void StreamingMarkdownLabel::render()
{
    const bool finished = m_finished;
    const auto placeholder = [finished](const artifacts::Artifact &artifact, bool complete) {
        QString note;
        if (complete)
            note = tr("Page \u201c%1\u201d: open in the artifact pane \u2192")
                       .arg(escapeMarkdown(artifact.title));
        else if (finished)
            note = tr("A page was cut off before its end, so it was not rendered.");
        else
            note = tr("Writing a page\u2026");
        return QStringLiteral("\n*%1*\n").arg(note);
    };

    setText(artifacts::ArtifactExtractor::foldBlocks(m_markdown, finished, placeholder).trimmed());
}

} // namespace tandem::ui
