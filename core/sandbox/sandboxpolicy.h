#pragma once

#include <QString>
#include <QStringList>

#include <chrono>

namespace tandem::sandbox {

// How much one command, and the sandbox as a whole, may use. A zero means "no limit of this
// kind"; the defaults are what Tandem uses when neither the user nor the repository says more.
struct ResourceLimits
{
    std::chrono::milliseconds wallTime{120'000}; // per command, from start to the last process
    std::chrono::seconds cpuTime{600}; // per command, summed over its processes
    qint64 memoryBytes = qint64(4) << 30; // per sandbox, every process together
    int processes = 512; // per sandbox, tasks alive at once
    qint64 outputBytes = qint64(1) << 20; // per command and stream, kept for the caller
    qint64 diskBytes = qint64(1) << 30; // written per command: workspace, /tmp, home

    friend bool operator==(const ResourceLimits &, const ResourceLimits &) = default;
};

// A folder of Tandem's own bound read-only at a fixed place inside, such as the tool channel's
// (its sockets are reached from inside). Set by Tandem at run time, never by policy files.
struct ChannelFolder
{
    QString host;
    QString inside;

    friend bool operator==(const ChannelFolder &, const ChannelFolder &) = default;
};

// Everything a sandbox may see and do. The agent builds one per session, the window shows it,
// and every backend enforces it the same way. Paths outside the ones named here do not exist
// inside; the network is off unless hosts are allowed, and then only those hosts, through
// Tandem's proxy.
struct SandboxPolicy
{
    QString workspace; // host path, bound read-write at workspaceInside
    QString workspaceInside = QStringLiteral("/workspace");

    QStringList readWritePaths; // further host paths bound read-write at the same place
    QStringList readOnlyPaths; // host paths bound read-only at the same place
    QList<ChannelFolder> channelFolders;
    // Paths relative to the workspace that commands may not change, even though the workspace
    // is writable: anything there could run later on the host (hooks, shell start-up files,
    // editor tasks). defaultDeniedPaths() is always part of it.
    QStringList deniedPaths;

    // Host names ("pypi.org"), subdomain patterns ("*.npmjs.org") or literal addresses, each
    // with an optional ":port" (default: 80 and 443). Empty: no network at all.
    QStringList allowedHosts;

    ResourceLimits limits;

    // The workspace paths every policy denies, whatever the files say.
    static QStringList defaultDeniedPaths();

    // One line for people: the network and the main limits, e.g. "no network · memory 4 GiB
    // · 512 processes · 120 s a command".
    QString summary() const;

    friend bool operator==(const SandboxPolicy &, const SandboxPolicy &) = default;
};

} // namespace tandem::sandbox
