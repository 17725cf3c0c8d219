#pragma once

#include "sandbox/sandbox.h"
#include "sandbox/sandboxpolicy.h"

#include <QElapsedTimer>

namespace tandem::sandbox {

class CgroupSet;

// Holds one command in a container to the policy's limits from the host, the way
// SupervisedCommand does for bubblewrap: CPU time summed over every process in the container's
// cgroup, and bytes written to the workspace as the drop in free space on its filesystem, both
// polled while the command runs; the processes and memory limits that the kernel enforced,
// read from the cgroup's counters when it ends.
//
//     ContainerLimitWatch watch(policy.limits, policy.workspace);
//     watch.begin();
//     watch.setGroup(group, false);
//     while (running) if (LimitHit hit = watch.check(); hit != LimitHit::None) kill(hit);
//     LimitHit kernel = watch.counted();
class ContainerLimitWatch
{
public:
    // `workspace` empty: the disk is not watched (a copy on a remote engine).
    ContainerLimitWatch(const ResourceLimits &limits, QString workspace);

    // Notes the free space as the command starts.
    void begin();
    // The container's groups, from now on; null: none to read (a remote engine, a container
    // already gone). A fresh group was made for this command, so its counters start at zero.
    void setGroup(const CgroupSet *group, bool fresh);
    bool readsGroup() const { return m_group != nullptr; }

    // A limit the command has just gone past, if any; reads at most every 50 ms.
    LimitHit check();
    // What the kernel stopped since begin(): an out-of-memory kill, a refused fork.
    LimitHit counted();

private:
    void readCounters();

    const CgroupSet *m_group = nullptr;
    ResourceLimits m_limits;
    QString m_workspace;
    QElapsedTimer m_sinceCheck;
    qint64 m_freeAtStart = 0;
    qint64 m_cpuAtStart = 0;
    qint64 m_writtenAtStart = 0;
    qint64 m_oomAtStart = 0;
    qint64 m_pidsMaxAtStart = 0;
    // The highest counts seen: a cold container's groups go with it, perhaps before the end.
    qint64 m_oomSeen = 0;
    qint64 m_pidsMaxSeen = 0;
};

} // namespace tandem::sandbox
