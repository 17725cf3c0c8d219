#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <expected>
#include <utility>

namespace tandem::sandbox {

// Where each key of a JSON document sits. The JSON library Tandem parses with keeps no
// positions, yet an error in a policy file has to name its line: this second pass over the
// same text maps every path to one. Paths read "limits.memory" for object members and
// "network.allow[2]" for array elements; the root is "". A member's line is its key's line.
//
// It also refuses a key given twice in one object: the library would keep the last one
// silently, and `"deny": [...], "deny": []` must not quietly drop the first list.
//
//     auto lines = JsonKeyLines::scan(text); // after the parser accepted text
//     int line = lines->lineOf(QStringLiteral("limits.memory"));
class JsonKeyLines
{
public:
    struct Problem
    {
        int line = 0;
        QString path; // the key path the problem is about
        QString message;
    };

    static std::expected<JsonKeyLines, Problem> scan(const QByteArray &text);

    // The 1-based line of path, or 0 when the document has no such path.
    int lineOf(const QString &path) const;

    // The 1-based line and column (in characters) of a byte offset into text.
    static std::pair<int, int> lineAndColumn(const QByteArray &text, qsizetype offset);

    // Documents deeper than this are refused rather than walked: no policy needs more than
    // three levels, and the walk must not run out of stack on a hostile file.
    static constexpr int kMaxDepth = 32;

private:
    QHash<QString, int> m_lines;
};

} // namespace tandem::sandbox
