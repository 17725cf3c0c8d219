#pragma once

#include <QString>
#include <QStringList>

namespace tandem::sandbox {

// What a sandbox may see. The workspace is the only writable host path; .git inside it is
// always read-only. Later issues add network hosts and resource limits here.
struct SandboxPolicy
{
    QString workspace; // host path, bound read-write at workspaceInside
    QString workspaceInside = QStringLiteral("/workspace");
    QStringList readOnlyPaths;
    int maxProcesses = 512; // per command, where the machine offers a pids cgroup // extra host
                            // paths, bound read-only at the same place
};

} // namespace tandem::sandbox
