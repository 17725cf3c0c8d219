#include "artifacts/artifactversions.h"

#include <QList>

#include <algorithm>

namespace tandem::artifacts {

namespace {

constexpr qsizetype contextLines = 3;

enum class Op { Keep, Remove, Add };

struct Edit
{
    Op op;
    QString line;
};

QStringList linesOf(const QString &text)
{
    QStringList lines = text.split(u'\n');
    if (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    return lines;
}

// The longest common subsequence table, filled from the ends; artifacts are a few hundred
// lines, so the quadratic table stays small.
QList<Edit> editScript(const QStringList &a, const QStringList &b)
{
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    QList<QList<int>> common(n + 1, QList<int>(m + 1, 0));
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1
                                        : std::max(common[i + 1][j], common[i][j + 1]);

    QList<Edit> edits;
    qsizetype i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            edits.append({Op::Keep, a[i++]});
            ++j;
        } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
            edits.append({Op::Remove, a[i++]}); // removals first, as diff tools show them
        } else {
            edits.append({Op::Add, b[j++]});
        }
    }
    return edits;
}

QString hunkText(const QList<Edit> &edits, qsizetype from, qsizetype to)
{
    qsizetype oldStart = 1, newStart = 1;
    for (qsizetype k = 0; k < from; ++k) {
        oldStart += edits[k].op != Op::Add;
        newStart += edits[k].op != Op::Remove;
    }

    qsizetype oldCount = 0, newCount = 0;
    QString body;
    for (qsizetype k = from; k < to; ++k) {
        const Edit &edit = edits[k];
        oldCount += edit.op != Op::Add;
        newCount += edit.op != Op::Remove;
        body += QChar(edit.op == Op::Keep ? u' ' : edit.op == Op::Add ? u'+' : u'-');
        body += edit.line + u'\n';
    }
    return QStringLiteral("@@ -%1,%2 +%3,%4 @@\n")
               .arg(oldStart)
               .arg(oldCount)
               .arg(newStart)
               .arg(newCount)
           + body;
}

} // namespace

ArtifactVersions::ArtifactVersions(const QString &first)
    : m_versions{first}
{}

bool ArtifactVersions::record(const QString &content)
{
    if (content == current())
        return false;

    m_versions.append(content);
    m_index = m_versions.size() - 1;
    return true;
}

bool ArtifactVersions::back()
{
    if (m_index == 0)
        return false;
    --m_index;
    return true;
}

bool ArtifactVersions::forward()
{
    if (m_index + 1 >= m_versions.size())
        return false;
    ++m_index;
    return true;
}

QString ArtifactVersions::diff(const QString &before, const QString &after)
{
    const QList<Edit> edits = editScript(linesOf(before), linesOf(after));

    // Changes closer than twice the context share a hunk.
    QString text;
    qsizetype k = 0;
    while (k < edits.size()) {
        if (edits[k].op == Op::Keep) {
            ++k;
            continue;
        }
        const qsizetype from = std::max<qsizetype>(0, k - contextLines);
        qsizetype end = k;
        qsizetype keptRun = 0;
        for (qsizetype scan = k; scan < edits.size(); ++scan) {
            keptRun = edits[scan].op == Op::Keep ? keptRun + 1 : 0;
            if (keptRun > 2 * contextLines)
                break;
            if (edits[scan].op != Op::Keep)
                end = scan + 1;
        }
        const qsizetype to = std::min(edits.size(), end + contextLines);
        text += hunkText(edits, from, to);
        k = to;
    }
    return text;
}

} // namespace tandem::artifacts
