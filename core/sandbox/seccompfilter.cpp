#include "sandbox/seccompfilter.h"

#include <QString>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace tandem::sandbox {

namespace {

using Context = std::unique_ptr<std::remove_pointer_t<scmp_filter_ctx>, void (*)(scmp_filter_ctx)>;

// Refused whatever their arguments.
const char *const kRefusedCalls[] = {
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "chroot",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "unshare",
    "setns",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "syslog",
    "quotactl",
    "open_by_handle_at",
    "name_to_handle_at",
    "iopl",
    "ioperm",
    "lookup_dcookie",
    "personality",
};

const scmp_datum_t kNamespaceFlags[] = {CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWPID,   CLONE_NEWNET,
                                        CLONE_NEWUTS,  CLONE_NEWIPC, CLONE_NEWCGROUP};

base::Error failure(const char *what, int code)
{
    return {"sandbox_seccomp",
            QStringLiteral("Cannot build the sandbox's system-call filter (%1: "
                           "%2); is libseccomp2 installed?")
                .arg(QString::fromLatin1(what), QString::fromUtf8(std::strerror(-code)))};
}

int refuse(scmp_filter_ctx filter, const char *name)
{
    const int call = seccomp_syscall_resolve_name(name);
    if (call == __NR_SCMP_ERROR)
        return 0; // not on this architecture
    return seccomp_rule_add(filter, SCMP_ACT_ERRNO(EPERM), call, 0);
}

// Packet sockets, and raw or SOCK_PACKET sockets of the internet families: the network
// namespace has only lo, but forged packets on it are still no business of a build.
// The socket type carries flags in its upper bits, so only its low four bits are compared.
int addSocketRules(scmp_filter_ctx filter)
{
    const auto deny = SCMP_ACT_ERRNO(EPERM);
    int rc = seccomp_rule_add(filter, deny, SCMP_SYS(socket), 1,
                              SCMP_A0(SCMP_CMP_EQ, scmp_datum_t(AF_PACKET)));
    for (const scmp_datum_t family : {scmp_datum_t(AF_INET), scmp_datum_t(AF_INET6)}) {
        for (const scmp_datum_t type : {scmp_datum_t(SOCK_RAW), scmp_datum_t(SOCK_PACKET)}) {
            if (rc < 0)
                return rc;
            rc = seccomp_rule_add(filter, deny, SCMP_SYS(socket), 2, SCMP_A0(SCMP_CMP_EQ, family),
                                  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, type));
        }
    }
    return rc;
}

int addArgumentRules(scmp_filter_ctx filter)
{
    const auto deny = SCMP_ACT_ERRNO(EPERM);

    // ioctl's request is an int: compare the low 32 bits only, or a request with high bits set
    // would slip past (CVE-2019-10063).
    const scmp_datum_t low32 = 0xffffffffu;
    for (const scmp_datum_t request : {scmp_datum_t(TIOCSTI), scmp_datum_t(TIOCLINUX)}) {
        const int rc = seccomp_rule_add(filter, deny, SCMP_SYS(ioctl), 1,
                                        SCMP_A1(SCMP_CMP_MASKED_EQ, low32, request));
        if (rc < 0)
            return rc;
    }

    // New namespaces through clone, one rule per flag since a rule can only test equality.
    // clone3 keeps its flags in memory a filter cannot read: it answers ENOSYS, and the C
    // library falls back to clone, where these rules see them.
    for (const scmp_datum_t flag : kNamespaceFlags) {
        const int rc = seccomp_rule_add(filter, deny, SCMP_SYS(clone), 1,
                                        SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
        if (rc < 0)
            return rc;
    }
    if (const int rc = seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
        rc < 0)
        return rc;

    return addSocketRules(filter);
}

} // namespace

base::Result<std::vector<char>> SeccompFilter::program()
{
    // The filter never changes: each sandbox gets a copy of the one built first.
    static std::mutex mutex;
    static std::vector<char> built;
    std::lock_guard lock(mutex);
    if (built.empty()) {
        auto fresh = build();
        if (!fresh)
            return std::unexpected(fresh.error());
        built = std::move(*fresh);
    }
    return built;
}

base::Result<int> SeccompFilter::compile()
{
    auto filter = program();
    if (!filter)
        return std::unexpected(filter.error());
    const int fd = memfd_create("tandem-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return std::unexpected(failure("memfd_create", -errno));
    if (::write(fd, filter->data(), filter->size()) != ssize_t(filter->size())) {
        ::close(fd);
        return std::unexpected(failure("write", -errno));
    }
    ::lseek(fd, 0, SEEK_SET);
    return fd;
}

base::Result<std::vector<char>> SeccompFilter::build()
{
    Context filter(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
    if (!filter)
        return std::unexpected(failure("seccomp_init", -ENOMEM));

    for (const char *name : kRefusedCalls) {
        if (const int rc = refuse(filter.get(), name); rc < 0)
            return std::unexpected(failure(name, rc));
    }
    if (const int rc = addArgumentRules(filter.get()); rc < 0)
        return std::unexpected(failure("argument rules", rc));
    // Preallocating claims disk space without writing it, faster than the disk limit is
    // watched; refused as unsupported, programs fall back to writing, which is watched.
    if (const int rc =
            seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(EOPNOTSUPP), SCMP_SYS(fallocate), 0);
        rc < 0)
        return std::unexpected(failure("fallocate", rc));

    const int fd = memfd_create("tandem-seccomp-build", MFD_CLOEXEC);
    if (fd < 0)
        return std::unexpected(failure("memfd_create", -errno));
    std::vector<char> program;
    if (const int rc = seccomp_export_bpf(filter.get(), fd); rc < 0) {
        ::close(fd);
        return std::unexpected(failure("seccomp_export_bpf", rc));
    }
    const off_t size = ::lseek(fd, 0, SEEK_END);
    program.resize(size_t(std::max<off_t>(size, 0)));
    const bool read = size > 0 && ::pread(fd, program.data(), program.size(), 0) == size;
    ::close(fd);
    if (!read)
        return std::unexpected(failure("reading the compiled filter", -EIO));
    return program;
}

} // namespace tandem::sandbox
