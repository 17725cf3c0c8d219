#pragma once

#include "base/canceltoken.h"
#include "base/error.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tandem::audit {
class AuditLog;
}
namespace tandem::tools {
class Tool;
class ToolRegistry;
} // namespace tandem::tools

namespace tandem::ptc {

class FrameChannel;

// What one script run may spend on tool calls.
struct RunBudget
{
    int maxCalls = 1000;
    std::chrono::milliseconds maxTime{120'000};
    int maxConnections = 32;
    size_t maxRequestBytes = 1 << 20;
    size_t maxResultBytes = 8 << 20;
    // A frame once begun must be whole within this.
    std::chrono::milliseconds frameTimeout{2000};
};

// One tool call a script made, as the transcript and the audit log keep it.
struct CallRecord
{
    int sequence = 0;
    std::string tool;
    std::string input; // as JSON text, its first 2000 bytes
    // "ok", "tool_error", or why the broker refused: "not_allowed", "invalid_input",
    // "budget_exhausted", "bad_request", "result_too_large".
    std::string outcome;
    std::string message; // the error, or the start of the result
    size_t resultBytes = 0;
    std::chrono::microseconds duration{0};
};

// The host's end of one script run's tool channel: a Unix socket of its own, so that every
// request on it is known to come from this run's script, whatever the request says about
// itself. A thread accepts connections and one thread serves each (a script may call from
// several threads at once); the GUI's event loop is never involved.
//
// Each request is checked in this order: the frame (size, JSON, exactly the fields id, tool
// and input), the run's budget of calls and time, the tool's name (exact, and only tools
// that allow a code-execution caller), and the input against the tool's schema. Results go
// back in chunks up to a cap. Every call, refused or not, is recorded and audited.
//
// Wire: each frame is a 4-byte big-endian length and UTF-8 JSON.
//     request   {"id": 1, "tool": "get_issue", "input": {"id": 7}}
//     answer    {"id": 1, "more": true, "data": "..."}...  then
//               {"id": 1, "ok": true, "data": "...", "format": "json" | "text"}
//     refusal   {"id": 1, "ok": false, "error": {"type": "not_allowed", "message": "..."}}
class BrokerRun
{
public:
    BrokerRun(const tools::ToolRegistry &registry, audit::AuditLog *audit, std::string runId,
              QString socketPath, RunBudget budget);
    ~BrokerRun();

    base::Status open();
    // Stops accepting, ends every connection and waits for their threads; idempotent.
    void close();

    const std::string &id() const { return m_id; }
    QString socketPath() const { return m_socketPath; }
    std::vector<CallRecord> calls() const;

private:
    struct Connection
    {
        int fd = -1;
        std::thread thread;
        bool done = false; // its thread is about to end: the acceptor joins it
    };

    struct Entry
    {
        tools::Tool *tool = nullptr;
        nlohmann::json schema;
        bool concurrent = false;
    };

    void acceptLoop();
    bool admit(int fd);
    void reapConnections();
    void serve(Connection *connection);
    bool handle(const std::string &payload, FrameChannel &channel);
    bool refuse(FrameChannel &channel, const nlohmann::json &id, CallRecord record,
                const std::string &type, const std::string &message);
    CallRecord runTool(const Entry &entry, const nlohmann::json &input, CallRecord record,
                       std::string &result);
    bool sendResult(FrameChannel &channel, const nlohmann::json &id, const std::string &result);
    void keep(CallRecord record);
    void auditLoop();

    const tools::ToolRegistry &m_registry;
    audit::AuditLog *m_audit;
    std::string m_id;
    QString m_socketPath;
    RunBudget m_budget;
    std::map<std::string, Entry> m_tools;
    std::chrono::steady_clock::time_point m_deadline;
    base::CancelToken m_cancel;

    int m_listener = -1;
    int m_wake = -1;
    std::thread m_acceptor;
    std::mutex m_connectionsMutex;
    std::list<Connection> m_connections;
    std::atomic<bool> m_closing{false};
    std::atomic<int> m_callCount{0};
    std::mutex m_toolMutex; // tools that do not run concurrently run one at a time

    mutable std::mutex m_recordsMutex;
    std::vector<CallRecord> m_records;
    std::condition_variable m_auditWake;
    std::vector<nlohmann::json> m_auditQueue;
    std::thread m_auditor;
    bool m_auditStop = false;
};

} // namespace tandem::ptc
