#pragma once

#include "tools/tool.h"

#include <QtGlobal>

#include <chrono>

namespace tandem::sandbox {
class Sandbox;
}

namespace tandem::tools {

// Anthropic's bash tool, run inside the session's sandbox: `bash -c COMMAND` in the workspace.
// The model sees stdout, stderr and the exit code; a timeout kills the command's whole process
// tree and says so; past the cap, the start and the end of the output are kept and the
// bytes left out between them are counted.
class BashTool : public Tool
{
public:
    struct Limits
    {
        std::chrono::milliseconds timeout{120'000};
        qint64 outputCap = 30'000; // bytes per stream the model sees: the start and the end
    };

    BashTool(sandbox::Sandbox &sandbox, Limits limits);

    llm::ToolSpec spec() const override;
    ToolOutput run(const nlohmann::json &input, const base::CancelToken &cancel) override;

private:
    sandbox::Sandbox &m_sandbox;
    Limits m_limits;
};

} // namespace tandem::tools
