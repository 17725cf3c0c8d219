#include "sandbox/containerlimitwatch.h"

#include "sandbox/cgroupset.h"

#include <QFile>

#include <sys/statvfs.h>

namespace tandem::sandbox {

namespace {

constexpr qint64 kWatchEveryMs = 50;

qint64 freeBytes(const QString &path)
{
    struct statvfs info;
    if (::statvfs(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return static_cast<qint64>(info.f_bavail) * static_cast<qint64>(info.f_frsize);
}

} // namespace

ContainerLimitWatch::ContainerLimitWatch(const ResourceLimits &limits, QString workspace)
    : m_limits(limits)
    , m_workspace(std::move(workspace))
{}

void ContainerLimitWatch::begin()
{
    m_sinceCheck.start();
    if (!m_workspace.isEmpty())
        m_freeAtStart = freeBytes(m_workspace);
}

void ContainerLimitWatch::setGroup(const CgroupSet *group, bool fresh)
{
    m_group = group;
    if (!m_group || fresh)
        return;
    m_cpuAtStart = m_group->cpuNanoseconds();
    m_writtenAtStart = m_group->bytesWritten();
    m_oomAtStart = m_oomSeen = m_group->oomKills();
    m_pidsMaxAtStart = m_pidsMaxSeen = m_group->processLimitHits();
}

void ContainerLimitWatch::readCounters()
{
    if (!m_group)
        return;
    m_oomSeen = std::max(m_oomSeen, m_group->oomKills());
    m_pidsMaxSeen = std::max(m_pidsMaxSeen, m_group->processLimitHits());
}

LimitHit ContainerLimitWatch::check()
{
    if (m_sinceCheck.elapsed() < kWatchEveryMs)
        return LimitHit::None;
    m_sinceCheck.start();
    readCounters();

    const qint64 cpuLimitNs = qint64(m_limits.cpuTime.count()) * 1'000'000'000;
    if (m_group && cpuLimitNs > 0 && m_group->cpuNanoseconds() - m_cpuAtStart > cpuLimitNs)
        return LimitHit::CpuTime;
    // The whole filesystem's free space is measured, so others' writes count too: a drop past
    // the cap is only blamed on the container when its own processes wrote that much.
    if (!m_workspace.isEmpty() && m_limits.diskBytes > 0
        && m_freeAtStart - freeBytes(m_workspace) > m_limits.diskBytes
        && (!m_group || m_group->bytesWritten() - m_writtenAtStart > m_limits.diskBytes))
        return LimitHit::Disk;
    return LimitHit::None;
}

LimitHit ContainerLimitWatch::counted()
{
    readCounters();
    if (m_oomSeen > m_oomAtStart)
        return LimitHit::Memory;
    if (m_pidsMaxSeen > m_pidsMaxAtStart)
        return LimitHit::Processes;
    return LimitHit::None;
}

} // namespace tandem::sandbox
