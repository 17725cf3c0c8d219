#include "tools/toolregistry.h"

#include <algorithm>

namespace tandem::tools {

void ToolRegistry::add(std::unique_ptr<Tool> tool)
{
    llm::ToolSpec spec = tool->spec();
    m_tools.push_back({std::move(tool), std::move(spec)});
}

Tool *ToolRegistry::find(const std::string &name) const
{
    // Exact names only: a look-alike must never reach a tool it does not name.
    for (const Entry &entry : m_tools) {
        if (entry.spec.name == name && entry.spec.allowsDirect())
            return entry.tool.get();
    }
    return nullptr;
}

std::vector<llm::ToolSpec> ToolRegistry::specs() const
{
    // Asked afresh: a description may depend on the tools added since.
    std::vector<llm::ToolSpec> specs;
    for (const Entry &entry : m_tools) {
        if (entry.spec.allowsDirect())
            specs.push_back(entry.tool->spec());
    }
    return specs;
}

Tool *ToolRegistry::findForCode(const std::string &name) const
{
    for (const Entry &entry : m_tools) {
        if (entry.spec.name == name && entry.spec.allowsCode())
            return entry.tool.get();
    }
    return nullptr;
}

Tool *ToolRegistry::findForCaller(const std::string &name, const std::string &caller) const
{
    for (const Entry &entry : m_tools) {
        const std::vector<std::string> &callers = entry.spec.allowedCallers;
        if (entry.spec.name == name && entry.spec.allowsCode()
            && std::find(callers.begin(), callers.end(), caller) != callers.end())
            return entry.tool.get();
    }
    return nullptr;
}

std::vector<llm::ToolSpec> ToolRegistry::codeSpecs() const
{
    std::vector<llm::ToolSpec> specs;
    for (const Entry &entry : m_tools) {
        if (entry.spec.allowsCode())
            specs.push_back(entry.spec);
    }
    return specs;
}

} // namespace tandem::tools
