#include "ptc/codeexecutiontool.h"

#include "ptc/toolbroker.h"
#include "ptc/toolmodule.h"

#include "sandbox/sandbox.h"
#include "tools/toolregistry.h"

#include <QDir>
#include <QFile>

namespace tandem::ptc {

using nlohmann::json;

namespace {

constexpr size_t kDetailInput = 500;

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return false;
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

std::string section(const char *title, const QByteArray &data, bool truncated, qint64 total)
{
    if (data.isEmpty())
        return {};
    std::string text = std::string(title) + ":\n" + data.toStdString();
    if (text.back() != '\n')
        text += '\n';
    if (truncated)
        text += "[" + std::to_string(total) + " bytes in all]\n";
    return text;
}

} // namespace

CodeExecutionTool::CodeExecutionTool(sandbox::Sandbox &sandbox, ToolBroker &broker, Limits limits)
    : m_sandbox(sandbox)
    , m_broker(broker)
    , m_limits(limits)
{}

llm::ToolSpec CodeExecutionTool::spec() const
{
    std::string callable;
    for (const llm::ToolSpec &tool : m_broker.registry().codeSpecs())
        callable += "\n- " + ToolModule::pythonSignature(tool) + ": " + tool.description;
    if (callable.empty())
        callable = "\n(no host tools are callable from scripts in this session)";

    const json schema = {{"type", "object"},
                         {"properties",
                          {{"language",
                            {{"type", "string"},
                             {"enum", {"python", "javascript"}},
                             {"description", "python (python3) or javascript (node)"}}},
                           {"code", {{"type", "string"}, {"description", "The whole script"}}}}},
                         {"required", {"code"}},
                         {"additionalProperties", false}};
    return {kName,
            "Run a script in the sandbox, in the workspace, and get back only its exit status, "
            "stdout and stderr. The script can call host tools through the `tandem_tools` "
            "module (Python: `import tandem_tools`, plain or `await tandem_tools.aio.NAME(...)`; "
            "JavaScript: `const t = require('tandem_tools')`, every call a promise), so many "
            "calls cost one turn and their results stay out of the conversation unless "
            "printed. A refused or failed call raises tandem_tools.ToolError (its .kind says "
            "why). Callable tools:"
                + callable,
            schema,
            {},
            {}};
}

base::Result<CodeExecutionTool::Script> CodeExecutionTool::prepare(const json &input) const
{
    const auto code = input.find("code");
    if (code == input.end() || !code->is_string() || code->get<std::string>().empty())
        return base::fail("ptc_input", QStringLiteral("`code` is required: the whole script."));
    const std::string language = input.value("language", std::string("python"));
    const std::vector<llm::ToolSpec> tools = m_broker.registry().codeSpecs();
    if (language == "python")
        return Script{QStringLiteral("python"), QStringLiteral("script.py"),
                      QByteArray::fromStdString(ToolModule::python(tools))};
    if (language == "javascript")
        return Script{QStringLiteral("javascript"), QStringLiteral("script.js"),
                      QByteArray::fromStdString(ToolModule::javascript(tools))};
    return base::fail("ptc_input",
                      QStringLiteral("`language` must be python or javascript, not %1.")
                          .arg(QString::fromStdString(language)));
}

QStringList CodeExecutionTool::command(const Script &script, const BrokerRun &run) const
{
    const QString folder = m_broker.inside(m_broker.runFolder(run));
    const QString socket = m_broker.inside(run.socketPath());
    QStringList argv{QStringLiteral("/usr/bin/env"),
                     QStringLiteral("TANDEM_TOOLS_SOCKET=") + socket,
                     QStringLiteral("TANDEM_RUN_ID=") + QString::fromStdString(run.id())};
    const QString path = QDir(folder).filePath(script.fileName);
    if (script.language == QLatin1String("python"))
        return argv << QStringLiteral("PYTHONPATH=") + folder
                    << QStringLiteral("PYTHONDONTWRITEBYTECODE=1") << QStringLiteral("python3")
                    << path;
    return argv << QStringLiteral("NODE_PATH=") + folder << QStringLiteral("node") << path;
}

tools::ToolOutput CodeExecutionTool::run(const json &input, const base::CancelToken &cancel)
{
    auto script = prepare(input);
    if (!script)
        return tools::ToolOutput::error(script.error().message.toStdString());
    auto opened = m_broker.openRun(m_limits.budget);
    if (!opened)
        return tools::ToolOutput::error(opened.error().message.toStdString());
    BrokerRun &run = **opened;

    QDir folder(m_broker.runFolder(run));
    const QString moduleName = script->language == QLatin1String("python")
                                   ? QStringLiteral("tandem_tools.py")
                                   : QStringLiteral("tandem_tools.js");
    if (!writeFile(folder.filePath(moduleName), script->module)
        || !writeFile(folder.filePath(script->fileName),
                      QByteArray::fromStdString(input["code"].get<std::string>())))
        return tools::ToolOutput::error("Cannot write the script into the tool channel's folder.");

    sandbox::ExecRequest request;
    request.argv = command(*script, run);
    request.timeout = m_limits.timeout;
    request.outputCap = std::max(m_limits.stdoutCap, m_limits.stderrCap);
    auto result = m_sandbox.exec(request, cancel);
    run.close();
    folder.removeRecursively();

    tools::ToolOutput output;
    output.details = details(run.calls());
    output.details["run"] = run.id();
    if (!result) {
        output.isError = true;
        output.text = result.error().message.toStdString();
        return output;
    }

    const QByteArray stderrData = result->stderrData.left(m_limits.stderrCap);
    output.text = section("stdout", result->stdoutData.left(m_limits.stdoutCap),
                          result->stdoutTruncated || result->stdoutBytes > m_limits.stdoutCap,
                          result->stdoutBytes)
                  + section("stderr", stderrData,
                            result->stderrTruncated || result->stderrBytes > m_limits.stderrCap,
                            result->stderrBytes);
    if (result->cancelled)
        output.text += "[stopped by the user]\n";
    else if (result->timedOut)
        output.text += "[timed out; the script and everything it started were killed]\n";
    else if (result->signal != 0)
        output.text += "[killed by signal " + std::to_string(result->signal) + "]\n";
    output.text += "exit status: " + std::to_string(result->exitCode) + "\n";
    output.isError = result->exitCode != 0 || result->timedOut || result->cancelled;
    output.details["exit_status"] = result->exitCode;
    return output;
}

json CodeExecutionTool::details(const std::vector<CallRecord> &calls)
{
    json list = json::array();
    for (const CallRecord &call : calls) {
        std::string input = call.input;
        if (input.size() > kDetailInput)
            input = input.substr(0, kDetailInput) + "…";
        list.push_back({{"tool", call.tool},
                        {"input", input},
                        {"outcome", call.outcome},
                        {"message", call.message},
                        {"duration_us", call.duration.count()}});
    }
    return {{"calls", list}};
}

} // namespace tandem::ptc
