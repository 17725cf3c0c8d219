#include "tools/toolregistry.h"

namespace tandem::tools {

void ToolRegistry::add(std::unique_ptr<Tool> tool)
{
    m_tools.push_back(std::move(tool));
}

Tool *ToolRegistry::find(const std::string &name) const
{
    // Exact names only: a look-alike must never reach a tool it does not name.
    for (const auto &tool : m_tools) {
        if (tool->spec().name == name)
            return tool.get();
    }
    return nullptr;
}

std::vector<llm::ToolSpec> ToolRegistry::specs() const
{
    std::vector<llm::ToolSpec> specs;
    for (const auto &tool : m_tools)
        specs.push_back(tool->spec());
    return specs;
}

} // namespace tandem::tools
