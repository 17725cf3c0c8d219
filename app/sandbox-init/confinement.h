#pragma once

#include <string>
#include <vector>

namespace tandem::sandboxinit {

// What a container's command goes through just before it starts, so that it meets the same
// walls as under bubblewrap, whatever the engine's own profile allows:
//  - when it would run as root, a user namespace of its own in which the host's root is the
//    sandbox's user: uid 0 is not mapped, so setuid(0) and setuid-root programs gain nothing,
//    and the bounding set is emptied again (a new namespace starts with a full one);
//  - inside that namespace, the workspace's mounts are remounted nosuid and nodev, so that a
//    device node or setuid file in the repository is inert;
//  - Tandem's seccomp filter, compiled on the host (ptrace, keyrings, namespaces, mount, ...).
// An engine whose own seccomp profile refuses user namespaces leaves the command as root
// without capabilities; the filter is applied either way, and failing to apply it is fatal.
//
//     tandem-sandbox-init --confine --map-uid 1000 --seccomp F --nodev /workspace -- CMD...
class Confinement
{
public:
    struct Options
    {
        int mapUid = -1;
        std::string seccompFile;
        std::vector<std::string> nodevPaths;
    };

    explicit Confinement(Options options);

    // Applies everything to the calling process; false with error() set when it must not run.
    bool apply();
    const std::string &error() const { return m_error; }

private:
    bool enterUserNamespace();
    bool remountInert(const std::string &path);
    bool dropBoundingSet();
    bool loadFilter();
    bool fail(const std::string &what, int code);

    Options m_options;
    std::string m_error;
};

} // namespace tandem::sandboxinit
