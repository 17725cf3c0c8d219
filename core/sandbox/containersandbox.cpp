#include "sandbox/containersandbox.h"

#include "sandbox/cgroupset.h"
#include "sandbox/containerhostfolder.h"
#include "sandbox/containerlimitwatch.h"
#include "sandbox/deniedpathguard.h"
#include "sandbox/etcsnapshot.h"
#include "sandbox/initbinary.h"
#include "sandbox/outputsink.h"
#include "sandbox/sandboxnetwork.h"
#include "sandbox/streamdemuxer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QSysInfo>
#include <QThread>
#include <QUrl>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

// What the sinks kept becomes the result's output.
void keepOutput(const OutputSink &out, const OutputSink &err, ExecResult &result)
{
    result.stdoutData = out.finish();
    result.stdoutBytes = out.total();
    result.stdoutTruncated = out.truncated();
    result.stderrData = err.finish();
    result.stderrBytes = err.total();
    result.stderrTruncated = err.truncated();
}

// Who commands run as on a remote engine, where the workspace is a copy that root owns.
constexpr unsigned kRemoteUser = 1000;
constexpr char kInitInside[] = "/run/tandem/init";
constexpr char kHostLabel[] = "org.tandem.host";
constexpr char kPidLabel[] = "org.tandem.pid";
constexpr char kSessionLabel[] = "org.tandem.session";
constexpr int kSigKillExit = 128 + SIGKILL;
constexpr std::chrono::milliseconds kHelperTimeout{3'000};
constexpr std::chrono::milliseconds kEngineSlack{30'000};

// The first process of a warm container on a remote engine, which cannot be given Tandem's own:
// it makes the home folder, then idles and reaps the orphans that commands leave, so that killed
// processes never pile up as zombies.
const QStringList kIdleInit = {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                               QStringLiteral("mkdir -p \"$HOME\"; trap 'exit 0' TERM; "
                                              "while :; do sleep 86400 & wait $!; done")};

// Kills every process of the sandbox's user but the first one (kill(-1) spares pid 1 and the
// caller). SIGKILL cannot be caught and stops a fork at once, so two passes leave nothing.
const QStringList kKillAll = {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                              QStringLiteral("kill -KILL -1 2>/dev/null; kill -KILL -1 "
                                             "2>/dev/null; exit 0")};

const QStringList kReadOomCount = {
    QStringLiteral("/bin/sh"), QStringLiteral("-c"),
    QStringLiteral("cat /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control "
                   "2>/dev/null; exit 0")};

// A command stopped before its end: for a limit it went past, or cancelled.
void markStopped(ExecResult &result, LimitHit stopFor)
{
    result.cancelled = stopFor == LimitHit::None;
    result.limitHit = stopFor;
    result.timedOut = stopFor == LimitHit::WallTime;
    result.signal = SIGKILL;
}

nlohmann::json toJson(const QStringList &list)
{
    nlohmann::json array = nlohmann::json::array();
    for (const QString &item : list)
        array.push_back(item.toStdString());
    return array;
}

QString jsonString(const nlohmann::json &json, const char *key)
{
    if (!json.is_object() || !json.contains(key) || !json[key].is_string())
        return {};
    return QString::fromStdString(json[key].get<std::string>());
}

bool processAlive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno != ESRCH);
}

} // namespace

ContainerSandbox::ContainerSandbox(SandboxPolicy policy)
    : ContainerSandbox(std::move(policy), Options())
{}

ContainerSandbox::ContainerSandbox(SandboxPolicy policy, Options options)
    : m_policy(std::move(policy))
    , m_options(std::move(options))
{}

ContainerSandbox::~ContainerSandbox()
{
    stop();
}

QString ContainerSandbox::describe() const
{
    const QString where = m_engine ? m_engine->endpoint().url() : QStringLiteral("engine");
    const QString network = m_policy.allowedHosts.isEmpty()
                                ? QStringLiteral("no network")
                                : m_policy.allowedHosts.join(QStringLiteral(", "));
    return QStringLiteral("container %1 on %2 (workspace %3, %4%5)")
        .arg(m_options.image, where, m_policy.workspace, network,
             m_options.cold ? QStringLiteral(", cold") : QString());
}

int ContainerSandbox::removeLeftovers(const DockerEngine &engine)
{
    const QString filter = QStringLiteral("{\"label\":[\"%1\"]}").arg(QString::fromLatin1(kLabel));
    auto listed = engine.call("GET", QStringLiteral("/containers/json?all=1&filters=")
                                         + QString::fromLatin1(QUrl::toPercentEncoding(filter)));
    if (!listed || !listed->is_array())
        return 0;

    int removed = 0;
    const std::string host = QSysInfo::machineHostName().toStdString();
    for (const auto &container : *listed) {
        const auto labels = container.value("Labels", nlohmann::json::object());
        if (!labels.is_object() || labels.value(kHostLabel, std::string()) != host)
            continue;
        const qint64 pid =
            QString::fromStdString(labels.value(kPidLabel, std::string())).toLongLong();
        if (processAlive(pid))
            continue;
        const QString id = jsonString(container, "Id");
        if (engine.call("DELETE", QStringLiteral("/containers/%1?force=1&v=1").arg(id)))
            ++removed;
    }
    if (removed > 0)
        qCInfo(lcSandbox, "removed %d container(s) left by an earlier run", removed);
    return removed;
}

