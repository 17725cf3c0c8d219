#include "vcs/changedfile.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace tandem::vcs {

int ChangedFile::newFileLine(int patchLine) const
{
    static const QRegularExpression hunkHeader(QStringLiteral("^@@ -\\d+(?:,\\d+)? \\+(\\d+)"));

    const QStringList lines = patch.split(QLatin1Char('\n'));
    int line = 0; // the new-file line the next context or added line has; 0 before a hunk
    int found = 1;
    for (int i = 0; i < lines.size() && i <= patchLine; ++i) {
        const QString &text = lines.at(i);
        if (const auto match = hunkHeader.match(text); match.hasMatch()) {
            line = match.captured(1).toInt();
            found = std::max(line, 1);
            continue;
        }
        if (line == 0 || text.isEmpty())
            continue;
        // A removed line has no place in the new file: point at the line that follows it.
        if (text.front() == QLatin1Char('-')) {
            found = line;
            continue;
        }
        if (text.front() == QLatin1Char('+') || text.front() == QLatin1Char(' '))
            found = line++;
    }
    return found;
}

} // namespace tandem::vcs
