#include "tools/usertoolsfile.h"

#include "sandbox/jsonkeylines.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <set>

namespace tandem::tools {

using nlohmann::json;

namespace {

constexpr qint64 kMaxFileBytes = qint64(1) << 20;
constexpr int kMaxTimeoutSeconds = 3600;

const std::set<std::string> kToolKeys = {
    "name", "description", "input_schema", "allowed_callers", "command", "timeout_seconds"};
const std::set<std::string> kCallers = {llm::callers::kDirect, llm::callers::kCodeExecution20250825,
                                        llm::callers::kCodeExecution20260120};
// Tandem's own tools keep their names.
const std::set<std::string> kReserved = {"bash", "str_replace_based_edit_tool", "code_execution",
                                         "compute_kpis", "generate_report"};

// Reads one file and stops at its first problem, naming the line and the key.
class Reader
{
public:
    Reader(const QString &path, const sandbox::JsonKeyLines &lines)
        : m_path(path)
        , m_lines(lines)
    {}

    base::Result<std::vector<CommandTool::Definition>> tools(const json &document)
    {
        if (!document.is_object())
            return fail({}, QStringLiteral("expected an object with \"tools\": [...]"));
        for (const auto &[key, value] : document.items()) {
            if (key != "tools")
                return fail(QString::fromStdString(key), QStringLiteral("unknown key"));
        }
        const json list = document.value("tools", json::array());
        if (!list.is_array())
            return fail(QStringLiteral("tools"), QStringLiteral("expected a list of tools"));

        std::vector<CommandTool::Definition> definitions;
        std::set<std::string> names;
        for (size_t i = 0; i < list.size(); ++i) {
            auto definition = tool(list[i], QStringLiteral("tools[%1]").arg(i));
            if (!definition)
                return std::unexpected(definition.error());
            if (!names.insert(definition->spec.name).second)
                return fail(QStringLiteral("tools[%1].name").arg(i),
                            QStringLiteral("a second tool named %1")
                                .arg(QString::fromStdString(definition->spec.name)));
            definitions.push_back(std::move(*definition));
        }
        return definitions;
    }

private:
    base::Result<CommandTool::Definition> tool(const json &entry, const QString &at)
    {
        if (!entry.is_object())
            return fail(at, QStringLiteral("expected an object"));
        for (const auto &[key, value] : entry.items()) {
            if (!kToolKeys.contains(key))
                return fail(at + '.' + QString::fromStdString(key), QStringLiteral("unknown key"));
        }

        CommandTool::Definition definition;
        const std::string name = entry.value("name", std::string());
        static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
        if (!valid.match(QString::fromStdString(name)).hasMatch())
            return fail(at + ".name", QStringLiteral("a name is 1 to 64 letters, digits, _ or -"));
        if (kReserved.contains(name))
            return fail(at + ".name", QStringLiteral("%1 is one of Tandem's own tools")
                                          .arg(QString::fromStdString(name)));
        definition.spec.name = name;
        definition.spec.description = entry.value("description", std::string());

        definition.spec.inputSchema =
            entry.value("input_schema", json{{"type", "object"}, {"properties", json::object()}});
        if (!definition.spec.inputSchema.is_object()
            || definition.spec.inputSchema.value("type", "") != "object")
            return fail(at + ".input_schema",
                        QStringLiteral("expected a JSON Schema of type object"));

        if (auto callers = allowedCallers(entry, at); callers)
            definition.spec.allowedCallers = std::move(*callers);
        else
            return std::unexpected(callers.error());
        if (auto command = commandLine(entry, at); command)
            definition.command = std::move(*command);
        else
            return std::unexpected(command.error());

        const json timeout = entry.value("timeout_seconds", json(60));
        if (!timeout.is_number_integer() || timeout.get<int>() < 1
            || timeout.get<int>() > kMaxTimeoutSeconds)
            return fail(
                at + ".timeout_seconds",
                QStringLiteral("expected whole seconds from 1 to %1").arg(kMaxTimeoutSeconds));
        definition.timeout = std::chrono::seconds(timeout.get<int>());
        return definition;
    }