nlohmann::json ContainerSandbox::environment() const
{
    // Nothing of Tandem's own environment goes in: only these, always the same, and the proxy.
    QStringList variables = baseEnvironment();
    if (m_network)
        variables << m_network->environment();
    return toJson(variables);
}

nlohmann::json ContainerSandbox::mounts() const
{
    nlohmann::json list = nlohmann::json::array();
    const std::string inside = m_policy.workspaceInside.toStdString();
    if (m_engine->endpoint().isRemote()) {
        // The engine cannot see our files: a volume of its own, filled through the archive
        // endpoint, and removed with the container.
        list.push_back({{"Type", "volume"}, {"Target", inside}});
        return list;
    }

    list.push_back(
        {{"Type", "bind"}, {"Source", m_policy.workspace.toStdString()}, {"Target", inside}});
    // Only what exists can be bound, and nothing reached through a link; the guard undoes
    // whatever a command does to the rest after it ends.
    for (const QString &relative : m_guard->bindable()) {
        list.push_back(
            {{"Type", "bind"},
             {"Source", QDir(m_policy.workspace).filePath(relative).toStdString()},
             {"Target", (m_policy.workspaceInside + QLatin1Char('/') + relative).toStdString()},
             {"ReadOnly", true}});
    }
    for (const QString &path : m_policy.readOnlyPaths)
        list.push_back({{"Type", "bind"},
                        {"Source", path.toStdString()},
                        {"Target", path.toStdString()},
                        {"ReadOnly", true}});
    for (const QString &path : m_policy.readWritePaths)
        list.push_back(
            {{"Type", "bind"}, {"Source", path.toStdString()}, {"Target", path.toStdString()}});

    for (const nlohmann::json &mask : gitMasks())
        list.push_back(mask);

    list.push_back({{"Type", "bind"},
                    {"Source", m_init.toStdString()},
                    {"Target", kInitInside},
                    {"ReadOnly", true}});
    list.push_back({{"Type", "bind"},
                    {"Source", m_hostFolder->path().toStdString()},
                    {"Target", ContainerHostFolder::kInside},
                    {"ReadOnly", true}});
    for (const ChannelFolder &channel : m_policy.channelFolders)
        list.push_back({{"Type", "bind"},
                        {"Source", channel.host.toStdString()},
                        {"Target", channel.inside.toStdString()},
                        {"ReadOnly", true}});
    if (m_network && m_network->isOn())
        list.push_back({{"Type", "bind"},
                        {"Source", m_network->hostFolder().toStdString()},
                        {"Target", SandboxNetwork::kInside},
                        {"ReadOnly", true}});
    return list;
}

// Git's hooks run programs and its config can name some (and hold credentials): hidden, as
// under bubblewrap, by an empty file and an empty folder of Tandem's bound over them.
nlohmann::json ContainerSandbox::gitMasks() const
{
    nlohmann::json list = nlohmann::json::array();
    const QDir git(QDir(m_policy.workspace).filePath(QStringLiteral(".git")));
    if (!m_guard->bindable().contains(QStringLiteral(".git")))
        return list;
    const auto mask = [&](const QString &source, const char *relative) {
        list.push_back({{"Type", "bind"},
                        {"Source", source.toStdString()},
                        {"Target", (m_policy.workspaceInside + "/.git/" + relative).toStdString()},
                        {"ReadOnly", true}});
    };
    if (QFileInfo(git.filePath(QStringLiteral("config"))).isFile())
        mask(m_hostFolder->emptyFile(), "config");
    if (QFileInfo(git.filePath(QStringLiteral("hooks"))).isDir())
        mask(m_hostFolder->emptyFolder(), "hooks");
    return list;
}

QStringList ContainerSandbox::firstProcess(const QStringList &command) const
{
    // A remote engine cannot see Tandem's init (and has no proxy to forward to): a shell idles
    // there, or the command itself runs first.
    if (m_init.isEmpty())
        return command.isEmpty() ? kIdleInit : command;

    QStringList init{QString::fromLatin1(kInitInside), QStringLiteral("--forward-only"),
                     QStringLiteral("--lease"), ContainerHostFolder::leaseInside()};
    if (m_network)
        init << m_network->forwarderArguments();
    if (!command.isEmpty())
        init << QStringLiteral("--") << command;
    return init;
}

