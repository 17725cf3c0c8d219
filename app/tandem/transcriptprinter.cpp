#include "transcriptprinter.h"

#include "agent/agentloop.h"

#include <nlohmann/json.hpp>

namespace tandem::app {

namespace {

constexpr int kResultLines = 12;

// The one line that says what a call does: a shell command, or an editor command and path.
QString callSummary(const QString &name, const QString &inputJson)
{
    const auto input = nlohmann::json::parse(inputJson.toStdString(), nullptr, false);
    if (!input.is_object())
        return name;
    if (input.contains("command") && name == QLatin1String("bash"))
        return QStringLiteral("$ ") + QString::fromStdString(input.value("command", ""));
    if (input.contains("path")) {
        return QStringLiteral("%1 %2").arg(QString::fromStdString(input.value("command", "")),
                                           QString::fromStdString(input.value("path", "")));
    }
    return name + QLatin1Char(' ') + inputJson.simplified();
}

// What the model and its commands print is shown, never obeyed: control characters (escape
// sequences that retitle the terminal, write the clipboard or erase lines) become visible.
QString visible(const QString &text)
{
    QString shown;
    shown.reserve(text.size());
    for (const QChar c : text) {
        const char16_t code = c.unicode();
        const bool control = code < 0x20 || code == 0x7f || (code >= 0x80 && code < 0xa0);
        if (control && code != u'\n' && code != u'\t')
            shown += QStringLiteral("\\x%1").arg(int(code), 2, 16, QLatin1Char('0'));
        else
            shown += c;
    }
    return shown;
}

} // namespace

TranscriptPrinter::TranscriptPrinter(agent::AgentLoop &loop, FILE *out, QObject *parent)
    : QObject(parent)
    , m_out(out)
{
    connect(&loop, &agent::AgentLoop::textDelta, this, &TranscriptPrinter::text);
    connect(&loop, &agent::AgentLoop::toolCallStarted, this, &TranscriptPrinter::toolStarted);
    connect(&loop, &agent::AgentLoop::toolCallFinished, this, &TranscriptPrinter::toolFinished);
}

void TranscriptPrinter::step(const QString &description)
{
    write((m_atLineStart ? QString() : QStringLiteral("\n")) + QStringLiteral("== ") + description
          + QLatin1Char('\n'));
}

void TranscriptPrinter::text(const QString &delta)
{
    write(delta);
}

void TranscriptPrinter::toolStarted(const QString &, const QString &name, const QString &inputJson)
{
    write((m_atLineStart ? QString() : QStringLiteral("\n"))
          + QStringLiteral("[%1] %2\n").arg(name, callSummary(name, inputJson)));
}

void TranscriptPrinter::toolFinished(const QString &, const QString &output, bool isError)
{
    const QStringList lines = output.split(QLatin1Char('\n'));
    const QString mark = isError ? QStringLiteral("  ! ") : QStringLiteral("  | ");
    QString shown;
    for (int i = 0; i < std::min<int>(kResultLines, lines.size()); ++i)
        shown += mark + lines[i] + QLatin1Char('\n');
    if (lines.size() > kResultLines)
        shown += mark + QStringLiteral("... %1 more lines\n").arg(lines.size() - kResultLines);
    write(shown);
}

void TranscriptPrinter::write(const QString &text)
{
    if (text.isEmpty())
        return;
    const QByteArray bytes = visible(text).toUtf8();
    std::fwrite(bytes.constData(), 1, bytes.size(), m_out);
    std::fflush(m_out);
    m_atLineStart = text.endsWith(QLatin1Char('\n'));
}

} // namespace tandem::app
