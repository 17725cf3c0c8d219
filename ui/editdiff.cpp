#include "ui/editdiff.h"

#include <QStringList>

#include <algorithm>

namespace tandem::ui {

namespace {

QStringList linesOf(const QJsonObject &input, const char *field)
{
    // A final newline ends the last line; it does not start another.
    QString text = input.value(QLatin1String(field)).toString();
    if (text.endsWith(u'\n'))
        text.chop(1);
    return text.split(u'\n');
}

} // namespace

std::optional<EditDiff> EditDiff::fromEditorInput(const QJsonObject &input)
{
    const QString command = input.value(QStringLiteral("command")).toString();
    const QString path = input.value(QStringLiteral("path")).toString();
    EditDiff diff;

    if (command == QLatin1String("create")) {
        diff.m_lines.append({Kind::Note, QStringLiteral("new file %1").arg(path)});
        diff.addReplacement({}, linesOf(input, "file_text"));
    } else if (command == QLatin1String("str_replace")) {
        diff.m_lines.append({Kind::Note, path});
        diff.addReplacement(linesOf(input, "old_str"), linesOf(input, "new_str"));
    } else if (command == QLatin1String("insert")) {
        diff.m_lines.append(
            {Kind::Note, QStringLiteral("%1, after line %2")
                             .arg(path)
                             .arg(input.value(QStringLiteral("insert_line")).toInt())});
        diff.addReplacement({}, linesOf(input, "new_str"));
    } else {
        return std::nullopt;
    }
    return diff;
}

void EditDiff::addReplacement(const QStringList &before, const QStringList &after)
{
    qsizetype head = 0;
    while (head < before.size() && head < after.size() && before[head] == after[head])
        ++head;
    qsizetype tail = 0;
    while (tail < before.size() - head && tail < after.size() - head
           && before[before.size() - 1 - tail] == after[after.size() - 1 - tail])
        ++tail;

    for (qsizetype i = 0; i < head; ++i)
        m_lines.append({Kind::Context, before[i]});
    for (qsizetype i = head; i < before.size() - tail; ++i)
        m_lines.append({Kind::Removed, before[i]});
    for (qsizetype i = head; i < after.size() - tail; ++i)
        m_lines.append({Kind::Added, after[i]});
    for (qsizetype i = before.size() - tail; i < before.size(); ++i)
        m_lines.append({Kind::Context, before[i]});
}

int EditDiff::count(Kind kind) const
{
    return int(std::count_if(m_lines.begin(), m_lines.end(),
                             [kind](const Line &line) { return line.kind == kind; }));
}

QString EditDiff::toHtml() const
{
    QString rows;
    for (const Line &line : m_lines) {
        QString style;
        QString sign = QStringLiteral(" ");
        switch (line.kind) {
        case Kind::Removed:
            style = QStringLiteral("background:#ffebe9;color:#82071e");
            sign = QStringLiteral("-");
            break;
        case Kind::Added:
            style = QStringLiteral("background:#dafbe1;color:#116329");
            sign = QStringLiteral("+");
            break;
        case Kind::Note:
            style = QStringLiteral("color:#57606a;font-weight:bold");
            sign = QString();
            break;
        case Kind::Context:
            style = QStringLiteral("color:#57606a");
            break;
        }
        rows += QStringLiteral("<tr><td style=\"%1\"><pre style=\"margin:0\">%2%3</pre></td></tr>")
                    .arg(style, sign, line.text.toHtmlEscaped());
    }
    return QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"1\">%1</table>")
        .arg(rows);
}

} // namespace tandem::ui
