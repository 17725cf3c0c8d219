#pragma once

#include "tools/tool.h"

namespace tandem::reporting {

// compute_kpis: sales figures from rows a script read (a CSV, say): totals, average price,
// revenue by region and by month, the best of each, and the last month's change. Rows need
// `revenue` and `units` (numbers, or text holding numbers, as a CSV reader gives them);
// `region` and `month` are optional. A host tool for scripts (code-execution callers only): a
// model would rather hand it thousands of rows from code than through its own context.
class KpiTool : public tools::Tool
{
public:
    llm::ToolSpec spec() const override;
    tools::ToolOutput run(const nlohmann::json &input, const base::CancelToken &cancel) override;
    bool runsConcurrently() const override { return true; }
};

} // namespace tandem::reporting
