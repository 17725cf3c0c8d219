#include "ptc/brokerrun.h"

#include "ptc/framechannel.h"
#include "ptc/schemacheck.h"

#include "audit/auditlog.h"
#include "tools/toolregistry.h"

#include <QFile>
#include <QLoggingCategory>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace tandem::ptc {

Q_DECLARE_LOGGING_CATEGORY(lcPtc)

using nlohmann::json;

namespace {

constexpr size_t kChunkBytes = 256 * 1024;
constexpr size_t kMessageInRecord = 300;
constexpr size_t kInputInRecord = 2000;
constexpr int kMaxNesting = 64;

std::string clip(const std::string &text, size_t size)
{
    return text.size() <= size ? text : text.substr(0, size) + "…";
}

// Where a chunk may end without cutting a UTF-8 sequence in two.
size_t chunkEnd(const std::string &text, size_t start)
{
    size_t end = std::min(text.size(), start + kChunkBytes);
    while (end < text.size() && end > start
           && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80)
        --end;
    return end == start ? std::min(text.size(), start + kChunkBytes) : end;
}

std::string dumped(const json &value)
{
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// How deeply a JSON text nests, found without parsing it: the parser and every copy of its
// result recurse once per level, and a frame of nothing but brackets must not exhaust a
// thread's stack.
int nestingDepth(const std::string &text)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return deepest;
}

bool looksStructured(const std::string &text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    return first != std::string::npos && (text[first] == '{' || text[first] == '[')
           && json::accept(text);
}

} // namespace

BrokerRun::BrokerRun(const tools::ToolRegistry &registry, audit::AuditLog *audit, std::string runId,
                     QString socketPath, RunBudget budget)
    : m_registry(registry)
    , m_audit(audit)
    , m_id(std::move(runId))
    , m_socketPath(std::move(socketPath))
    , m_budget(budget)
{}

BrokerRun::~BrokerRun()
{
    close();
}

base::Status BrokerRun::open()
{
    // The tools a script may call, fixed for the run; names are matched exactly.
    for (const llm::ToolSpec &spec : m_registry.codeSpecs()) {
        tools::Tool *tool = m_registry.findForCode(spec.name);
        m_tools[spec.name] = Entry{tool, spec.inputSchema, tool->runsConcurrently()};
    }

    const QByteArray path = QFile::encodeName(m_socketPath);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= qsizetype(sizeof(address.sun_path)))
        return base::fail(
            "ptc_channel",
            QStringLiteral("The tool channel's path is too long: %1").arg(m_socketPath));
    std::memcpy(address.sun_path, path.constData(), path.size() + 1);

    m_listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    m_wake = ::eventfd(0, EFD_CLOEXEC);
    if (m_listener < 0 || m_wake < 0
        || ::bind(m_listener, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0
        || ::listen(m_listener, 64) != 0)
        return base::fail("ptc_channel",
                          QStringLiteral("Cannot open the tool channel %1: %2")
                              .arg(m_socketPath, QString::fromUtf8(std::strerror(errno))));
    // The sandbox's processes run as Tandem's own user; nobody else may connect.
    ::chmod(path.constData(), 0600);

    m_deadline = std::chrono::steady_clock::now() + m_budget.maxTime;
    m_auditor = std::thread([this] { auditLoop(); });
    m_acceptor = std::thread([this] { acceptLoop(); });
    return {};
}

void BrokerRun::close()
{
    if (m_closing.exchange(true))
        return;
    m_cancel.cancel();
    if (m_wake >= 0) {
        const uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(m_wake, &one, sizeof one);
    }
    if (m_acceptor.joinable())
        m_acceptor.join();

    // A script may still hold a connection, or be half-way through a frame: cut them all.
    std::list<Connection> connections;
    {
        std::lock_guard lock(m_connectionsMutex);
        for (Connection &connection : m_connections)
            ::shutdown(connection.fd, SHUT_RDWR);
        connections.swap(m_connections);
    }
    for (Connection &connection : connections) {
        connection.thread.join();
        ::close(connection.fd);
    }

    if (m_listener >= 0) {
        ::close(m_listener);
        ::unlink(QFile::encodeName(m_socketPath).constData());
    }
    if (m_wake >= 0)
        ::close(m_wake);
    m_listener = m_wake = -1;

    {
        std::lock_guard lock(m_recordsMutex);
        m_auditStop = true;
    }
    m_auditWake.notify_one();
    if (m_auditor.joinable())
        m_auditor.join();
}

std::vector<CallRecord> BrokerRun::calls() const
{
    std::lock_guard lock(m_recordsMutex);
    return m_records;
}

