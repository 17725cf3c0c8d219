#pragma once

#include "sandbox/dockerengine.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandboxpolicy.h"
#include "sandbox/workspacesync.h"

#include <QElapsedTimer>
#include <QMutex>

#include <memory>
#include <optional>

namespace tandem::sandbox {

class CgroupSet;
class ContainerHostFolder;
class ContainerLimitWatch;
class DeniedPathGuard;
class SandboxNetwork;

// Runs commands in a container through the Docker Engine API (Docker, or Podman's service).
// One container per session, kept warm: start() creates it with an idle first process (on a
// local engine Tandem's own tandem-sandbox-init, bound in, which reaps orphans and holds a lease
// on Tandem so that the container ends when Tandem dies), and each exec() runs one command in it.
// On a local engine every command first passes through the init's confinement: Tandem's own
// seccomp filter, and, when it would run as root, a user namespace where root is not mapped and
// the workspace is nodev and nosuid (see tandem-sandbox-init's Confinement). The container has a
// read-only root, no network (when the policy allows hosts, only Tandem's egress proxy, whose
// socket is bound in and which the first process serves as http://127.0.0.1:3128), no capabilities,
// no new privileges, the workspace owner's uid and gid (1000 on a remote engine), a size-capped
// /tmp, memory, pids and CPU limits, and an environment built from an allowlist. The workspace is
// bound at /workspace with .git and the other denied paths that exist bound read-only over it; a
// remote engine (tcp://) gets a copy instead, sent before the first command and brought back after
// each one.
//
// Commands run one at a time: when one ends, times out or is cancelled, every process it left
// in the container is killed, so nothing of it runs on unseen. On a local engine the container's
// cgroups are read from the host to hold each command to the policy as bubblewrap does: CPU time
// summed over its processes, refused forks and out-of-memory kills reported as such, and writes
// to the workspace capped by the drop in free space (and RLIMIT_FSIZE per file); afterwards the
// denied paths are put back as they were.
//
//     ContainerSandbox sandbox(policy);
//     if (auto started = sandbox.start(); !started) ...  // one line saying what to do
//     auto result = sandbox.exec({.argv = {"make", "test"}}, cancel);
class ContainerSandbox : public Sandbox
{
public:
    struct Options
    {
        QString image = QStringLiteral("tandem-sandbox:1");
        // Empty: DOCKER_HOST, or the usual sockets.
        std::optional<EngineEndpoint> endpoint;
        // A new container for every command (create, start, wait, logs, remove) instead of
        // one kept warm: slower, but nothing at all carries over between commands.
        bool cold = false;
        double cpus = 1.0;
        QString sessionId;
    };

    explicit ContainerSandbox(SandboxPolicy policy);
    ContainerSandbox(SandboxPolicy policy, Options options);
    ~ContainerSandbox() override;

    base::Status start() override;
    base::Result<ExecResult> exec(const ExecRequest &request,
                                  const base::CancelToken &cancel) override;
    void stop() override;

    QString workspaceInside() const override { return m_policy.workspaceInside; }
    QString describe() const override;

    // Which limits this sandbox enforces, and by what, e.g. "processes: pids cgroup". For the
    // window, the log and the docs.
    QStringList enforcement() const;

    // The warm container's id; empty when stopped or cold.
    QString containerId() const { return m_containerId; }
    // What the last copy back from a remote engine wrote, removed and refused.
    WorkspaceSync::Report lastSyncReport() const { return m_lastSync; }

    // Removes the containers that a Tandem process on this machine left behind when it died.
    // Returns how many it removed.
    static int removeLeftovers(const DockerEngine &engine);

    // The label every Tandem container carries.
    static constexpr char kLabel[] = "org.tandem.sandbox";

private:
    nlohmann::json containerConfig(const QStringList &command) const;
    nlohmann::json hostConfig() const;
    nlohmann::json mounts() const;
    nlohmann::json gitMasks() const;
    nlohmann::json environment() const;
    QStringList firstProcess(const QStringList &command) const;
    QStringList confined(const QStringList &command) const;
    base::Status prepareNetwork();
    base::Status checkConfinement();
    void chooseUser();
    void recordStart() const;
    std::string userSpec() const;
    QStringList wrapped(const ExecRequest &request, bool killLeftovers) const;

    base::Result<QString> createContainer(const QStringList &command);
    base::Status startContainer(const QString &id);
    base::Status checkImage() const;

    base::Result<ExecResult> execWarm(const ExecRequest &request, const base::CancelToken &cancel);
    base::Result<ExecResult> execCold(const ExecRequest &request, const base::CancelToken &cancel);
    base::Result<int> runInContainer(const QStringList &command, std::chrono::milliseconds timeout,
                                     QByteArray *output = nullptr);
    base::Result<int> execExitCode(const QString &execId);
    QString watchedWorkspace() const;
    bool shouldStop(const base::CancelToken &cancel, const QElapsedTimer &clock,
                    std::chrono::milliseconds timeout, ContainerLimitWatch &watch,
                    LimitHit &stopFor);
    LimitHit limitAtEnd(int exitCode, ContainerLimitWatch &watch, const QString &containerId);
    std::unique_ptr<CgroupSet> containerGroup(const QString &containerId) const;
    void watchContainer();
    void killCommands();
    qint64 oomKills();
    bool diedOfMemory(const QString &containerId, int exitCode);

    base::Status upload(const QString &containerId);
    base::Status bringBack(const QString &containerId);

    SandboxPolicy m_policy;
    Options m_options;
    std::unique_ptr<DockerEngine> m_engine;
    std::unique_ptr<SandboxNetwork> m_network;
    std::unique_ptr<CgroupSet> m_cgroup; // the warm container's, on a local engine
    std::unique_ptr<DeniedPathGuard> m_guard; // with the workspace bound
    QString m_init; // the host's tandem-sandbox-init, bound in; empty on a remote engine
    std::unique_ptr<ContainerHostFolder> m_hostFolder; // local engine only
    bool m_mapRoot = false; // commands run in a user namespace where root is not mapped
    QString m_unmappedReason; // why they do not, when they would run as root
    std::unique_ptr<WorkspaceSync> m_sync;
    WorkspaceSync::Report m_lastSync;
    QString m_containerId;
    unsigned m_uid = 0; // the workspace's owner; on a remote engine, 1000
    unsigned m_gid = 0;
    qint64 m_oomKills = 0;
    bool m_started = false;
    long long m_nextId = 1;
    QMutex m_mutex;
};

} // namespace tandem::sandbox
