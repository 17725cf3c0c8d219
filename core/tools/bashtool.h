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
// tree and says so; output past the cap is cut and the cut is reported.
class BashTool : public Tool
{
public:
    struct Limits
    {
        std::chrono::milliseconds timeout{120'000};
        qint64 outputCap = 1 << 20; // kept per stream in the sandbox
        int modelOutputChars = 30'000; // shown to the model per stream
    };

    BashTool(sandbox::Sandbox &sandbox, Limits limits);

    llm::ToolSpec spec() const override;
    ToolOutput run(const nlohmann::json &input, const base::CancelToken &cancel) override;

private:
    sandbox::Sandbox &m_sandbox;
    Limits m_limits;
};

} // namespace tandem::tools