void BrokerRun::acceptLoop()
{
    pollfd watched[2] = {{m_listener, POLLIN, 0}, {m_wake, POLLIN, 0}};
    while (!m_closing) {
        if (::poll(watched, 2, -1) < 0 && errno != EINTR)
            break;
        if (watched[1].revents)
            break;
        if (!(watched[0].revents & POLLIN))
            continue;
        const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0 && !admit(fd))
            ::close(fd);
    }
}

// Only the sandbox's processes, which run as Tandem's own user, and only so many at once.
bool BrokerRun::admit(int fd)
{
    ucred peer{};
    socklen_t size = sizeof peer;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 || peer.uid != ::geteuid()) {
        CallRecord record;
        record.outcome = "not_allowed";
        record.message = "a connection from uid " + std::to_string(peer.uid) + ", not Tandem's";
        keep(std::move(record));
        return false;
    }

    std::lock_guard lock(m_connectionsMutex);
    reapConnections();
    if (int(m_connections.size()) >= m_budget.maxConnections) {
        const std::string message = "too many connections to the tool channel at once ("
                                    + std::to_string(m_budget.maxConnections) + " per run)";
        FrameChannel channel(fd, m_budget.maxRequestBytes);
        channel.write(dumped({{"id", nullptr},
                              {"ok", false},
                              {"error", {{"type", "budget_exhausted"}, {"message", message}}}}));
        CallRecord record;
        record.outcome = "budget_exhausted";
        record.message = message;
        keep(std::move(record));
        return false;
    }
    Connection &connection = m_connections.emplace_back();
    connection.fd = fd;
    connection.thread = std::thread([this, &connection] { serve(&connection); });
    return true;
}

// Under m_connectionsMutex: the connections whose scripts hung up are let go.
void BrokerRun::reapConnections()
{
    for (auto it = m_connections.begin(); it != m_connections.end();) {
        if (!it->done) {
            ++it;
            continue;
        }
        it->thread.join();
        ::close(it->fd);
        it = m_connections.erase(it);
    }
}

void BrokerRun::serve(Connection *connection)
{
    const int fd = connection->fd;
    FrameChannel channel(fd, m_budget.maxRequestBytes, int(m_budget.frameTimeout.count()));
    std::string payload;
    while (!m_closing) {
        const FrameChannel::Read read = channel.read(payload);
        if (read == FrameChannel::Read::TooLarge) {
            refuse(channel, nullptr, {}, "bad_request",
                   "a request may be at most " + std::to_string(m_budget.maxRequestBytes)
                       + " bytes; the connection is closed");
            break;
        }
        if (read == FrameChannel::Read::Incomplete) {
            refuse(channel, nullptr, {}, "bad_request",
                   "a frame began but did not end within "
                       + std::to_string(m_budget.frameTimeout.count())
                       + " ms; the connection is closed");
            break;
        }
        if (read != FrameChannel::Read::Frame || !handle(payload, channel))
            break;
    }
    // The descriptor is closed by whoever joins this thread, which may be shutting it down
    // right now.
    ::shutdown(fd, SHUT_RDWR);
    std::lock_guard lock(m_connectionsMutex);
    connection->done = true;
}

bool BrokerRun::handle(const std::string &payload, FrameChannel &channel)
{
    const auto started = std::chrono::steady_clock::now();
    CallRecord record;
    if (nestingDepth(payload) > kMaxNesting)
        return refuse(channel, nullptr, record, "bad_request",
                      "a request may nest at most " + std::to_string(kMaxNesting) + " levels");
    json request = json::parse(payload, nullptr, false);
    if (request.is_discarded())
        return refuse(channel, nullptr, record, "bad_request",
                      "the frame is not JSON (UTF-8, no NaN or Infinity)");
    if (!request.is_object())
        return refuse(channel, nullptr, record, "bad_request", "a request must be a JSON object");

    const json id = request.value("id", json());
    for (const auto &[key, value] : request.items()) {
        if (key != "id" && key != "tool" && key != "input")
            return refuse(channel, id, record, "bad_request",
                          "unknown field `" + key + "`: a request has id, tool and input");
    }
    if (!id.is_number_integer() || !request.contains("tool") || !request["tool"].is_string())
        return refuse(channel, id, record, "bad_request",
                      "a request needs an integer id and a tool name");
    record.tool = request["tool"].get<std::string>();
    const json input = request.contains("input") ? std::move(request["input"]) : json::object();
    // Records keep the start of the input only: a flood of large calls must not pile up.
    record.input = clip(dumped(input), kInputInRecord);
    if (!input.is_object())
        return refuse(channel, id, record, "bad_request", "input must be a JSON object");

    record.sequence = ++m_callCount;
    if (record.sequence > m_budget.maxCalls)
        return refuse(channel, id, record, "budget_exhausted",
                      "tool-call limit reached: " + std::to_string(m_budget.maxCalls)
                          + " calls per run");
    if (std::chrono::steady_clock::now() > m_deadline)
        return refuse(channel, id, record, "budget_exhausted",
                      "the run's time for tool calls is over");

    const auto found = m_tools.find(record.tool);
    if (found == m_tools.end()) {
        std::string callable;
        for (const auto &[name, entry] : m_tools)
            callable += (callable.empty() ? "" : ", ") + name;
        return refuse(channel, id, record, "not_allowed",
                      "no tool named " + dumped(json(record.tool))
                          + " may be called from code; these may: "
                          + (callable.empty() ? std::string("none") : callable));
    }
    if (auto problem = SchemaCheck::check(input, found->second.schema))
        return refuse(channel, id, record, "invalid_input", record.tool + ": " + *problem);

    std::string result;
    record = runTool(found->second, input, std::move(record), result);
    record.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    if (record.outcome == "tool_error")
        return refuse(channel, id, std::move(record), "tool_error", result);
    if (result.size() > m_budget.maxResultBytes) {
        const std::string message = record.tool + " returned " + std::to_string(result.size())
                                    + " bytes; at most " + std::to_string(m_budget.maxResultBytes)
                                    + " reach a script";
        return refuse(channel, id, std::move(record), "result_too_large", message);
    }
    const bool sent = sendResult(channel, id, result);
    keep(std::move(record));
    return sent;
}

