#pragma once

#include "tools/tool.h"

#include <memory>
#include <vector>

namespace tandem::tools {

// The tools one agent may use, by their registered names. Each tool says who may call it
// (ToolSpec::allowedCallers): the model, scripts of the code-execution tool, or both. Lookups
// match names exactly, byte for byte: no case folding, trimming or normalisation.
class ToolRegistry
{
public:
    void add(std::unique_ptr<Tool> tool);

    // For the model's own calls: only tools that allow the direct caller.
    Tool *find(const std::string &name) const;
    std::vector<llm::ToolSpec> specs() const;

    // For scripts: only tools that allow a code-execution caller.
    Tool *findForCode(const std::string &name) const;
    // For a call made by code of one exact caller type (e.g. "code_execution_20250825"), as
    // the provider's own code execution names it.
    Tool *findForCaller(const std::string &name, const std::string &caller) const;
    std::vector<llm::ToolSpec> codeSpecs() const;

private:
    struct Entry
    {
        std::unique_ptr<Tool> tool;
        // Kept from add(): a tool's name and callers never change, and a tool whose own
        // description lists the others (the code tool) must not be asked while it asks.
        llm::ToolSpec spec;
    };

    std::vector<Entry> m_tools;
};

} // namespace tandem::tools