nlohmann::json ContainerSandbox::hostConfig() const
{
    const ResourceLimits &limits = m_policy.limits;
    nlohmann::json config = {
        {"Mounts", mounts()},    {"ReadonlyRootfs", true},
        {"CapDrop", {"ALL"}},    {"SecurityOpt", {"no-new-privileges"}},
        {"NetworkMode", "none"}, {"IpcMode", "private"},
        {"Privileged", false},
    };
    // Mapping the host's root into a new user namespace needs CAP_SETFCAP where the namespace
    // is made. Only Tandem's own processes keep it (the init and its helpers); each command
    // drops it as it enters its namespace, where it holds no capability of the container's.
    if (m_uid == 0 && !m_init.isEmpty())
        config["CapAdd"] = {"SETFCAP"};

    const qint64 tmpBytes = limits.diskBytes > 0 ? limits.diskBytes : qint64(1) << 30;
    // /tmp is the commands' scratch space; /var/tmp, which engines make writable beside it, is
    // closed as under bubblewrap, where the whole root is read-only.
    config["Tmpfs"] = {
        {"/tmp", QStringLiteral("rw,nosuid,nodev,size=%1,mode=1777").arg(tmpBytes).toStdString()},
        {"/var/tmp", "ro,nosuid,nodev,noexec,size=4k"}};
    if (limits.memoryBytes > 0) {
        config["Memory"] = limits.memoryBytes;
        config["MemorySwap"] = limits.memoryBytes; // no swap on top
    }
    if (limits.processes > 0)
        config["PidsLimit"] = limits.processes;
    if (m_options.cpus > 0)
        config["NanoCpus"] = qint64(m_options.cpus * 1e9);

    // Soft and hard equal: engines differ in which one they take when only one is given, and
    // Podman's compatible API swaps them when they differ. RLIMIT_NPROC counts the uid's
    // processes on the whole host, so it stays well above the pids limit, which is the real cap.
    const int nproc = std::max(4096, limits.processes * 2);
    config["Ulimits"] = {{{"Name", "nofile"}, {"Soft", 4096}, {"Hard", 4096}},
                         {{"Name", "nproc"}, {"Soft", nproc}, {"Hard", nproc}}};
    return config;
}

nlohmann::json ContainerSandbox::containerConfig(const QStringList &command) const
{
    return {
        {"Image", m_options.image.toStdString()},
        {"Cmd", toJson(firstProcess(command))},
        {"Entrypoint", nlohmann::json::array()},
        {"User", userSpec()},
        {"WorkingDir", m_policy.workspaceInside.toStdString()},
        {"Env", environment()},
        {"Hostname", "tandem-sandbox"},
        {"NetworkDisabled", true},
        {"Labels",
         {{kLabel, "1"},
          {kHostLabel, QSysInfo::machineHostName().toStdString()},
          {kPidLabel, std::to_string(::getpid())},
          {kSessionLabel, m_options.sessionId.toStdString()}}},
        {"HostConfig", hostConfig()},
    };
}

QStringList ContainerSandbox::wrapped(const ExecRequest &request, bool killLeftovers) const
{
    // The command runs as a child of a small shell that applies the per-process CPU-time and
    // file-size limits and, in a warm container, kills whatever the command left behind once it
    // is done.
    QString script = QStringLiteral("mkdir -p \"$HOME\" 2>/dev/null; ");
    // SIGXCPU at the limit, which the shell reports as 152; SIGKILL a second later for a
    // process that ignores it. The soft limit first: the hard one may not go below it.
    const qint64 cpuSeconds = m_policy.limits.cpuTime.count();
    if (cpuSeconds > 0)
        script += QStringLiteral("ulimit -S -t %1 2>/dev/null; ulimit -H -t %2 2>/dev/null; ")
                      .arg(cpuSeconds)
                      .arg(cpuSeconds + 1);
    // In 512-byte blocks, as POSIX shells count them.
    if (m_policy.limits.diskBytes > 0)
        script += QStringLiteral("ulimit -f %1 2>/dev/null; ")
                      .arg((m_policy.limits.diskBytes + 511) / 512);
    script += QStringLiteral("\"$@\"; s=$?; ");
    if (killLeftovers)
        script += QStringLiteral("kill -KILL -1 2>/dev/null; ");
    script += QStringLiteral("exit $s");
    return confined(QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"), script,
                                QStringLiteral("tandem-exec")}
                    + request.argv);
}

// A remote engine cannot see Tandem's init: its commands meet only the engine's own profile.
QStringList ContainerSandbox::confined(const QStringList &command) const
{
    if (m_init.isEmpty())
        return command;
    QStringList prefix{QString::fromLatin1(kInitInside), QStringLiteral("--confine"),
                       QStringLiteral("--seccomp"),      ContainerHostFolder::seccompInside(),
                       QStringLiteral("--nodev"),        m_policy.workspaceInside};
    if (m_mapRoot)
        prefix << QStringLiteral("--map-uid") << QString::number(EtcSnapshot::kSandboxUid);
    return prefix << QStringLiteral("--") << command;
}

