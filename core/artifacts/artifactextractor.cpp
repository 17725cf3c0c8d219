#include "artifacts/artifactextractor.h"

#include <QLoggingCategory>
#include <QRegularExpression>

#include <algorithm>
#include <optional>

namespace tandem::artifacts {

Q_LOGGING_CATEGORY(lcArtifacts, "tandem.artifacts", QtWarningMsg)

namespace {

// CommonMark lets a fence be indented by up to three spaces.
constexpr qsizetype maxFenceIndent = 3;
constexpr qsizetype minFenceLength = 3;

enum class HtmlStart { Yes, No, Undecided };

qsizetype leadingSpaces(QStringView line)
{
    qsizetype count = 0;
    while (count < line.size() && line[count] == u' ')
        ++count;
    return count;
}

qsizetype markerRun(QStringView line, qsizetype from, QChar marker)
{
    qsizetype end = from;
    while (end < line.size() && line[end] == marker)
        ++end;
    return end - from;
}

bool isBlank(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.isSpace(); });
}

struct OpeningFence
{
    QChar marker;
    qsizetype length = 0;
    qsizetype indent = 0;
    QString language;
};

std::optional<OpeningFence> openingFence(QStringView line)
{
    const qsizetype indent = leadingSpaces(line);
    if (indent > maxFenceIndent || indent >= line.size())
        return std::nullopt;

    const QChar marker = line[indent];
    if (marker != u'`' && marker != u'~')
        return std::nullopt;

    const qsizetype length = markerRun(line, indent, marker);
    if (length < minFenceLength)
        return std::nullopt;

    const QStringView info = line.mid(indent + length).trimmed();
    if (marker == u'`' && info.contains(u'`'))
        return std::nullopt;

    const qsizetype wordEnd = info.indexOf(u' ');
    const QString language = info.left(wordEnd < 0 ? info.size() : wordEnd).toString().toLower();
    return OpeningFence{marker, length, indent, language};
}

bool closesFence(QStringView line, QChar marker, qsizetype minLength)
{
    const qsizetype indent = leadingSpaces(line);
    if (indent > maxFenceIndent)
        return false;

    const qsizetype length = markerRun(line, indent, marker);
    return length >= minLength && isBlank(line.mid(indent + length));
}

// A partial line that more characters could still turn into a closing fence is held back, so
// that a fence split across deltas never shows up as content.
bool mayBecomeClosingFence(QStringView partial, QChar marker)
{
    const qsizetype indent = leadingSpaces(partial);
    if (indent > maxFenceIndent)
        return false;

    const qsizetype length = markerRun(partial, indent, marker);
    return isBlank(partial.mid(indent + length));
}

QStringView withoutIndent(QStringView line, qsizetype indent)
{
    return line.mid(std::min(indent, leadingSpaces(line)));
}

HtmlStart classifyBareBlock(const QString &contentSoFar)
{
    static const QRegularExpression htmlStart(
        QStringLiteral("^\\s*<(?:!doctype\\s+html|html)[\\s>]"),
        QRegularExpression::CaseInsensitiveOption);

    if (isBlank(contentSoFar))
        return HtmlStart::Undecided;

    const QRegularExpressionMatch match =
        htmlStart.match(contentSoFar, 0, QRegularExpression::PartialPreferCompleteMatch);
    if (match.hasMatch())
        return HtmlStart::Yes;
    return match.hasPartialMatch() ? HtmlStart::Undecided : HtmlStart::No;
}

} // namespace

ArtifactExtractor::ArtifactExtractor(QObject *parent)
    : QObject(parent)
{}

void ArtifactExtractor::feed(const QString &delta)
{
    if (delta.isEmpty())
        return;

    m_pending += delta;
    takeCompleteLines();

    if (m_state == State::UndecidedBlock)
        decideUndecidedBlock(visibleContent());
    if (m_state == State::ArtifactBlock)
        reportGrowth();
}

void ArtifactExtractor::finish()
{
    if (!m_pending.isEmpty()) {
        const QString lastLine = m_pending;
        m_pending.clear();
        takeLine(lastLine);
    }

    if (m_state == State::ArtifactBlock) {
        qCInfo(lcArtifacts, "an artifact block ended without its closing fence; not rendered");
        emit blockAbandoned();
    }
    clearText();
}

void ArtifactExtractor::reset()
{
    clearText();
}

QString ArtifactExtractor::foldBlocks(const QString &text, bool textEnded,
                                      const Placeholder &placeholder)
{
    ArtifactExtractor scanner;
    scanner.m_recordSpans = true;
    scanner.m_pending = text;
    scanner.takeCompleteLines();
    if (textEnded && !scanner.m_pending.isEmpty()) {
        const QString lastLine = scanner.m_pending;
        scanner.m_pending.clear();
        scanner.takeLine(lastLine);
    }

    if (scanner.m_state == State::ArtifactBlock) {
        const Artifact open = scanner.makeArtifact(scanner.visibleContent());
        scanner.m_spans.append(Span{scanner.m_blockBegin, text.size(), open, false});
    }

    QString folded = text;
    for (auto span = scanner.m_spans.crbegin(); span != scanner.m_spans.crend(); ++span)
        folded.replace(span->begin, span->end - span->begin,
                       placeholder(span->artifact, span->complete));
    return folded;
}

