#pragma once

#include "tools/tool.h"

#include <memory>
#include <vector>

namespace tandem::tools {

// The tools one agent may use, by their registered names.
class ToolRegistry
{
public:
    void add(std::unique_ptr<Tool> tool);
    Tool *find(const std::string &name) const;
    std::vector<llm::ToolSpec> specs() const;

private:
    std::vector<std::unique_ptr<Tool>> m_tools;
};

} // namespace tandem::tools