base::Status ContainerSandbox::checkImage() const
{
    auto image = m_engine->request(
        "GET", QStringLiteral("/images/%1/json")
                   .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_options.image))));
    if (!image)
        return std::unexpected(image.error());
    if (image->status == 404)
        return base::fail("sandbox_image_missing",
                          QStringLiteral("The sandbox image %1 is missing: run "
                                         "packaging/build-sandbox-image.sh.")
                              .arg(m_options.image));
    return {};
}

base::Result<QString> ContainerSandbox::createContainer(const QStringList &command)
{
    auto created =
        m_engine->call("POST", QStringLiteral("/containers/create"), containerConfig(command));
    if (!created)
        return std::unexpected(created.error());
    const QString id = jsonString(*created, "Id");
    if (id.isEmpty())
        return base::fail("engine_error",
                          QStringLiteral("The container engine created no container."));
    return id;
}

base::Status ContainerSandbox::startContainer(const QString &id)
{
    auto started = m_engine->call("POST", QStringLiteral("/containers/%1/start").arg(id));
    if (!started)
        return std::unexpected(started.error());
    return {};
}

// On a local engine the container's first process is Tandem's own init, bound in from the host:
// it reaps orphans and, when hosts are allowed, forwards 127.0.0.1:3128 to the egress proxy,
// whose socket is bound in too. A remote engine can be given neither.
base::Status ContainerSandbox::prepareNetwork()
{
    m_init.clear();
    if (m_engine->endpoint().isRemote() && !m_policy.channelFolders.isEmpty())
        return base::fail("sandbox_remote_channel",
                          QStringLiteral("The container engine at %1 is remote and cannot reach "
                                         "Tandem's tool channel: use a local engine "
                                         "(DOCKER_HOST=unix://...) for scripts that call tools.")
                              .arg(m_engine->endpoint().url()));
    if (m_engine->endpoint().isRemote()) {
        if (m_policy.allowedHosts.isEmpty())
            return {};
        return base::fail("sandbox_remote_network",
                          QStringLiteral("The container engine at %1 is remote and cannot reach "
                                         "Tandem's network proxy: allow no hosts (network.allow) "
                                         "or use a local engine (DOCKER_HOST=unix://...).")
                              .arg(m_engine->endpoint().url()));
    }

    auto init = InitBinary::find();
    if (!init)
        return std::unexpected(init.error());
    m_init = *init;
    auto folder = ContainerHostFolder::create();
    if (!folder)
        return std::unexpected(folder.error());
    m_hostFolder = std::move(*folder);

    m_network = std::make_unique<SandboxNetwork>(
        m_policy.allowedHosts, [this](const std::string &kind, nlohmann::json fields) {
            record(kind, std::move(fields));
        });
    auto started = m_network->start(SandboxNetwork::User{m_uid, m_gid});
    if (!started)
        m_network.reset();
    return started;
}

QStringList ContainerSandbox::enforcement() const
{
    const bool local = m_engine && !m_engine->endpoint().isRemote();
    const QString cgroup = local ? QStringLiteral(", read from the host") : QString();
    return {
        QStringLiteral("wall time: Tandem kills the command's processes in the container"),
        QStringLiteral("processes: pids cgroup (PidsLimit)") + cgroup,
        QStringLiteral("memory: memory cgroup (Memory)") + cgroup,
        local ? QStringLiteral("cpu time: cpuacct cgroup read from the host, and RLIMIT_CPU")
              : QStringLiteral("cpu time: RLIMIT_CPU per process"),
        local ? QStringLiteral("disk: tmpfs size for /tmp, RLIMIT_FSIZE and free-space watch for "
                               "the workspace")
              : QStringLiteral("disk: tmpfs size for /tmp and RLIMIT_FSIZE"),
        QStringLiteral("output: capped by Tandem as it reads"),
        local ? QStringLiteral("system calls: Tandem's seccomp filter, loaded by each command")
              : QStringLiteral("system calls: the engine's default seccomp profile"),
        !local || m_uid != 0 ? QStringLiteral("user: uid %1").arg(m_uid)
        : m_mapRoot
            ? QStringLiteral("user: a user namespace per command, root not mapped, workspace "
                             "nodev and nosuid")
            : QStringLiteral("user: root without capabilities (%1)").arg(m_unmappedReason),
        local ? QStringLiteral("lifetime: lease socket; the container ends when Tandem dies")
              : QStringLiteral("lifetime: removed by Tandem, or at its next start"),
    };
}

void ContainerSandbox::recordStart() const
{
    nlohmann::json hosts = nlohmann::json::array();
    for (const QString &host : m_policy.allowedHosts)
        hosts.push_back(host.toStdString());
    record("sandbox_start", {{"backend", "container"},
                             {"engine", m_engine->endpoint().url().toStdString()},
                             {"image", m_options.image.toStdString()},
                             {"mode", m_options.cold ? "cold" : "warm"},
                             {"container", m_containerId.toStdString()},
                             {"user", userSpec()},
                             {"workspace", m_policy.workspace.toStdString()},
                             {"allowed_hosts", hosts},
                             {"enforcement", toJson(enforcement())}});
}

