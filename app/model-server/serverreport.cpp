#include "serverreport.h"

#include "logging.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

namespace tandem::modelserver {

ServerReport::ServerReport(std::string reportPath, std::string recordPath)
    : m_reportPath(std::move(reportPath))
    , m_recordPath(std::move(recordPath))
{}

void ServerReport::recordBody(const std::string &body)
{
    if (m_recordPath.empty())
        return;

    // Re-serialised so that one body is exactly one line; a body that is not JSON is kept
    // as a JSON string.
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    const auto line = (parsed.is_discarded() ? nlohmann::json(body) : parsed)
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

    const std::lock_guard lock(m_mutex);
    std::ofstream file(m_recordPath, std::ios::app | std::ios::binary);
    file << line << '\n';
    if (!file)
        qCWarning(lcModelServer) << "cannot append to the record file"
                                 << QString::fromStdString(m_recordPath);
}

void ServerReport::finishRequest(const std::optional<std::string> &failure,
                                 const std::optional<std::string> &completedScenario)
{
    const std::lock_guard lock(m_mutex);
    ++m_requests;
    if (failure)
        m_failures.push_back(*failure);
    if (completedScenario)
        m_completed.push_back(*completedScenario);
    writeReport();
}

void ServerReport::writeInitial()
{
    const std::lock_guard lock(m_mutex);
    writeReport();
}

void ServerReport::writeReport() const
{
    if (m_reportPath.empty())
        return;

    const nlohmann::ordered_json report = {
        {"requests", m_requests}, {"failures", m_failures}, {"completed", m_completed}};

    // Written aside and renamed, so that a reader never sees half a report.
    const std::string partial = m_reportPath + ".partial";
    {
        std::ofstream file(partial, std::ios::trunc | std::ios::binary);
        file << report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        if (!file) {
            qCWarning(lcModelServer)
                << "cannot write the report file" << QString::fromStdString(m_reportPath);
            return;
        }
    }
    if (std::rename(partial.c_str(), m_reportPath.c_str()) != 0)
        qCWarning(lcModelServer) << "cannot replace the report file"
                                 << QString::fromStdString(m_reportPath);
}

} // namespace tandem::modelserver
