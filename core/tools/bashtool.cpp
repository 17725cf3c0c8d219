#include "tools/bashtool.h"

#include "sandbox/sandbox.h"

#include <QString>

namespace tandem::tools {

using nlohmann::json;

BashTool::BashTool(sandbox::Sandbox &sandbox, Limits limits)
    : m_sandbox(sandbox)
    , m_limits(limits)
{}

llm::ToolSpec BashTool::spec() const
{
    json schema = {
        {"type", "object"},
        {"properties",
         {{"command",
           {{"type", "string"}, {"description", "The shell command to run in the workspace"}}},
          {"restart", {{"type", "boolean"}}}}},
        {"required", json::array()}};
    return {"bash",
            "Run a shell command in a sandbox whose working directory is the workspace. "
            "No network; only the workspace is writable.",
            schema,
            "bash_20250124",
            {}};
}

ToolOutput BashTool::run(const json &input, const base::CancelToken &cancel)
{
    // Every command gets a fresh shell, so a restart has nothing to reset.
    if (input.value("restart", false))
        return ToolOutput::ok("The shell has been restarted.");

    const auto command = input.find("command");
    if (command == input.end() || !command->is_string() || command->get<std::string>().empty())
        return ToolOutput::error("`command` is required: the shell command to run.");

    sandbox::ExecRequest request;
    request.argv = {QStringLiteral("bash"), QStringLiteral("-c"),
                    QString::fromStdString(command->get<std::string>())};
    request.timeout = m_limits.timeout;
    request.outputCap = m_limits.outputCap;

    auto result = m_sandbox.exec(request, cancel);
    if (!result)
        return ToolOutput::error(result.error().message.toStdString());

    std::string text = result->stdoutData.toStdString();
    if (result->stderrBytes > 0) {
        text += (text.empty() || text.back() == '\n' ? "" : "\n");
        text += result->stderrData.toStdString();
    }

    if (result->cancelled)
        return ToolOutput::error(text + "\n[stopped by the user]");
    if (result->timedOut) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(m_limits.timeout);
        return ToolOutput::error(text + "\n[timed out after " + std::to_string(seconds.count())
                                 + " s; the command and everything it started were killed]");
    }
    if (result->signal != 0)
        text += "\n[killed by signal " + std::to_string(result->signal) + "]";
    else if (result->exitCode != 0)
        text += "\n[exit code " + std::to_string(result->exitCode) + "]";
    return ToolOutput::ok(text.empty() ? "[no output]" : text);
}

} // namespace tandem::tools