std::string ContainerSandbox::userSpec() const
{
    return QStringLiteral("%1:%2").arg(m_uid).arg(m_gid).toStdString();
}

// Commands run as whoever owns the workspace, so that a user's own repository is theirs to change
// without a chown, and whatever they create is theirs on the host. With no capabilities and no
// new privileges, a workspace that root owns gives commands nothing beyond the files bound in.
void ContainerSandbox::chooseUser()
{
    m_uid = m_gid = kRemoteUser;
    if (m_engine->endpoint().isRemote())
        return;
    struct stat info
    {};
    if (::stat(QFile::encodeName(m_policy.workspace).constData(), &info) == 0) {
        m_uid = info.st_uid;
        m_gid = info.st_gid;
    }
}

base::Status ContainerSandbox::start()
{
    QMutexLocker lock(&m_mutex);
    if (m_started)
        return {};

    auto endpoint = m_options.endpoint ? base::Result<EngineEndpoint>(*m_options.endpoint)
                                       : EngineEndpoint::fromEnvironment();
    if (!endpoint)
        return std::unexpected(endpoint.error());
    m_engine = std::make_unique<DockerEngine>(*endpoint);
    if (auto answered = m_engine->ping(); !answered)
        return answered;

    if (!QFileInfo(m_policy.workspace).isDir())
        return base::fail(
            "sandbox_workspace",
            QStringLiteral("The workspace %1 does not exist.").arg(m_policy.workspace));
    removeLeftovers(*m_engine);
    if (auto image = checkImage(); !image)
        return image;
    chooseUser();
    if (auto network = prepareNetwork(); !network)
        return network;

    QStringList denied = SandboxPolicy::defaultDeniedPaths() + m_policy.deniedPaths;
    denied.removeDuplicates();
    if (endpoint->isRemote())
        m_sync = std::make_unique<WorkspaceSync>(m_policy.workspace, denied);
    else
        m_guard = std::make_unique<DeniedPathGuard>(m_policy.workspace, denied);
    m_mapRoot = m_uid == 0 && !m_init.isEmpty();
    if (m_options.cold) {
        m_started = true;
        recordStart();
        return {};
    }

    auto id = createContainer({});
    if (!id) {
        m_network.reset();
        return std::unexpected(id.error());
    }
    m_containerId = *id;
    auto started = startContainer(m_containerId);
    if (started && m_sync)
        started = upload(m_containerId);
    if (started)
        started = checkConfinement();
    if (!started) {
        m_engine->call("DELETE", QStringLiteral("/containers/%1?force=1&v=1").arg(m_containerId));
        m_containerId.clear();
        m_network.reset();
        return started;
    }
    m_started = true;
    watchContainer();
    recordStart();
    qCInfo(lcSandbox, "container sandbox %s ready on %s", qPrintable(m_containerId.left(12)),
           qPrintable(endpoint->url()));
    return {};
}

// One command through the confinement before any real one: it proves that the filter loads (a
// command must never run without it) and tells whether the engine lets commands leave root
// behind in a user namespace of their own.
base::Status ContainerSandbox::checkConfinement()
{
    if (m_init.isEmpty())
        return {};
    QByteArray output;
    auto probed = runInContainer(
        confined({QStringLiteral("/bin/sh"), QStringLiteral("-c"), QStringLiteral("id -u")}),
        kHelperTimeout, &output);
    if (!probed)
        return std::unexpected(probed.error());
    if (*probed != 0)
        return base::fail("sandbox_confinement",
                          QStringLiteral("Commands cannot be confined in the container (exit "
                                         "%1): %2")
                              .arg(*probed)
                              .arg(QString::fromUtf8(output).trimmed()));
    if (m_mapRoot && output.trimmed() == "0") {
        m_mapRoot = false;
        m_unmappedReason = QStringLiteral("the engine's seccomp profile refuses user namespaces");
        qCWarning(lcSandbox, "commands in the container run as root without capabilities: %s",
                  qPrintable(m_unmappedReason));
    }
    return {};
}

void ContainerSandbox::stop()
{
    QMutexLocker lock(&m_mutex);
    if (m_started)
        record("sandbox_stop", {{"backend", "container"}});
    if (!m_containerId.isEmpty() && m_engine) {
        // Force: whatever still runs in it dies with it, and its volume goes too.
        auto removed = m_engine->call(
            "DELETE", QStringLiteral("/containers/%1?force=1&v=1").arg(m_containerId));
        if (!removed)
            qCWarning(lcSandbox, "could not remove container %s: %s",
                      qPrintable(m_containerId.left(12)), qPrintable(removed.error().message));
    }
    m_containerId.clear();
    m_started = false;
    m_cgroup.reset();
    m_guard.reset();
    m_network.reset();
    m_hostFolder.reset();
}

