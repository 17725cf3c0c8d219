#include "reporting/kpitool.h"

#include <cmath>
#include <map>
#include <optional>

namespace tandem::reporting {

using nlohmann::json;

namespace {

std::optional<double> numberIn(const json &row, const char *key)
{
    const auto found = row.find(key);
    if (found == row.end())
        return std::nullopt;
    if (found->is_number())
        return found->get<double>();
    if (!found->is_string())
        return std::nullopt;
    const std::string text = found->get<std::string>();
    size_t used = 0;
    try {
        const double value = std::stod(text, &used);
        if (used == text.size() && std::isfinite(value))
            return value;
    } catch (const std::exception &) {
    }
    return std::nullopt;
}

double cents(double value)
{
    return std::round(value * 100.0) / 100.0;
}

std::string best(const std::map<std::string, double> &totals)
{
    std::string name;
    double most = -INFINITY;
    for (const auto &[key, value] : totals) {
        if (value > most) {
            most = value;
            name = key;
        }
    }
    return name;
}

json rounded(const std::map<std::string, double> &totals)
{
    json object = json::object();
    for (const auto &[key, value] : totals)
        object[key] = cents(value);
    return object;
}

} // namespace

llm::ToolSpec KpiTool::spec() const
{
    const json schema = {
        {"type", "object"},
        {"properties",
         {{"rows",
           {{"type", "array"},
            {"items", {{"type", "object"}}},
            {"minItems", 1},
            {"description", "One object per sale: revenue, units, and optionally region and "
                            "month (YYYY-MM)"}}}}},
        {"required", {"rows"}},
        {"additionalProperties", false}};
    return {"compute_kpis",
            "Sales KPIs from rows: revenue_total, units_total, average_price, revenue_by_region, "
            "revenue_by_month, top_region, best_month, month_over_month_pct (last month against "
            "the one before). Returns a JSON object.",
            schema,
            {},
            {llm::callers::kCodeExecution20250825, llm::callers::kCodeExecution20260120}};
}

tools::ToolOutput KpiTool::run(const json &input, const base::CancelToken &)
{
    const json &rows = input.at("rows");
    double revenue = 0;
    double units = 0;
    std::map<std::string, double> byRegion;
    std::map<std::string, double> byMonth;
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto rowRevenue = numberIn(rows[i], "revenue");
        const auto rowUnits = numberIn(rows[i], "units");
        if (!rowRevenue || !rowUnits)
            return tools::ToolOutput::error("row " + std::to_string(i + 1)
                                            + ": revenue and units must be numbers");
        revenue += *rowRevenue;
        units += *rowUnits;
        if (rows[i].contains("region") && rows[i]["region"].is_string())
            byRegion[rows[i]["region"].get<std::string>()] += *rowRevenue;
        if (rows[i].contains("month") && rows[i]["month"].is_string())
            byMonth[rows[i]["month"].get<std::string>()] += *rowRevenue;
    }

    json kpis = {{"rows", rows.size()},
                 {"revenue_total", cents(revenue)},
                 // Whole units stay whole in the report.
                 {"units_total",
                  units == std::floor(units) ? json(static_cast<long long>(units)) : json(units)},
                 {"average_price", units > 0 ? cents(revenue / units) : 0.0},
                 {"revenue_by_region", rounded(byRegion)},
                 {"revenue_by_month", rounded(byMonth)},
                 {"top_region", best(byRegion)},
                 {"best_month", best(byMonth)}};
    if (byMonth.size() >= 2) {
        const double last = std::prev(byMonth.end())->second;
        const double before = std::prev(byMonth.end(), 2)->second;
        if (before != 0)
            kpis["month_over_month_pct"] = std::round((last - before) / before * 1000.0) / 10.0;
    }
    return tools::ToolOutput::ok(kpis.dump());
}

} // namespace tandem::reporting
