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
        const llm::ToolSpec spec = tool->spec();
        if (spec.name == name && spec.allowsDirect())
            return tool.get();
    }
    return nullptr;
}

std::vector<llm::ToolSpec> ToolRegistry::specs() const
{
    std::vector<llm::ToolSpec> specs;
    for (const auto &tool : m_tools) {
        if (llm::ToolSpec spec = tool->spec(); spec.allowsDirect())
            specs.push_back(std::move(spec));
    }
    return specs;
}

Tool *ToolRegistry::findForCode(const std::string &name) const
{
    for (const auto &tool : m_tools) {
        const llm::ToolSpec spec = tool->spec();
        if (spec.name == name && spec.allowsCode())
            return tool.get();
    }
    return nullptr;
}

std::vector<llm::ToolSpec> ToolRegistry::codeSpecs() const
{
    std::vector<llm::ToolSpec> specs;
    for (const auto &tool : m_tools) {
        if (llm::ToolSpec spec = tool->spec(); spec.allowsCode())
            specs.push_back(std::move(spec));
    }
    return specs;
}

} // namespace tandem::tools
