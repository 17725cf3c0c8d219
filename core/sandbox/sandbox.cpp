#include "sandbox/sandbox.h"

namespace tandem::sandbox {

const char *Sandbox::limitName(LimitHit limit)
{
    switch (limit) {
    case LimitHit::None:
        return "none";
    case LimitHit::WallTime:
        return "wall_time";
    case LimitHit::CpuTime:
        return "cpu_time";
    case LimitHit::Memory:
        return "memory";
    case LimitHit::Processes:
        return "processes";
    case LimitHit::Disk:
        return "disk";
    }
    return "unknown";
}

QStringList Sandbox::baseEnvironment()
{
    return {QStringLiteral("PATH=/usr/local/bin:/usr/bin:/bin"),
            QStringLiteral("HOME=") + QString::fromLatin1(kHomeInside),
            QStringLiteral("TMPDIR=/tmp"),
            QStringLiteral("LANG=C.UTF-8"),
            QStringLiteral("TERM=dumb"),
            QStringLiteral("USER=tandem"),
            QStringLiteral("PYTHONDONTWRITEBYTECODE=1")};
}

void Sandbox::recordExec(long long id, const ExecRequest &request) const
{
    nlohmann::json argv = nlohmann::json::array();
    for (const QString &arg : request.argv)
        argv.push_back(arg.toStdString());
    record("sandbox_exec", {{"command", id},
                            {"argv", argv},
                            {"cwd", request.workingDirectory.toStdString()},
                            {"timeout_ms", request.timeout.count()}});
}

void Sandbox::recordExit(long long id, const ExecResult &result) const
{
    record("sandbox_exit", {{"command", id},
                            {"exit_code", result.exitCode},
                            {"signal", result.signal},
                            {"limit", limitName(result.limitHit)},
                            {"cancelled", result.cancelled},
                            {"duration_ms", result.duration.count()},
                            {"stdout_bytes", result.stdoutBytes},
                            {"stderr_bytes", result.stderrBytes}});
    if (result.limitHit != LimitHit::None)
        record("sandbox_limit", {{"command", id}, {"limit", limitName(result.limitHit)}});
}

} // namespace tandem::sandbox
