#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tandem::modelserver {

// What happened so far, for the tests that drive the server: the --report file, rewritten
// after every request, and the --record file, one request body per line. Safe to use from
// every connection's thread.
class ServerReport
{
public:
    ServerReport(std::string reportPath, std::string recordPath);

    // Appends the body to the record file as one line of JSON.
    void recordBody(const std::string &body);

    // Counts a finished request with its failure or completed scenario, then rewrites the
    // report file.
    void finishRequest(const std::optional<std::string> &failure,
                       const std::optional<std::string> &completedScenario);

    // Writes the report before any request arrives, so that it always exists.
    void writeInitial();

private:
    void writeReport() const;

    mutable std::mutex m_mutex;
    std::string m_reportPath;
    std::string m_recordPath;
    long m_requests = 0;
    std::vector<std::string> m_failures;
    std::vector<std::string> m_completed;
};

} // namespace tandem::modelserver
