#pragma once

#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>
#include <vector>

namespace tandem::sandbox {

// One group of processes in the cgroup v1 controllers Tandem uses: pids (count and kill
// everything, escaped children included), memory (a cap, and who was killed for it), cpuacct
// (CPU time summed over processes) and freezer (so a fork bomb cannot outrun the kill). Each
// controller has its own directory at the same path, e.g. /sys/fs/cgroup/pids/tandem/<pid>-<n>.
// A set without a controller simply lacks that limit; describe what is enforced with
// controllers().
class CgroupSet
{
public:
    ~CgroupSet();
    CgroupSet(const CgroupSet &) = delete;
    CgroupSet &operator=(const CgroupSet &) = delete;

    // A new top-level group for one sandbox; null when the machine offers no writable pids
    // controller (Tandem not root, or cgroup v2 only). Removes groups that crashed runs left.
    static std::unique_ptr<CgroupSet> create();
    // A group inside this one, e.g. for one command.
    std::unique_ptr<CgroupSet> createChild(const QString &name) const;
    // The groups another manager (a container engine) put process `pid` in, to read them: the
    // set neither kills nor removes them when it goes. Only groups whose path holds `marker`
    // count (engines name them after the container), so that a pid that was reused meanwhile
    // never leads to another group. Null when the process is gone or has no such pids group in
    // cgroup v1.
    static std::unique_ptr<CgroupSet> attach(qint64 pid, const QString &marker);

    // Waits, at most `patience`, for groups still being removed in the background: a process
    // about to exit calls it so that it leaves no empty group behind.
    static void finishRemovals(std::chrono::milliseconds patience);

    QStringList controllers() const;
    bool setProcessLimit(int processes);
    bool setMemoryLimit(qint64 bytes);

    // One write-only cgroup.procs descriptor per controller: a process that writes "0" to each
    // joins this group. The caller closes them.
    std::vector<int> openJoinFiles() const;

    qint64 cpuNanoseconds() const;
    // Bytes the group's processes have written to storage (their /proc/<pid>/io write_bytes,
    // which include the children they reaped) and to tmpfs (the group's shmem): what a disk
    // watch can blame on the group rather than on everything else writing to the filesystem.
    qint64 bytesWritten() const;
    qint64 oomKills() const;
    qint64 processLimitHits() const;
    bool isEmpty() const;

    // Kills every process in the group and waits until the kernel has let go of them.
    void killAll();
    // One SIGKILL to every process in the group, unfrozen and without waiting (for a group
    // that does not fork); false if there were none.
    bool signalAll();

private:
    CgroupSet(QStringList directories, bool owned);

    QString directory(const QString &controller) const;
    void setFrozen(bool frozen);

    QStringList m_directories; // one per controller, the pids one first
    bool m_owned = true; // ours to kill and remove
};

} // namespace tandem::sandbox
