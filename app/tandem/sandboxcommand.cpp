#include "sandboxcommand.h"

#include "datadirectory.h"

#include "audit/auditlog.h"
#include "sandbox/cgroupset.h"
#include "sandbox/policyfilereader.h"
#include "sandbox/policyresolver.h"
#include "sandbox/sandboxfactory.h"

#include <QDir>
#include <QFileInfo>
#include <QUuid>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>

namespace tandem::app {

namespace {

nlohmann::json toJson(const sandbox::ExecResult &result)
{
    return {{"exit_code", result.exitCode},
            {"signal", result.signal},
            {"timed_out", result.timedOut},
            {"limit", sandbox::Sandbox::limitName(result.limitHit)},
            {"duration_ms", result.duration.count()},
            {"stdout", result.stdoutData.toStdString()},
            {"stderr", result.stderrData.toStdString()},
            {"stdout_bytes", result.stdoutBytes},
            {"stderr_bytes", result.stderrBytes},
            {"stdout_truncated", result.stdoutTruncated},
            {"stderr_truncated", result.stderrTruncated}};
}

// Raised from a signal handler: lock-free atomic stores, nothing else.
const base::CancelToken *g_cancel = nullptr;
volatile std::sig_atomic_t g_signal = 0;

void onTerminate(int signal)
{
    g_signal = signal;
    if (g_cancel)
        g_cancel->cancel();
}

// Ctrl-C or a kill ends the command the normal way: its processes die, the sandbox and its
// cgroups are removed, and the audit log says so.
class TerminationGuard
{
public:
    explicit TerminationGuard(const base::CancelToken &cancel)
    {
        g_cancel = &cancel;
        for (int signal : {SIGINT, SIGTERM, SIGHUP})
            std::signal(signal, onTerminate);
    }
    ~TerminationGuard()
    {
        for (int signal : {SIGINT, SIGTERM, SIGHUP})
            std::signal(signal, SIG_DFL);
        g_cancel = nullptr;
    }
};

// Without --json the output is the command's own; what Tandem did to it goes to stderr, so a
// timeout or a cut never passes for the command's doing.
void reportEnding(const sandbox::ExecResult &result, const sandbox::SandboxPolicy &policy)
{
    if (result.limitHit != sandbox::LimitHit::None) {
        std::fprintf(stderr, "tandem: the command was stopped by its %s limit\n",
                     sandbox::Sandbox::limitName(result.limitHit));
    }
    if (result.stdoutTruncated || result.stderrTruncated) {
        std::fprintf(stderr,
                     "tandem: the output passed the %lld-byte cap; its middle was left out "
                     "(raise limits.output in your sandbox.json)\n",
                     static_cast<long long>(policy.limits.outputBytes));
    }
}

// The shell's convention: a command killed by signal N exits 128 + N.
int exitStatus(const sandbox::ExecResult &result)
{
    if (result.signal != 0)
        return 128 + result.signal;
    return result.exitCode < 0 ? 1 : result.exitCode;
}

// The user's sandbox.json (or the one --config names) over the workspace's own.
base::Result<sandbox::ResolvedPolicy> resolvePolicy(const QString &workspace,
                                                    const QString &userConfig)
{
    using sandbox::PolicyFile;
    using sandbox::PolicyFileReader;

    sandbox::SandboxPolicy base;
    base.workspace = workspace;
    if (userConfig.isEmpty())
        return sandbox::PolicyResolver::resolve(base, workspace);

    if (!QFileInfo(userConfig).isFile()) {
        return base::fail("sandbox_config",
                          QStringLiteral("--config %1: no such file.").arg(userConfig));
    }
    auto user =
        PolicyFileReader::read(QFileInfo(userConfig).absoluteFilePath(), PolicyFile::Origin::User);
    if (!user)
        return std::unexpected(user.error());
    auto repository = PolicyFileReader::read(PolicyFileReader::repositoryFilePath(workspace),
                                             PolicyFile::Origin::Repository);
    if (!repository)
        return std::unexpected(repository.error());
    return sandbox::PolicyResolver::combine(base, *user, *repository);
}

int fail(const base::Error &error)
{
    std::fprintf(stderr, "tandem: %s\n", qPrintable(error.message));
    return 125; // like env(1) and podman: the sandbox, not the command, failed
}

} // namespace

int SandboxCommand::exec(const CommandLine &line)
{
    if (line.workspaceGiven && line.workspace.trimmed().isEmpty())
        return fail({"sandbox_workspace", QStringLiteral("--workspace needs a folder.")});
    const QString workspace =
        QFileInfo(line.workspace.isEmpty() ? QDir::currentPath() : line.workspace)
            .absoluteFilePath();
    if (!QFileInfo(workspace).isDir()) {
        return fail({"sandbox_workspace",
                     QStringLiteral("The workspace %1 is not a folder.").arg(workspace)});
    }

    auto resolved = resolvePolicy(workspace, line.sandboxConfig);
    if (!resolved)
        return fail(resolved.error());
    for (const QString &note : resolved->notes)
        std::fprintf(stderr, "tandem: %s\n", qPrintable(note));
    const sandbox::SandboxPolicy &policy = resolved->policy;

    // Like every session, this one command leaves its trace in the audit log.
    audit::AuditLog audit(dataDirectory() + QStringLiteral("/audit.jsonl"));
    if (auto opened = audit.open(); !opened)
        return fail(opened.error());
    const std::string session = QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString();

    auto created = sandbox::SandboxFactory::create(line.backend, policy);
    if (!created)
        return fail(created.error());
    sandbox::Sandbox &box = **created;
    box.setEventSink([&](const std::string &kind, nlohmann::json fields) {
        fields["session"] = session;
        audit.record(kind, std::move(fields));
    });
    if (auto started = box.start(); !started)
        return fail(started.error());

    sandbox::ExecRequest request;
    request.argv = line.command;
    request.timeout = line.timeoutSeconds > 0 ? std::chrono::seconds(line.timeoutSeconds)
                                              : policy.limits.wallTime;
    request.outputCap = policy.limits.outputBytes;
    const base::CancelToken cancel;
    const TerminationGuard guard(cancel);
    auto result = box.exec(request, cancel);
    box.stop();
    sandbox::CgroupSet::finishRemovals(std::chrono::seconds(2));
    if (!result)
        return fail(result.error());

    if (line.json) {
        std::puts(
            toJson(*result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
        std::fwrite(result->stdoutData.constData(), 1, result->stdoutData.size(), stdout);
        std::fwrite(result->stderrData.constData(), 1, result->stderrData.size(), stderr);
        reportEnding(*result, policy);
    }
    if (g_signal != 0)
        return 128 + g_signal; // as if the signal had reached the command itself
    return exitStatus(*result);
}

} // namespace tandem::app