base::Result<ExecResult> ContainerSandbox::exec(const ExecRequest &request,
                                                const base::CancelToken &cancel)
{
    QMutexLocker lock(&m_mutex);
    if (!m_started)
        return base::fail("sandbox_stopped", QStringLiteral("The sandbox is not running."));
    if (request.argv.isEmpty())
        return base::fail("exec_failed", QStringLiteral("No command to run."));

    // The caller may ask for less than the policy allows, never for more.
    ExecRequest bounded = request;
    const ResourceLimits &limits = m_policy.limits;
    if (limits.wallTime.count() > 0)
        bounded.timeout = std::min(request.timeout, limits.wallTime);
    if (limits.outputBytes > 0)
        bounded.outputCap = std::min(request.outputCap, limits.outputBytes);

    const long long id = m_nextId++;
    recordExec(id, request);
    if (m_hostFolder)
        m_hostFolder->collectLeases();
    auto result = m_options.cold ? execCold(bounded, cancel) : execWarm(bounded, cancel);

    const QStringList notes = m_guard ? m_guard->enforce() : QStringList();
    if (result) {
        for (const QString &note : notes) {
            const QByteArray line = "\n[tandem] " + note.toUtf8();
            result->stderrData += line;
            result->stderrBytes += line.size();
        }
    }
    for (const QString &note : notes)
        record("sandbox_denied_path", {{"command", id}, {"note", note.toStdString()}});
    if (result)
        recordExit(id, *result);
    else
        record("sandbox_error", {{"command", id}, {"error", result.error().message.toStdString()}});
    return result;
}

base::Result<ExecResult> ContainerSandbox::execWarm(const ExecRequest &request,
                                                    const base::CancelToken &cancel)
{
    QElapsedTimer clock;
    clock.start();
    if (m_sync) {
        if (auto sent = upload(m_containerId); !sent)
            return std::unexpected(sent.error());
    }

    const QString cwd =
        request.workingDirectory.isEmpty() ? m_policy.workspaceInside : request.workingDirectory;
    const nlohmann::json execConfig = {{"AttachStdin", false},
                                       {"AttachStdout", true},
                                       {"AttachStderr", true},
                                       {"Tty", false},
                                       {"Cmd", toJson(wrapped(request, true))},
                                       {"Env", environment()},
                                       {"User", userSpec()},
                                       {"WorkingDir", cwd.toStdString()}};
    auto created = m_engine->call("POST", QStringLiteral("/containers/%1/exec").arg(m_containerId),
                                  execConfig);
    if (!created)
        return std::unexpected(created.error());
    const QString execId = jsonString(*created, "Id");

    ExecResult result;
    OutputSink out(request.outputCap);
    OutputSink err(request.outputCap);
    StreamDemuxer demuxer([&](StreamDemuxer::Stream stream, const char *data, qint64 size) {
        (stream == StreamDemuxer::Stream::Stderr ? err : out).append(data, size);
    });

    ContainerLimitWatch watch(m_policy.limits, watchedWorkspace());
    watch.begin();
    watch.setGroup(m_cgroup.get(), false);
    LimitHit stopFor = LimitHit::None;
    auto end = m_engine->stream(
        "POST", QStringLiteral("/exec/%1/start").arg(execId), R"({"Detach":false,"Tty":false})",
        [&](const char *data, qint64 size) { demuxer.feed(data, size); },
        [&] { return shouldStop(cancel, clock, request.timeout, watch, stopFor); },
        request.timeout + kEngineSlack);
    if (!end)
        return std::unexpected(end.error());

    if (end->stopped) {
        killCommands();
        markStopped(result, stopFor);
    } else if (auto code = execExitCode(execId); code) {
        result.exitCode = *code;
        result.limitHit = limitAtEnd(*code, watch, m_containerId);
    } else {
        return std::unexpected(code.error());
    }

    keepOutput(out, err, result);
    if (m_sync) {
        if (auto back = bringBack(m_containerId); !back)
            return std::unexpected(back.error());
    }
    result.duration = std::chrono::milliseconds(clock.elapsed());
    return result;
}

