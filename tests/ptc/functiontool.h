#pragma once

#include "tools/tool.h"

#include <functional>

// A host tool for the tests: a name, a schema, who may call it, and what it does.
class FunctionTool : public tandem::tools::Tool
{
public:
    using Body = std::function<tandem::tools::ToolOutput(const nlohmann::json &)>;

    FunctionTool(std::string name, nlohmann::json schema, std::vector<std::string> callers,
                 Body body, bool concurrent = true)
        : m_name(std::move(name))
        , m_schema(std::move(schema))
        , m_callers(std::move(callers))
        , m_body(std::move(body))
        , m_concurrent(concurrent)
    {}

    tandem::llm::ToolSpec spec() const override
    {
        return {m_name, "test tool " + m_name, m_schema, {}, m_callers};
    }

    tandem::tools::ToolOutput run(const nlohmann::json &input,
                                  const tandem::base::CancelToken &) override
    {
        ++calls;
        return m_body(input);
    }

    bool runsConcurrently() const override { return m_concurrent; }

    std::atomic<int> calls{0};

private:
    std::string m_name;
    nlohmann::json m_schema;
    std::vector<std::string> m_callers;
    Body m_body;
    bool m_concurrent;
};