void ArtifactExtractor::takeCompleteLines()
{
    const qsizetype lastNewline = m_pending.lastIndexOf(u'\n');
    if (lastNewline < 0)
        return;

    // Cut the finished lines out first: a receiver of a signal may feed or reset again.
    const QString lines = m_pending.left(lastNewline + 1);
    m_pending.remove(0, lastNewline + 1);

    qsizetype lineBegin = 0;
    for (qsizetype newline = lines.indexOf(u'\n'); newline >= 0;
         newline = lines.indexOf(u'\n', lineBegin)) {
        takeLine(QStringView(lines).mid(lineBegin, newline - lineBegin));
        m_consumed += 1;
        lineBegin = newline + 1;
    }
}

// Consumes one line without its newline; m_consumed advances past the line itself.
void ArtifactExtractor::takeLine(QStringView line)
{
    const qsizetype lineBegin = m_consumed;
    const qsizetype lineEnd = lineBegin + line.size();
    m_consumed = lineEnd;

    if (line.endsWith(u'\r'))
        line.chop(1);

    if (m_state == State::Prose)
        takeProseLine(line, lineBegin);
    else
        takeBlockLine(line, lineEnd);
}

void ArtifactExtractor::takeProseLine(QStringView line, qsizetype lineBegin)
{
    const std::optional<OpeningFence> fence = openingFence(line);
    if (!fence)
        return;

    m_fence = Fence{fence->marker, fence->length, fence->indent};
    m_blockBegin = lineBegin;
    m_content.clear();

    const QString type = Artifact::typeForLanguage(fence->language);
    if (!type.isEmpty())
        startArtifactBlock(type);
    else if (fence->language.isEmpty())
        m_state = State::UndecidedBlock;
    else
        m_state = State::OtherBlock;
}

void ArtifactExtractor::takeBlockLine(QStringView line, qsizetype lineEnd)
{
    if (closesFence(line, m_fence.marker, m_fence.length)) {
        if (m_state == State::ArtifactBlock)
            completeArtifactBlock(lineEnd);
        m_state = State::Prose;
        m_content.clear();
        return;
    }

    if (m_state == State::OtherBlock)
        return;

    m_content += withoutIndent(line, m_fence.indent);
    m_content += u'\n';

    if (m_state == State::UndecidedBlock)
        decideUndecidedBlock(m_content);
}

void ArtifactExtractor::decideUndecidedBlock(const QString &contentSoFar)
{
    switch (classifyBareBlock(contentSoFar)) {
    case HtmlStart::Yes:
        startArtifactBlock(QStringLiteral("html"));
        break;
    case HtmlStart::No:
        m_state = State::OtherBlock;
        m_content.clear();
        break;
    case HtmlStart::Undecided:
        break;
    }
}

void ArtifactExtractor::startArtifactBlock(const QString &type)
{
    m_state = State::ArtifactBlock;
    m_type = type;
    m_lastGrowth.clear();
    emit blockStarted(type);
}

void ArtifactExtractor::completeArtifactBlock(qsizetype end)
{
    const Artifact artifact = makeArtifact(m_content);
    ++m_nextId;

    if (m_recordSpans)
        m_spans.append(Span{m_blockBegin, end, artifact, true});

    qCDebug(lcArtifacts) << "artifact" << artifact.id << "complete," << artifact.content.size()
                         << "characters";
    emit blockCompleted(artifact);
}

void ArtifactExtractor::reportGrowth()
{
    const QString content = visibleContent();
    if (content == m_lastGrowth)
        return;

    m_lastGrowth = content;
    emit blockGrew(content);
}

QString ArtifactExtractor::visibleContent() const
{
    if (m_pending.isEmpty())
        return m_content;

    QStringView partial(m_pending);
    if (partial.endsWith(u'\r'))
        partial.chop(1);
    if (mayBecomeClosingFence(partial, m_fence.marker))
        return m_content;
    return m_content + withoutIndent(partial, m_fence.indent).toString();
}

Artifact ArtifactExtractor::makeArtifact(const QString &content) const
{
    return Artifact{QStringLiteral("artifact-%1").arg(m_nextId), m_type,
                    Artifact::titleFor(m_type, content), content};
}

void ArtifactExtractor::clearText()
{
    m_state = State::Prose;
    m_pending.clear();
    m_content.clear();
    m_lastGrowth.clear();
    m_consumed = 0;
    m_blockBegin = 0;
    m_spans.clear();
}

} // namespace tandem::artifacts
