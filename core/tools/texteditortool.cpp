#include "tools/texteditortool.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

namespace tandem::tools {

using nlohmann::json;

namespace {

constexpr qint64 kMaxViewBytes = 256 * 1024;
constexpr int kSnippetContext = 4;

std::string toStd(const QString &text)
{
    return text.toStdString();
}

QString stringField(const json &input, const char *key)
{
    const auto it = input.find(key);
    return it != input.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                : QString();
}

bool hasString(const json &input, const char *key)
{
    const auto it = input.find(key);
    return it != input.end() && it->is_string();
}

QString numbered(const QStringList &lines, int firstLine)
{
    QString out;
    for (int i = 0; i < lines.size(); ++i)
        out += QStringLiteral("%1\t%2\n").arg(firstLine + i, 6).arg(lines[i]);
    return out;
}

base::Result<QString> readText(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return base::fail("read_failed",
                          QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxViewBytes * 16)
        return base::fail("too_large", QStringLiteral("The file is too large to edit here."));
    return QString::fromUtf8(file.readAll());
}

base::Status writeText(const QString &path, const QString &text)
{
    // All or nothing: a failed write never leaves half a file behind.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit())
        return base::fail("write_failed",
                          QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

QString snippet(const QString &text, int aroundLine)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    const int first = std::max(0, aroundLine - kSnippetContext);
    const int last = std::min<int>(lines.size(), aroundLine + kSnippetContext + 1);
    return numbered(lines.mid(first, last - first), first + 1);
}

} // namespace

TextEditorTool::TextEditorTool(WorkspacePaths paths)
    : m_paths(std::move(paths))
{}

llm::ToolSpec TextEditorTool::spec() const
{
    json schema = {
        {"type", "object"},
        {"properties",
         {{"command", {{"type", "string"}, {"enum", {"view", "create", "str_replace", "insert"}}}},
          {"path", {{"type", "string"}, {"description", "Path relative to the workspace root"}}},
          {"view_range", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
          {"file_text", {{"type", "string"}}},
          {"old_str", {{"type", "string"}}},
          {"new_str", {{"type", "string"}}},
          {"insert_line", {{"type", "integer"}}},
          {"insert_text", {{"type", "string"}}}}},
        {"required", {"command", "path"}}};
    return {"str_replace_based_edit_tool",
            "View, create and edit text files in the workspace. view lists a folder or shows a "
            "file with line numbers; str_replace needs old_str to match exactly once.",
            schema,
            "text_editor_20250728",
            {}};
}

ToolOutput TextEditorTool::run(const json &input, const base::CancelToken &)
{
    const QString command = stringField(input, "command");
    const QString modelPath = stringField(input, "path");
    if (command.isEmpty() || modelPath.isEmpty())
        return ToolOutput::error("Both `command` and `path` are required.");

    auto path = m_paths.resolve(modelPath);
    if (!path)
        return ToolOutput::error(toStd(path.error().message));

    if (command == QLatin1String("view"))
        return view(*path, input);
    if (command == QLatin1String("create"))
        return create(*path, input);
    if (command == QLatin1String("str_replace"))
        return replace(*path, input);
    if (command == QLatin1String("insert"))
        return insert(*path, input);
    return ToolOutput::error("Unknown command `" + toStd(command)
                             + "`: use view, create, str_replace or insert.");
}

ToolOutput TextEditorTool::view(const QString &path, const json &input) const
{
    const QFileInfo info(path);
    if (info.isDir())
        return viewFolder(path);
    if (!info.exists())
        return ToolOutput::error(toStd(m_paths.display(path)) + " does not exist.");

    auto text = readText(path);
    if (!text)
        return ToolOutput::error(toStd(text.error().message));

    QStringList lines = text->split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();

    int first = 1;
    int last = lines.size();
    const auto range = input.find("view_range");
    if (range != input.end() && range->is_array() && range->size() == 2
        && (*range)[0].is_number_integer() && (*range)[1].is_number_integer()) {
        first = (*range)[0].get<int>();
        last = (*range)[1].get<int>() == -1 ? lines.size() : (*range)[1].get<int>();
        if (first < 1 || first > std::max<int>(1, lines.size()) || last < first
            || last > lines.size()) {
            return ToolOutput::error("view_range must lie within the file's "
                                     + std::to_string(lines.size()) + " lines.");
        }
    }

    const QString body = numbered(lines.mid(first - 1, last - first + 1), first);
    return ToolOutput::ok("Here's the result of running `cat -n` on " + toStd(m_paths.display(path))
                          + ":\n" + toStd(body.left(kMaxViewBytes)));
}

ToolOutput TextEditorTool::viewFolder(const QString &path) const
{
    QStringList entries;
    QDirIterator it(path, QDir::AllEntries | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString entry = it.next();
        const QString shown = m_paths.display(entry);
        const QString below = entry.mid(path.size() + 1);
        // Hidden items and anything deeper than two levels stay out, as in `find -maxdepth 2`.
        if (below.count(QLatin1Char('/')) > 1
            || shown.split(QLatin1Char('/')).contains(QRegularExpression(QStringLiteral("^\\..+"))))
            continue;
        entries << shown + (it.fileInfo().isDir() ? QStringLiteral("/") : QString());
    }
    entries.sort();
    return ToolOutput::ok("Files and folders up to 2 levels deep in " + toStd(m_paths.display(path))
                          + ", hidden items excluded:\n" + toStd(entries.join(QLatin1Char('\n')))
                          + "\n");
}

ToolOutput TextEditorTool::create(const QString &path, const json &input) const
{
    if (!hasString(input, "file_text"))
        return ToolOutput::error("`create` needs `file_text`.");
    if (QFileInfo(path).isDir())
        return ToolOutput::error(toStd(m_paths.display(path)) + " is a folder.");

    if (auto written = writeText(path, stringField(input, "file_text")); !written)
        return ToolOutput::error(toStd(written.error().message));
    return ToolOutput::ok("File created: " + toStd(m_paths.display(path)));
}

ToolOutput TextEditorTool::replace(const QString &path, const json &input) const
{
    if (!hasString(input, "old_str"))
        return ToolOutput::error("`str_replace` needs `old_str`.");
    const QString oldText = stringField(input, "old_str");
    const QString newText = stringField(input, "new_str");
    if (oldText.isEmpty())
        return ToolOutput::error("`old_str` is empty; give the exact text to replace.");

    auto text = readText(path);
    if (!text)
        return ToolOutput::error(toStd(text.error().message));

    const int count = text->count(oldText);
    if (count == 0) {
        return ToolOutput::error("No replacement made: old_str does not appear verbatim in "
                                 + toStd(m_paths.display(path)) + ".");
    }
    if (count > 1) {
        return ToolOutput::error("No replacement made: old_str appears " + std::to_string(count)
                                 + " times in " + toStd(m_paths.display(path))
                                 + "; include more context so that it is unique.");
    }

    const qsizetype at = text->indexOf(oldText);
    const int line = text->left(at).count(QLatin1Char('\n'));
    QString updated = *text;
    updated.replace(at, oldText.size(), newText);
    if (auto written = writeText(path, updated); !written)
        return ToolOutput::error(toStd(written.error().message));

    return ToolOutput::ok("The file " + toStd(m_paths.display(path))
                          + " has been edited. Lines around the change:\n"
                          + toStd(snippet(updated, line)));
}

ToolOutput TextEditorTool::insert(const QString &path, const json &input) const
{
    const auto lineField = input.find("insert_line");
    const char *textKey = hasString(input, "insert_text") ? "insert_text" : "new_str";
    if (lineField == input.end() || !lineField->is_number_integer() || !hasString(input, textKey))
        return ToolOutput::error("`insert` needs `insert_line` and `insert_text`.");

    auto text = readText(path);
    if (!text)
        return ToolOutput::error(toStd(text.error().message));

    QStringList lines = text->split(QLatin1Char('\n'));
    const bool trailingNewline = text->endsWith(QLatin1Char('\n'));
    if (trailingNewline)
        lines.removeLast();

    const int after = lineField->get<int>();
    if (after < 0 || after > lines.size()) {
        return ToolOutput::error("insert_line must be between 0 and " + std::to_string(lines.size())
                                 + ".");
    }

    const QStringList inserted = stringField(input, textKey).split(QLatin1Char('\n'));
    for (int i = 0; i < inserted.size(); ++i)
        lines.insert(after + i, inserted[i]);

    const QString updated = lines.join(QLatin1Char('\n')) + (trailingNewline ? "\n" : "");
    if (auto written = writeText(path, updated); !written)
        return ToolOutput::error(toStd(written.error().message));
    return ToolOutput::ok("The file " + toStd(m_paths.display(path)) + " has been edited:\n"
                          + toStd(snippet(updated, after)));
}

} // namespace tandem::tools
