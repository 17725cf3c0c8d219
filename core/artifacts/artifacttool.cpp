#include "artifacts/artifacttool.h"

#include "artifacts/artifactstore.h"

#include <QHash>

namespace tandem::artifacts {

using nlohmann::json;

namespace {

std::optional<QString> stringField(const json &input, const char *key)
{
    const auto it = input.find(key);
    if (it == input.end() || !it->is_string())
        return std::nullopt;
    return QString::fromStdString(it->get<std::string>());
}

tools::ToolOutput failure(const base::Error &error)
{
    return tools::ToolOutput::error(error.message.toStdString());
}

tools::ToolOutput missing(const char *field, const char *command)
{
    return tools::ToolOutput::error(std::string("`") + command + "` needs `" + field
                                    + "` as a string.");
}

// The artifact type behind a type the model names; React written in TypeScript is tsx.
QString artifactType(const QString &type, const QString &language)
{
    static const QHash<QString, QString> types = {
        {QStringLiteral("html"), QStringLiteral("html")},
        {QStringLiteral("svg"), QStringLiteral("svg")},
        {QStringLiteral("mermaid"), QStringLiteral("mermaid")},
        {QStringLiteral("markdown"), QStringLiteral("markdown")},
        {QStringLiteral("code"), QStringLiteral("code")},
    };
    if (type == u"react") {
        const QString lower = language.toLower();
        const bool typed = lower == u"tsx" || lower == u"ts" || lower == u"typescript";
        return typed ? QStringLiteral("tsx") : QStringLiteral("jsx");
    }
    return types.value(type);
}

QString titleFor(const Artifact &artifact)
{
    if (artifact.type == u"code")
        return QStringLiteral("%1 code").arg(artifact.language);
    return Artifact::titleFor(artifact.type, artifact.content);
}

} // namespace

ArtifactTool::ArtifactTool(ArtifactStore &store)
    : m_store(store)
{}

llm::ToolSpec ArtifactTool::spec() const
{
    json schema = {
        {"type", "object"},
        {"properties",
         {{"command", {{"type", "string"}, {"enum", {"create", "update", "rewrite"}}}},
          {"id",
           {{"type", "string"},
            {"description", "Lower-case letters, digits and hyphens, e.g. sales-dashboard"}}},
          {"type",
           {{"type", "string"},
            {"enum", {"html", "react", "svg", "mermaid", "markdown", "code"}},
            {"description", "create only"}}},
          {"language",
           {{"type", "string"},
            {"description", "code: its language (python, cpp, typescript, ...); react: tsx for "
                            "TypeScript"}}},
          {"title", {{"type", "string"}, {"description", "create only"}}},
          {"content", {{"type", "string"}, {"description", "create and rewrite: the source"}}},
          {"old_str",
           {{"type", "string"}, {"description", "update: text that occurs exactly once"}}},
          {"new_str", {{"type", "string"}, {"description", "update: its replacement"}}}}},
        {"required", {"command", "id"}}};
    return {name,
            "Show the user a self-contained piece of work in Tandem's artifact pane, rendered "
            "beside its code: an HTML page, a React component (default export; may import react, "
            "recharts, lucide-react, lodash, d3, papaparse, mathjs; Tailwind classes work), an "
            "SVG image, a Mermaid diagram, a Markdown document, or code in a language. Nothing "
            "loads from the network. `create` makes one; `update` replaces `old_str`, which must "
            "occur exactly once, with `new_str`; `rewrite` replaces the whole content. Each call "
            "answers with the artifact's version.",
            schema,
            {},
            {}};
}

tools::ToolOutput ArtifactTool::run(const json &input, const base::CancelToken &)
{
    const std::optional<QString> command = stringField(input, "command");
    const std::optional<QString> id = stringField(input, "id");
    if (!command || !id)
        return tools::ToolOutput::error("Both `command` and `id` are required, as strings.");

    if (*command == u"create")
        return create(input, *id);
    if (*command == u"update")
        return update(input, *id);
    if (*command == u"rewrite")
        return rewrite(input, *id);
    return tools::ToolOutput::error("Unknown command `" + command->toStdString()
                                    + "`: use create, update or rewrite.");
}

tools::ToolOutput ArtifactTool::create(const json &input, const QString &id)
{
    const std::optional<QString> type = stringField(input, "type");
    const std::optional<QString> content = stringField(input, "content");
    if (!type)
        return missing("type", "create");
    if (!content)
        return missing("content", "create");

    Artifact artifact;
    artifact.id = id;
    artifact.language = stringField(input, "language").value_or(QString()).trimmed();
    artifact.type = artifactType(*type, artifact.language);
    if (artifact.type.isEmpty())
        return tools::ToolOutput::error("Unknown type `" + type->toStdString()
                                        + "`: use html, react, svg, mermaid, markdown or code.");
    if (artifact.type == u"code" && artifact.language.isEmpty())
        return tools::ToolOutput::error("A `code` artifact needs its `language` (e.g. python).");
    artifact.content = *content;
    artifact.title = stringField(input, "title").value_or(QString()).simplified();
    if (artifact.title.isEmpty())
        artifact.title = titleFor(artifact);

    const base::Result<int> version = m_store.create(artifact);
    if (!version)
        return failure(version.error());
    return tools::ToolOutput::ok(
        QStringLiteral("Created artifact `%1` (%2): version %3. The user sees it rendered.")
            .arg(id, *type)
            .arg(*version)
            .toStdString());
}

tools::ToolOutput ArtifactTool::update(const json &input, const QString &id)
{
    const std::optional<QString> oldText = stringField(input, "old_str");
    const std::optional<QString> newText = stringField(input, "new_str");
    if (!oldText)
        return missing("old_str", "update");
    if (!newText)
        return missing("new_str", "update");

    const base::Result<int> version = m_store.update(id, *oldText, *newText);
    if (!version)
        return failure(version.error());
    return tools::ToolOutput::ok(
        QStringLiteral("Updated artifact `%1`: version %2.").arg(id).arg(*version).toStdString());
}

tools::ToolOutput ArtifactTool::rewrite(const json &input, const QString &id)
{
    const std::optional<QString> content = stringField(input, "content");
    if (!content)
        return missing("content", "rewrite");

    const base::Result<int> version = m_store.rewrite(id, *content);
    if (!version)
        return failure(version.error());
    return tools::ToolOutput::ok(
        QStringLiteral("Rewrote artifact `%1`: version %2.").arg(id).arg(*version).toStdString());
}

} // namespace tandem::artifacts
