#pragma once

#include "base/canceltoken.h"
#include "base/error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace tandem::sandbox {

// One command to run inside a sandbox. argv[0] is looked up on the sandbox's PATH.
struct ExecRequest
{
    QStringList argv;
    QString workingDirectory; // inside the sandbox; empty: the workspace
    std::chrono::milliseconds timeout{120'000};
    // Bytes kept per stream: the first and the last half of the cap, with a line between that
    // counts what was left out.
    qint64 outputCap = 1 << 20;
};

// The limit that ended a command, if one did.
enum class LimitHit { None, WallTime, CpuTime, Memory, Processes, Disk };

struct ExecResult
{
    int exitCode = -1;
    int signal = 0;
    bool timedOut = false;
    bool cancelled = false;
    LimitHit limitHit = LimitHit::None; // WallTime whenever timedOut
    QByteArray stdoutData;
    QByteArray stderrData;
    qint64 stdoutBytes = 0; // everything the command wrote, kept or not
    qint64 stderrBytes = 0;
    bool stdoutTruncated = false;
    bool stderrTruncated = false;
    std::chrono::milliseconds duration{0};
};

// A place to run untrusted commands against a workspace. A sandbox belongs to one session:
// start() makes it ready, exec() runs one command in it (the command's whole process tree is
// killed on timeout or cancel), stop() destroys it. Backends: bubblewrap (local, the default),
// later containers over the Docker Engine API.
class Sandbox
{
public:
    // Hears everything the sandbox does (start, each command and how it ended, limits hit,
    // network decisions, stop), for the audit log. Called on the thread that acts: exec's
    // caller, or the network proxy's own thread.
    using EventSink = std::function<void(const std::string &kind, nlohmann::json fields)>;

    virtual ~Sandbox() = default;

    void setEventSink(EventSink sink) { m_events = std::move(sink); }

    virtual base::Status start() = 0;
    virtual base::Result<ExecResult> exec(const ExecRequest &request,
                                          const base::CancelToken &cancel) = 0;
    virtual void stop() = 0;

    // The workspace as commands inside see it, e.g. "/workspace".
    virtual QString workspaceInside() const = 0;
    virtual QString describe() const = 0;

    static const char *limitName(LimitHit limit);

    // The environment every command starts with, whatever the backend: a fixed list, nothing
    // of Tandem's own (its keys and tokens live there).
    static QStringList baseEnvironment();
    static constexpr char kHomeInside[] = "/tmp/home";

protected:
    void record(const std::string &kind, nlohmann::json fields) const
    {
        if (m_events)
            m_events(kind, std::move(fields));
    }
    // The standard lines for one command: what ran, and how it ended.
    void recordExec(long long id, const ExecRequest &request) const;
    void recordExit(long long id, const ExecResult &result) const;

private:
    EventSink m_events;
};

} // namespace tandem::sandbox