CallRecord BrokerRun::runTool(const Entry &entry, const json &input, CallRecord record,
                              std::string &result)
{
    tools::ToolOutput output;
    if (entry.concurrent) {
        output = entry.tool->run(input, m_cancel);
    } else {
        std::lock_guard lock(m_toolMutex);
        output = entry.tool->run(input, m_cancel);
    }
    record.outcome = output.isError ? "tool_error" : "ok";
    record.resultBytes = output.text.size();
    record.message = clip(output.text, kMessageInRecord);
    result = std::move(output.text);
    return record;
}

bool BrokerRun::sendResult(FrameChannel &channel, const json &id, const std::string &result)
{
    size_t start = 0;
    for (;;) {
        const size_t end = chunkEnd(result, start);
        json frame = {{"id", id}, {"data", result.substr(start, end - start)}};
        if (end < result.size()) {
            frame["more"] = true;
        } else {
            frame["ok"] = true;
            frame["format"] = looksStructured(result) ? "json" : "text";
        }
        if (!channel.write(dumped(frame)))
            return false;
        if (end >= result.size())
            return true;
        start = end;
    }
}

bool BrokerRun::refuse(FrameChannel &channel, const json &id, CallRecord record,
                       const std::string &type, const std::string &message)
{
    if (record.outcome.empty() || record.outcome == "ok")
        record.outcome = type;
    record.message = clip(message, kMessageInRecord);
    const bool sent = channel.write(
        dumped({{"id", id}, {"ok", false}, {"error", {{"type", type}, {"message", message}}}}));
    keep(std::move(record));
    // A frame that is not a request at all cannot be answered in step: end the connection.
    return sent && !(type == "bad_request" && id.is_null());
}

void BrokerRun::keep(CallRecord record)
{
    json line = {{"run", m_id},
                 {"caller", "code_execution"},
                 {"sequence", record.sequence},
                 {"tool", record.tool},
                 {"outcome", record.outcome},
                 {"input", record.input},
                 {"result_bytes", record.resultBytes},
                 {"duration_us", record.duration.count()}};
    if (record.outcome != "ok")
        line["message"] = record.message;

    std::lock_guard lock(m_recordsMutex);
    m_records.push_back(std::move(record));
    if (m_audit) {
        m_auditQueue.push_back(std::move(line));
        m_auditWake.notify_one();
    }
}

// The audit log is written on a thread of its own, several lines at a time, so that a script
// calling thousands of times does not wait on the file for each call.
void BrokerRun::auditLoop()
{
    std::unique_lock lock(m_recordsMutex);
    for (;;) {
        m_auditWake.wait(lock, [this] { return m_auditStop || !m_auditQueue.empty(); });
        std::vector<json> batch;
        batch.swap(m_auditQueue);
        const bool stopping = m_auditStop;
        lock.unlock();
        if (m_audit && !batch.empty()) {
            if (auto written = m_audit->recordBatch("ptc_call", std::move(batch)); !written)
                qCWarning(lcPtc, "tool calls not audited: %s", qPrintable(written.error().message));
        }
        lock.lock();
        if (stopping && m_auditQueue.empty())
            return;
    }
}

} // namespace tandem::ptc
