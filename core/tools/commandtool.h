#pragma once

#include "tools/tool.h"

#include <QStringList>

#include <chrono>

namespace tandem::tools {

// A tool the user configured (tools.json, see UserToolsFile): a program on the host that gets
// the call's input as JSON on stdin and answers on stdout. It runs as the user, outside the
// sandbox, with the user's own credentials: which is why it is the user who names it, and why
// it declares who may call it.
class CommandTool : public Tool
{
public:
    struct Definition
    {
        llm::ToolSpec spec;
        QStringList command; // program and its arguments
        std::chrono::milliseconds timeout{60'000};
        qint64 outputCap = 8 << 20;
    };

    explicit CommandTool(Definition definition);

    llm::ToolSpec spec() const override { return m_definition.spec; }
    ToolOutput run(const nlohmann::json &input, const base::CancelToken &cancel) override;
    // Each call is a process of its own.
    bool runsConcurrently() const override { return true; }

private:
    Definition m_definition;
};

} // namespace tandem::tools
