#include "confinement.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace tandem::sandboxinit {

namespace {

constexpr size_t kMaxFilterBytes = 256 * 1024;

bool writeFile(const char *path, const std::string &text)
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool written = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
    const int code = errno;
    ::close(fd);
    errno = code;
    return written;
}

// /proc/self/mountinfo writes spaces and the like in mount points as octal escapes.
std::string unescape(const std::string &field)
{
    std::string plain;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            const std::string digits = field.substr(i + 1, 3);
            if (digits.find_first_not_of("01234567") == std::string::npos) {
                plain += char(std::stoi(digits, nullptr, 8));
                i += 3;
                continue;
            }
        }
        plain += field[i];
    }
    return plain;
}

// Mount points at `path` or below it, from the fifth field of each mountinfo line.
std::vector<std::string> mountsUnder(const std::string &path)
{
    std::vector<std::string> found;
    FILE *info = std::fopen("/proc/self/mountinfo", "re");
    if (!info)
        return found;
    char *line = nullptr;
    size_t capacity = 0;
    while (::getline(&line, &capacity, info) > 0) {
        char point[4096];
        if (std::sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
            continue;
        const std::string mountPoint = unescape(point);
        if (mountPoint == path || mountPoint.rfind(path + '/', 0) == 0)
            found.push_back(mountPoint);
    }
    std::free(line);
    std::fclose(info);
    return found;
}

// A remount must keep every flag the mount already has: those set by the engine are locked
// for a namespace that did not make the mount, and dropping one is refused.
unsigned long keptFlags(const struct statvfs &now)
{
    unsigned long flags = 0;
    const std::pair<unsigned long, unsigned long> pairs[] = {
        {ST_RDONLY, MS_RDONLY},     {ST_NOSUID, MS_NOSUID},          {ST_NODEV, MS_NODEV},
        {ST_NOEXEC, MS_NOEXEC},     {ST_NOATIME, MS_NOATIME},        {ST_NODIRATIME, MS_NODIRATIME},
        {ST_RELATIME, MS_RELATIME}, {ST_SYNCHRONOUS, MS_SYNCHRONOUS}};
    for (const auto &[reported, flag] : pairs) {
        if (now.f_flag & reported)
            flags |= flag;
    }
    if (!(now.f_flag & (ST_NOATIME | ST_RELATIME)))
        flags |= MS_STRICTATIME;
    return flags;
}

} // namespace

Confinement::Confinement(Options options)
    : m_options(std::move(options))
{}

bool Confinement::apply()
{
    if (enterUserNamespace()) {
        for (const std::string &path : m_options.nodevPaths) {
            for (const std::string &mountPoint : mountsUnder(path)) {
                if (!remountInert(mountPoint))
                    return false;
            }
        }
        if (!dropBoundingSet())
            return false;
    } else if (!m_error.empty()) {
        return false;
    }
    return m_options.seccompFile.empty() || loadFilter();
}

// True when the command now runs in a namespace of its own. An engine that refuses new user
// namespaces (Docker's default profile does) leaves it where it was, which is not an error.
bool Confinement::enterUserNamespace()
{
    if (m_options.mapUid < 0 || ::geteuid() != 0)
        return false;
    const uid_t outerUid = ::geteuid();
    const gid_t outerGid = ::getegid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
        return false;

    const std::string uid = std::to_string(m_options.mapUid);
    if (!writeFile("/proc/self/setgroups", "deny"))
        return fail("cannot deny setgroups in the command's user namespace", errno);
    if (!writeFile("/proc/self/uid_map", uid + ' ' + std::to_string(outerUid) + " 1\n"))
        return fail("cannot map the command's user", errno);
    if (!writeFile("/proc/self/gid_map", uid + ' ' + std::to_string(outerGid) + " 1\n"))
        return fail("cannot map the command's group", errno);
    return true;
}

bool Confinement::remountInert(const std::string &path)
{
    struct statvfs now
    {};
    if (::statvfs(path.c_str(), &now) != 0)
        return fail("cannot read the mount flags of " + path, errno);
    const unsigned long flags = keptFlags(now) | MS_NOSUID | MS_NODEV;
    if (::mount(nullptr, path.c_str(), nullptr, MS_REMOUNT | MS_BIND | flags, nullptr) != 0)
        return fail("cannot remount " + path + " nosuid,nodev", errno);
    return true;
}

bool Confinement::dropBoundingSet()
{
    for (int capability = 0; ::prctl(PR_CAPBSET_READ, capability, 0, 0, 0) >= 0; ++capability) {
        if (::prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0)
            return fail("cannot empty the capability bounding set", errno);
    }
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    return true;
}

bool Confinement::loadFilter()
{
    const int fd = ::open(m_options.seccompFile.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail("cannot open the system-call filter " + m_options.seccompFile, errno);
    std::vector<char> program(kMaxFilterBytes);
    size_t size = 0;
    ssize_t got;
    while (size < program.size()
           && (got = ::read(fd, program.data() + size, program.size() - size)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            const int code = errno;
            ::close(fd);
            return fail("cannot read the system-call filter", code);
        }
        size += size_t(got);
    }
    ::close(fd);
    if (size == 0 || size % sizeof(sock_filter) != 0 || size == program.size())
        return fail("the system-call filter " + m_options.seccompFile + " is damaged", EINVAL);

    sock_fprog filter{};
    filter.len = static_cast<unsigned short>(size / sizeof(sock_filter));
    filter.filter = reinterpret_cast<sock_filter *>(program.data());
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return fail("cannot set no_new_privs", errno);
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter, 0, 0) != 0)
        return fail("cannot load the system-call filter", errno);
    return true;
}

bool Confinement::fail(const std::string &what, int code)
{
    m_error = what + ": " + std::strerror(code);
    return false;
}

} // namespace tandem::sandboxinit