    base::Result<std::vector<std::string>> allowedCallers(const json &entry, const QString &at)
    {
        const json callers = entry.value("allowed_callers", json::array({"direct"}));
        if (!callers.is_array() || callers.empty())
            return fail(at + ".allowed_callers",
                        QStringLiteral("expected a list such as [\"direct\", "
                                       "\"code_execution_20250825\"]"));
        std::vector<std::string> list;
        for (size_t i = 0; i < callers.size(); ++i) {
            if (!callers[i].is_string() || !kCallers.contains(callers[i].get<std::string>()))
                return fail(QStringLiteral("%1.allowed_callers[%2]").arg(at).arg(i),
                            QStringLiteral("a caller is direct, code_execution_20250825 or "
                                           "code_execution_20260120"));
            list.push_back(callers[i].get<std::string>());
        }
        return list;
    }

    base::Result<QStringList> commandLine(const json &entry, const QString &at)
    {
        const json command = entry.value("command", json());
        if (!command.is_array() || command.empty()
            || !std::all_of(command.begin(), command.end(),
                            [](const json &part) { return part.is_string(); }))
            return fail(at + ".command",
                        QStringLiteral("expected the program and its arguments, such as "
                                       "[\"/usr/local/bin/issue\", \"--json\"]"));
        QStringList line;
        for (const json &part : command)
            line << QString::fromStdString(part.get<std::string>());
        const QString program = QDir::isAbsolutePath(line.first())
                                    ? line.first()
                                    : QStandardPaths::findExecutable(line.first());
        if (program.isEmpty() || !QFileInfo(program).isExecutable())
            return fail(at + ".command[0]",
                        QStringLiteral("%1 is not an executable program").arg(line.first()));
        line[0] = program;
        return line;
    }

    std::unexpected<base::Error> fail(const QString &key, const QString &message) const
    {
        const int line = m_lines.lineOf(key);
        const QString where = line > 0 ? QStringLiteral("%1:%2").arg(m_path).arg(line) : m_path;
        return base::fail("tools_file",
                          key.isEmpty() ? QStringLiteral("%1: %2").arg(where, message)
                                        : QStringLiteral("%1: %2: %3").arg(where, key, message));
    }

    QString m_path;
    const sandbox::JsonKeyLines &m_lines;
};

} // namespace

QString UserToolsFile::userFilePath()
{
    QString config = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    if (!QDir::isAbsolutePath(config))
        config = QDir::homePath() + QStringLiteral("/.config");
    return config + QStringLiteral("/tandem/tools.json");
}

base::Result<std::vector<CommandTool::Definition>> UserToolsFile::read(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return std::vector<CommandTool::Definition>{};
    if (file.size() > kMaxFileBytes || !file.open(QIODevice::ReadOnly))
        return base::fail("tools_file",
                          QStringLiteral("%1: cannot read it (or it is over 1 MiB)").arg(path));
    return parse(file.readAll(), path);
}

base::Result<std::vector<CommandTool::Definition>> UserToolsFile::parse(const QByteArray &text,
                                                                        const QString &path)
{
    json document;
    try {
        document = json::parse(text.toStdString());
    } catch (const json::parse_error &error) {
        const auto [line, column] =
            sandbox::JsonKeyLines::lineAndColumn(text, qsizetype(error.byte) - 1);
        return base::fail(
            "tools_file",
            QStringLiteral("%1:%2:%3: not valid JSON").arg(path).arg(line).arg(column));
    }
    auto lines = sandbox::JsonKeyLines::scan(text);
    if (!lines)
        return base::fail("tools_file", QStringLiteral("%1:%2: %3: %4")
                                            .arg(path)
                                            .arg(lines.error().line)
                                            .arg(lines.error().path, lines.error().message));
    return Reader(path, *lines).tools(document);
}

} // namespace tandem::tools
