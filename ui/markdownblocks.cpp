#include "ui/markdownblocks.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <optional>

namespace tandem::ui {

namespace {

struct Fence
{
    QString marker;
    QString language;
};

std::optional<Fence> openingFence(const QString &line)
{
    static const QRegularExpression opening(QStringLiteral(R"(^ {0,3}(`{3,}|~{3,})\s*([^`\s]*))"));
    const QRegularExpressionMatch match = opening.match(line);
    if (!match.hasMatch())
        return std::nullopt;
    return Fence{match.captured(1), match.captured(2)};
}

bool closes(const QString &line, const QString &marker)
{
    qsizetype indent = 0;
    while (indent < line.size() && line.at(indent) == u' ')
        ++indent;
    const QString trimmed = line.trimmed();
    if (indent > 3 || trimmed.size() < marker.size())
        return false;
    return std::all_of(trimmed.begin(), trimmed.end(),
                       [&marker](QChar c) { return c == marker.front(); });
}

void addProse(QList<MarkdownBlock> &blocks, QStringList &lines)
{
    const QString text = lines.join(u'\n').trimmed();
    lines.clear();
    if (!text.isEmpty())
        blocks.append({MarkdownBlock::Kind::Prose, text, QString(), true});
}

} // namespace

QList<MarkdownBlock> MarkdownBlocks::split(const QString &markdown)
{
    QList<MarkdownBlock> blocks;
    QStringList prose;
    std::optional<Fence> fence;
    QStringList code;

    for (const QString &line : markdown.split(u'\n')) {
        if (fence) {
            if (closes(line, fence->marker)) {
                blocks.append({MarkdownBlock::Kind::Code, code.join(u'\n'), fence->language, true});
                code.clear();
                fence.reset();
            } else {
                code.append(line);
            }
            continue;
        }
        if ((fence = openingFence(line))) {
            addProse(blocks, prose);
            continue;
        }
        prose.append(line);
    }

    if (fence)
        blocks.append({MarkdownBlock::Kind::Code, code.join(u'\n'), fence->language, false});
    else
        addProse(blocks, prose);
    return blocks;
}

} // namespace tandem::ui
