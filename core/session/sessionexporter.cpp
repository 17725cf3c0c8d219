#include "session/sessionexporter.h"

#include "session/sessionstore.h"

#include <QRegularExpression>

#include <algorithm>

namespace tandem::session {

using nlohmann::json;

namespace {

constexpr int formatVersion = 1;

std::string utc(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate).toStdString();
}

// A fence longer than any run of backticks inside, so that a reply's own code blocks stay
// inside it.
QString fenced(const QString &text, const QString &language = {})
{
    static const QRegularExpression ticks(QStringLiteral("`{3,}"));
    qsizetype longest = 2;
    for (auto it = ticks.globalMatch(text); it.hasNext();)
        longest = std::max(longest, it.next().capturedLength());
    const QString fence(longest + 1, u'`');
    QString body = text;
    if (!body.endsWith(u'\n'))
        body += u'\n';
    return fence + language + u'\n' + body + fence + QStringLiteral("\n\n");
}

QString str(const std::string &text)
{
    return QString::fromStdString(text);
}

QString blockToMarkdown(const llm::ContentBlock &block)
{
    using Type = llm::ContentBlock::Type;
    switch (block.type) {
    case Type::Text:
        return block.text.empty() ? QString() : str(block.text) + QStringLiteral("\n\n");
    case Type::ToolUse:
    case Type::ServerToolUse:
        return QStringLiteral("**Tool call** `%1` (%2)\n\n").arg(str(block.name), str(block.id))
               + fenced(str(block.input.dump(2, ' ', false, json::error_handler_t::replace)),
                        QStringLiteral("json"));
    case Type::ToolResult: {
        QString result =
            QStringLiteral("**%1** for %2\n\n")
                .arg(block.isError ? QStringLiteral("Tool error") : QStringLiteral("Tool result"),
                     str(block.toolUseId))
            + fenced(str(block.text));
        if (!block.imageBase64.empty())
            result += QStringLiteral("*(with an image, %1, kept in the JSON export)*\n\n")
                          .arg(str(block.imageMediaType));
        return result;
    }
    case Type::ServerResult:
        return QStringLiteral("**Result on the provider's side** (`%1`)\n\n")
                   .arg(str(block.raw.value("type", std::string())))
               + fenced(str(block.raw.dump(2, ' ', false, json::error_handler_t::replace)),
                        QStringLiteral("json"));
    }
    return {};
}

// A user message that only answers tool calls is part of the assistant's work, not the user
// speaking.
bool onlyResults(const llm::Message &message)
{
    return std::all_of(message.content.begin(), message.content.end(),
                       [](const llm::ContentBlock &block) {
                           return block.type == llm::ContentBlock::Type::ToolResult;
                       });
}

} // namespace

std::optional<SessionExporter::Format> SessionExporter::formatNamed(const QString &name)
{
    const QString lower = name.toLower();
    if (lower == QLatin1String("md") || lower == QLatin1String("markdown"))
        return Format::Markdown;
    if (lower == QLatin1String("json"))
        return Format::Json;
    return std::nullopt;
}

QByteArray SessionExporter::toMarkdown(const SessionSummary &session,
                                       const std::vector<StoredMessage> &messages)
{
    QString text = QStringLiteral("# %1\n\n").arg(session.title);
    text += QStringLiteral("- Session: %1\n- Started: %2\n- Last saved: %3\n")
                .arg(session.id)
                .arg(str(utc(session.created)), str(utc(session.updated)));
    if (!session.model.isEmpty())
        text += QStringLiteral("- Model: %1\n").arg(session.model);
    if (!session.workspace.isEmpty())
        text += QStringLiteral("- Workspace: %1\n").arg(session.workspace);
    text += u'\n';

    for (const StoredMessage &stored : messages) {
        const llm::Message &message = stored.message;
        const bool user = message.role == llm::Role::User && !onlyResults(message);
        if (message.role == llm::Role::Assistant || user)
            text += user ? QStringLiteral("## You\n\n") : QStringLiteral("## Tandem\n\n");
        for (const llm::ContentBlock &block : message.content)
            text += blockToMarkdown(block);
    }
    return text.trimmed().toUtf8() + '\n';
}

QByteArray SessionExporter::toJson(const SessionSummary &session,
                                   const std::vector<StoredMessage> &messages)
{
    json list = json::array();
    for (const StoredMessage &stored : messages)
        list.push_back(stored.message.toJson());
    const json document = {{"format", "tandem-session"},
                           {"version", formatVersion},
                           {"session",
                            {{"id", session.id},
                             {"title", session.title.toStdString()},
                             {"created", utc(session.created)},
                             {"updated", utc(session.updated)},
                             {"workspace", session.workspace.toStdString()},
                             {"model", session.model.toStdString()}}},
                           {"messages", std::move(list)}};
    return QByteArray::fromStdString(document.dump(2, ' ', false, json::error_handler_t::replace))
           + '\n';
}

base::Result<QByteArray> SessionExporter::exportSession(const SessionStore &store, qint64 sessionId,
                                                        Format format)
{
    auto session = store.session(sessionId);
    if (!session)
        return std::unexpected(session.error());
    auto messages = store.messages(sessionId);
    if (!messages)
        return std::unexpected(messages.error());
    return format == Format::Markdown ? toMarkdown(*session, *messages)
                                      : toJson(*session, *messages);
}

} // namespace tandem::session
