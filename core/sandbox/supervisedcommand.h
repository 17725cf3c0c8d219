#pragma once

#include "sandbox/sandbox.h"
#include "sandbox/sandboxpolicy.h"

#include <QElapsedTimer>

#include <nlohmann/json.hpp>

#include <memory>

namespace tandem::sandbox {

class CgroupSet;
class OutputSink;
class SupervisorLink;

// One command run by the supervisor of a warm bubblewrap sandbox: its output collected and
// capped, its limits watched (wall time, CPU time, bytes written, memory and processes through
// its own cgroup), and, when it ends for any reason, every process it started killed, so that
// nothing of it keeps running or writing after the caller has the result.
class SupervisedCommand
{
public:
    struct Context
    {
        SupervisorLink &link;
        CgroupSet *sandboxGroup; // null where the machine has no cgroups for us
        const SandboxPolicy &policy;
        QStringList environment;
    };

    SupervisedCommand(Context context, long long id);
    ~SupervisedCommand();

    base::Result<ExecResult> run(const ExecRequest &request, const base::CancelToken &cancel);

private:
    base::Status begin(const ExecRequest &request);
    void handleMessage(const nlohmann::json &message);
    void watchLimits(const base::CancelToken &cancel);
    void killEverything(LimitHit reason);
    bool finished() const;
    qint64 cpuLimitNs() const;
    bool diskCapPassed() const;
    ExecResult collect() const;

    Context m_context;
    long long m_id;
    std::unique_ptr<CgroupSet> m_group;
    int m_stdout = -1;
    int m_stderr = -1;
    std::unique_ptr<OutputSink> m_stdoutSink;
    std::unique_ptr<OutputSink> m_stderrSink;
    QElapsedTimer m_clock;
    std::chrono::milliseconds m_timeout{0};
    qint64 m_exitedAt = -1;
    qint64 m_killedAt = -1;
    qint64 m_lastWatch = 0;
    qint64 m_freeAtStart = 0;
    int m_exitCode = -1;
    int m_signal = 0;
    bool m_cancelled = false;
    LimitHit m_limit = LimitHit::None;
    QByteArray m_launchError;
};

} // namespace tandem::sandbox