base::Result<ExecResult> ContainerSandbox::execCold(const ExecRequest &request,
                                                    const base::CancelToken &cancel)
{
    QElapsedTimer clock;
    clock.start();
    auto created = createContainer(wrapped(request, false));
    if (!created)
        return std::unexpected(created.error());
    const QString id = *created;
    // Whatever happens below, the container goes.
    const auto remove = qScopeGuard(
        [&] { m_engine->call("DELETE", QStringLiteral("/containers/%1?force=1&v=1").arg(id)); });

    if (!request.workingDirectory.isEmpty() && request.workingDirectory != m_policy.workspaceInside)
        qCWarning(lcSandbox, "a cold container starts in %s; the working directory %s is ignored",
                  qPrintable(m_policy.workspaceInside), qPrintable(request.workingDirectory));
    if (m_sync) {
        m_sync = std::make_unique<WorkspaceSync>(
            m_policy.workspace, SandboxPolicy::defaultDeniedPaths() + m_policy.deniedPaths);
        if (auto sent = upload(id); !sent)
            return std::unexpected(sent.error());
    }
    ContainerLimitWatch watch(m_policy.limits, watchedWorkspace());
    watch.begin();
    if (auto started = startContainer(id); !started)
        return std::unexpected(started.error());
    const std::unique_ptr<CgroupSet> group = containerGroup(id);
    watch.setGroup(group.get(), true);

    ExecResult result;
    QByteArray waited;
    LimitHit stopFor = LimitHit::None;
    auto end = m_engine->stream(
        "POST", QStringLiteral("/containers/%1/wait?condition=not-running").arg(id), {},
        [&](const char *data, qint64 size) { waited.append(data, size); },
        [&] { return shouldStop(cancel, clock, request.timeout, watch, stopFor); },
        request.timeout + kEngineSlack);
    if (!end)
        return std::unexpected(end.error());
    if (end->stopped) {
        // The container's first process dies, and the kernel takes every other one with it.
        m_engine->call("POST", QStringLiteral("/containers/%1/kill?signal=KILL").arg(id));
        markStopped(result, stopFor);
    } else {
        const auto status = nlohmann::json::parse(waited.toStdString(), nullptr, false);
        result.exitCode = status.is_object() ? status.value("StatusCode", -1) : -1;
        result.limitHit = limitAtEnd(result.exitCode, watch, id);
    }

    OutputSink out(request.outputCap);
    OutputSink err(request.outputCap);
    StreamDemuxer demuxer([&](StreamDemuxer::Stream stream, const char *data, qint64 size) {
        (stream == StreamDemuxer::Stream::Stderr ? err : out).append(data, size);
    });
    auto logs = m_engine->stream(
        "GET", QStringLiteral("/containers/%1/logs?stdout=1&stderr=1").arg(id), {},
        [&](const char *data, qint64 size) { demuxer.feed(data, size); }, {}, kEngineSlack);
    keepOutput(out, err, result);
    if (!logs)
        return std::unexpected(logs.error());

    if (m_sync && !end->stopped) {
        if (auto back = bringBack(id); !back)
            return std::unexpected(back.error());
    }
    result.duration = std::chrono::milliseconds(clock.elapsed());
    return result;
}

QString ContainerSandbox::watchedWorkspace() const
{
    return m_sync ? QString() : m_policy.workspace;
}

bool ContainerSandbox::shouldStop(const base::CancelToken &cancel, const QElapsedTimer &clock,
                                  std::chrono::milliseconds timeout, ContainerLimitWatch &watch,
                                  LimitHit &stopFor)
{
    if (cancel.isCancelled())
        return true;
    stopFor = clock.elapsed() > timeout.count() ? LimitHit::WallTime : watch.check();
    return stopFor != LimitHit::None;
}

LimitHit ContainerSandbox::limitAtEnd(int exitCode, ContainerLimitWatch &watch,
                                      const QString &containerId)
{
    // Per-process limits the kernel enforced, as the shell reports a death by signal N.
    if (exitCode == 128 + SIGXCPU)
        return LimitHit::CpuTime;
    if (exitCode == 128 + SIGXFSZ)
        return LimitHit::Disk;
    if (const LimitHit counted = watch.counted(); counted != LimitHit::None)
        return counted;
    // Without the cgroup's counters (a remote engine), the engine's own word and an exec that
    // reads them inside.
    if (exitCode == kSigKillExit && (m_options.cold || !watch.readsGroup())
        && diedOfMemory(containerId, exitCode))
        return LimitHit::Memory;
    return LimitHit::None;
}

std::unique_ptr<CgroupSet> ContainerSandbox::containerGroup(const QString &containerId) const
{
    if (m_engine->endpoint().isRemote())
        return nullptr;
    auto state = m_engine->call("GET", QStringLiteral("/containers/%1/json").arg(containerId));
    if (!state || !state->contains("State") || !(*state)["State"].is_object())
        return nullptr;
    // A cold container may be done already: nothing left to read.
    const qint64 pid = (*state)["State"].value("Pid", 0LL);
    if (pid <= 0)
        return nullptr;
    auto group = CgroupSet::attach(pid, containerId);
    // A cold container's first process may be gone already: nothing to say then.
    if (!group && containerId == m_containerId)
        qCWarning(lcSandbox,
                  "cannot read the cgroups of container %s: CPU time, disk, memory "
                  "and process limits are reported less precisely",
                  qPrintable(containerId.left(12)));
    return group;
}

