#include "sandbox/supervisorlink.h"

#include "sandbox/controlwire.h"

#include <QElapsedTimer>
#include <QLoggingCategory>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

constexpr int kFirstSpareFd = 32;

base::Error launchError(const QString &why)
{
    return {"sandbox_failed",
            QStringLiteral("bubblewrap could not start the sandbox (%1): check that user "
                           "namespaces are enabled (sysctl kernel.unprivileged_userns_clone=1).")
                .arg(why)};
}

std::vector<std::string> toStrings(const QStringList &list)
{
    std::vector<std::string> strings;
    for (const QString &item : list)
        strings.push_back(item.toStdString());
    return strings;
}

// Spawns bwrap with a bare environment (it is visible inside as the namespace's parent and must
// carry nothing of ours), stdin and stdout on /dev/null and stderr into `errors`.
int spawn(const QStringList &argv, const std::vector<SupervisorLink::Inherited> &inherited,
          int errors)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, errors, 2);
    int highest = 2;
    for (const auto &fd : inherited) {
        posix_spawn_file_actions_adddup2(&actions, fd.fd, fd.number);
        highest = std::max(highest, fd.number);
    }
    // Whatever else Tandem has open without close-on-exec (a library's descriptor, one
    // inherited from its own parent) stays outside: bwrap would hand it to the sandbox.
    posix_spawn_file_actions_addclosefrom_np(&actions, highest + 1);

    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    sigset_t signalSet;
    sigemptyset(&signalSet);
    posix_spawnattr_setsigmask(&attributes, &signalSet);
    sigfillset(&signalSet);
    posix_spawnattr_setsigdefault(&attributes, &signalSet);

    std::vector<std::string> strings = toStrings(argv);
    std::vector<char *> args;
    for (std::string &s : strings)
        args.push_back(s.data());
    args.push_back(nullptr);
    char path[] = "PATH=/usr/bin:/bin";
    char *environment[] = {path, nullptr};

    pid_t pid = -1;
    const int error = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), environment);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    errno = error;
    return error == 0 ? pid : -1;
}

} // namespace

SupervisorLink::SupervisorLink(int pid, int control, int errors)
    : m_pid(pid)
    , m_control(control)
    , m_errors(errors)
{}

SupervisorLink::~SupervisorLink()
{
    shutDown();
}

base::Result<std::unique_ptr<SupervisorLink>>
SupervisorLink::launch(const QStringList &argv, const std::vector<Inherited> &inherited,
                       std::chrono::milliseconds readyTimeout)
{
    int pair[2];
    int errorPipe[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
        return std::unexpected(launchError(QString::fromUtf8(std::strerror(errno))));
    if (::pipe2(errorPipe, O_CLOEXEC) != 0) {
        ::close(pair[0]);
        ::close(pair[1]);
        return std::unexpected(launchError(QString::fromUtf8(std::strerror(errno))));
    }

    // Every source moves above the target numbers first, so no dup2 lands on a source that a
    // later one still needs.
    std::vector<Inherited> all = inherited;
    all.push_back({pair[1], kControlFd});
    for (Inherited &fd : all)
        fd.fd = ::fcntl(fd.fd, F_DUPFD_CLOEXEC, kFirstSpareFd);
    const int pid = spawn(argv, all, errorPipe[1]);
    const int spawnErrno = errno;
    for (const Inherited &fd : all)
        ::close(fd.fd);
    ::close(pair[1]);
    ::close(errorPipe[1]);
    if (pid < 0) {
        ::close(pair[0]);
        ::close(errorPipe[0]);
        return std::unexpected(launchError(QString::fromUtf8(std::strerror(spawnErrno))));
    }
    ::fcntl(errorPipe[0], F_SETFL, O_NONBLOCK);

    std::unique_ptr<SupervisorLink> link(new SupervisorLink(pid, pair[0], errorPipe[0]));
    const auto ready = link->receive(readyTimeout);
    if (!ready || ready->value("op", "") != "ready") {
        const QString why = QString::fromUtf8(link->drainErrors()).trimmed();
        link->shutDown();
        return std::unexpected(
            launchError(why.isEmpty() ? QStringLiteral("no answer from inside") : why));
    }
    return link;
}

bool SupervisorLink::send(const nlohmann::json &message, const std::vector<int> &fds)
{
    if (!m_alive)
        return false;
    if (!wire::send(m_control, message.dump(), fds)) {
        m_alive = false;
        return false;
    }
    return true;
}

std::optional<nlohmann::json> SupervisorLink::receive(std::chrono::milliseconds timeout)
{
    if (!m_alive)
        return std::nullopt;

    pollfd ready{m_control, POLLIN, 0};
    int n;
    do {
        n = ::poll(&ready, 1, static_cast<int>(timeout.count()));
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return std::nullopt;

    wire::Message message;
    if (!wire::receive(m_control, message)) {
        m_alive = false;
        return std::nullopt;
    }
    for (int fd : message.fds)
        ::close(fd); // the supervisor never sends any; don't let a stray one leak
    auto parsed = nlohmann::json::parse(message.text, nullptr, false);
    if (!parsed.is_object())
        return std::nullopt;
    return parsed;
}

QByteArray SupervisorLink::drainErrors()
{
    QByteArray text;
    char buffer[4096];
    ssize_t n;
    while (text.size() < 65536 && (n = ::read(m_errors, buffer, sizeof(buffer))) > 0)
        text.append(buffer, n);
    return text;
}

void SupervisorLink::shutDown()
{
    if (m_pid <= 0)
        return;

    send({{"op", "stop"}});
    m_alive = false;
    ::close(m_control);
    m_control = -1;

    // The supervisor kills everything inside and leaves, and bwrap with it, within a
    // millisecond or two. Nobody needs to wait for that: a thread collects bwrap, and kills
    // it should it linger.
    const int pid = m_pid;
    const int errors = m_errors;
    m_pid = -1;
    m_errors = -1;
    std::thread([pid, errors] {
        QElapsedTimer clock;
        clock.start();
        int status = 0;
        while (::waitpid(pid, &status, WNOHANG) == 0) {
            if (clock.elapsed() > 2000) {
                qCWarning(lcSandbox, "the sandbox did not stop in 2 s; killing it");
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
                break;
            }
            ::usleep(500);
        }
        ::close(errors);
    }).detach();
}

} // namespace tandem::sandbox
