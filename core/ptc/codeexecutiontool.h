#pragma once

#include "ptc/brokerrun.h"

#include "tools/tool.h"

#include <QString>

namespace tandem::sandbox {
class Sandbox;
}

namespace tandem::ptc {

class ToolBroker;

// Tandem's own code-execution tool, for any model: the model sends a Python or JavaScript
// script, the session's sandbox runs it, and the script calls the host tools that allow a
// code-execution caller through the generated `tandem_tools` module and the run's channel.
// Only the script's exit status, stdout and (capped) stderr go back to the model; the nested
// calls go to the transcript (ToolOutput::details) and the audit log.
class CodeExecutionTool : public tools::Tool
{
public:
    static constexpr char kName[] = "code_execution";

    struct Limits
    {
        std::chrono::milliseconds timeout{120'000};
        qint64 stdoutCap = 30'000;
        qint64 stderrCap = 10'000;
        RunBudget budget;
    };

    CodeExecutionTool(sandbox::Sandbox &sandbox, ToolBroker &broker, Limits limits);

    llm::ToolSpec spec() const override;
    tools::ToolOutput run(const nlohmann::json &input, const base::CancelToken &cancel) override;

private:
    struct Script
    {
        QString language;
        QString fileName;
        QByteArray module;
    };

    base::Result<Script> prepare(const nlohmann::json &input) const;
    QStringList command(const Script &script, const BrokerRun &run) const;
    static nlohmann::json details(const std::vector<CallRecord> &calls);

    sandbox::Sandbox &m_sandbox;
    ToolBroker &m_broker;
    Limits m_limits;
};

} // namespace tandem::ptc
