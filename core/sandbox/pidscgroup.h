#pragma once

#include <QString>
#include <QStringList>

#include <memory>

namespace tandem::sandbox {

// A cgroup (v1 pids controller) that caps how many processes one sandboxed command may have.
// RLIMIT_NPROC does not bind when the sandbox's user maps to root, so a fork bomb needs this.
// The command enters the group before bwrap starts, so everything it forks is counted.
class PidsCgroup
{
public:
    ~PidsCgroup();
    PidsCgroup(const PidsCgroup &) = delete;
    PidsCgroup &operator=(const PidsCgroup &) = delete;

    // Null when this machine offers no writable pids controller (not root, or cgroup v2 only).
    static std::unique_ptr<PidsCgroup> create(int maxProcesses);

    // `argv` wrapped so that the process joins this group and then becomes `argv`.
    QStringList wrap(const QStringList &argv) const;

private:
    explicit PidsCgroup(QString path);

    QString m_path;
};

} // namespace tandem::sandbox