base::Result<int> ContainerSandbox::runInContainer(const QStringList &command,
                                                   std::chrono::milliseconds timeout,
                                                   QByteArray *output)
{
    // Both streams: an error of the init says why on stderr.
    const nlohmann::json execConfig = {{"AttachStdout", true},
                                       {"AttachStderr", true},
                                       {"Cmd", toJson(command)},
                                       {"Env", environment()},
                                       {"User", userSpec()}};
    auto created = m_engine->call("POST", QStringLiteral("/containers/%1/exec").arg(m_containerId),
                                  execConfig, timeout);
    if (!created)
        return std::unexpected(created.error());
    const QString execId = jsonString(*created, "Id");

    StreamDemuxer demuxer([&](StreamDemuxer::Stream, const char *data, qint64 size) {
        if (output)
            output->append(data, size);
    });
    auto end = m_engine->stream(
        "POST", QStringLiteral("/exec/%1/start").arg(execId), R"({"Detach":false,"Tty":false})",
        [&](const char *data, qint64 size) { demuxer.feed(data, size); }, {}, timeout);
    if (!end)
        return std::unexpected(end.error());
    return execExitCode(execId);
}

base::Result<int> ContainerSandbox::execExitCode(const QString &execId)
{
    // The stream can end a moment before the engine has recorded the exit.
    QElapsedTimer clock;
    clock.start();
    while (true) {
        auto state = m_engine->call("GET", QStringLiteral("/exec/%1/json").arg(execId));
        if (!state)
            return std::unexpected(state.error());
        if (!state->value("Running", false) || clock.elapsed() > kHelperTimeout.count())
            return state->value("ExitCode", -1);
        QThread::msleep(20);
    }
}

void ContainerSandbox::killCommands()
{
    // Usually an exec of kill(-1) does it in a fraction of a second. When it cannot start (the
    // pids limit is full, the engine is stuck), the container is restarted: its first process
    // dies, and with it every process in it.
    auto killed = runInContainer(kKillAll, kHelperTimeout);
    if (killed && *killed == 0)
        return;

    qCInfo(lcSandbox, "restarting container %s to end a command (%s)",
           qPrintable(m_containerId.left(12)),
           killed ? qPrintable(QStringLiteral("exit %1").arg(*killed))
                  : qPrintable(killed.error().message));
    m_engine->call("POST", QStringLiteral("/containers/%1/kill?signal=KILL").arg(m_containerId),
                   nullptr, kHelperTimeout);
    m_engine->call("POST",
                   QStringLiteral("/containers/%1/wait?condition=not-running").arg(m_containerId),
                   nullptr, kHelperTimeout);
    if (auto started = startContainer(m_containerId); !started)
        qCWarning(lcSandbox, "could not restart the container: %s",
                  qPrintable(started.error().message));
    watchContainer();
}

// The warm container's cgroups, read from the host; on a remote engine, the memory cgroup's count
// of out-of-memory kills as an exec inside reads it.
void ContainerSandbox::watchContainer()
{
    m_cgroup = containerGroup(m_containerId);
    if (!m_cgroup)
        m_oomKills = oomKills();
}

qint64 ContainerSandbox::oomKills()
{
    QByteArray text;
    auto read = runInContainer(kReadOomCount, kHelperTimeout, &text);
    if (!read)
        return m_oomKills;
    qint64 count = 0;
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith("oom_kill "))
            count = std::max(count, line.mid(9).trimmed().toLongLong());
    }
    return count;
}

bool ContainerSandbox::diedOfMemory(const QString &containerId, int exitCode)
{
    if (exitCode != kSigKillExit)
        return false;

    // The engine knows when the container's first process was the victim; for any other
    // process the cgroup's own count of OOM kills tells.
    auto state = m_engine->call("GET", QStringLiteral("/containers/%1/json").arg(containerId));
    if (state && state->contains("State") && (*state)["State"].value("OOMKilled", false))
        return true;
    if (m_options.cold)
        return false;
    const qint64 now = oomKills();
    const bool rose = now > m_oomKills;
    m_oomKills = now;
    return rose;
}

base::Status ContainerSandbox::upload(const QString &containerId)
{
    auto tar = m_sync->packChanges();
    if (!tar)
        return std::unexpected(tar.error());
    auto sent = m_engine->request(
        "PUT",
        QStringLiteral("/containers/%1/archive?path=%2").arg(containerId, m_policy.workspaceInside),
        *tar, "application/x-tar");
    if (!sent)
        return std::unexpected(sent.error());
    if (sent->status != 200)
        return base::fail("sync_failed",
                          QStringLiteral("The container engine did not take the workspace (%1): "
                                         "%2")
                              .arg(sent->status)
                              .arg(QString::fromUtf8(sent->body.left(200)).trimmed()));
    return {};
}

base::Status ContainerSandbox::bringBack(const QString &containerId)
{
    auto answer = m_engine->request("GET", QStringLiteral("/containers/%1/archive?path=%2")
                                               .arg(containerId, m_policy.workspaceInside));
    if (!answer)
        return std::unexpected(answer.error());
    if (answer->status != 200)
        return base::fail("sync_failed",
                          QStringLiteral("The container engine did not hand the workspace back "
                                         "(%1).")
                              .arg(answer->status));
    auto report = m_sync->apply(answer->body);
    if (!report)
        return std::unexpected(report.error());
    m_lastSync = *report;
    return {};
}

} // namespace tandem::sandbox
