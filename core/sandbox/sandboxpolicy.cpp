#include "sandbox/sandboxpolicy.h"

namespace tandem::sandbox {

QStringList SandboxPolicy::defaultDeniedPaths()
{
    // Each of these is read by a program the user runs on the host later: git, their shell,
    // direnv, their editor. A sandboxed command that could write them would run code outside.
    return {
        QStringLiteral(".git"),
        QStringLiteral(".tandem"),
        QStringLiteral(".envrc"),
        QStringLiteral(".bashrc"),
        QStringLiteral(".bash_profile"),
        QStringLiteral(".bash_login"),
        QStringLiteral(".bash_logout"),
        QStringLiteral(".profile"),
        QStringLiteral(".zshrc"),
        QStringLiteral(".zshenv"),
        QStringLiteral(".zprofile"),
        QStringLiteral(".zlogin"),
        QStringLiteral(".vscode/tasks.json"),
        QStringLiteral(".vscode/launch.json"),
        QStringLiteral(".vscode/settings.json"),
        QStringLiteral(".idea/workspace.xml"),
    };
}

namespace {

QString bytes(qint64 value)
{
    if (value >= (qint64(1) << 30) && value % (qint64(1) << 30) == 0)
        return QStringLiteral("%1 GiB").arg(value >> 30);
    if (value >= (qint64(1) << 20))
        return QStringLiteral("%1 MiB").arg(value >> 20);
    return QStringLiteral("%1 bytes").arg(value);
}

} // namespace

QString SandboxPolicy::summary() const
{
    QStringList parts;
    parts << (allowedHosts.isEmpty()
                  ? QStringLiteral("no network")
                  : QStringLiteral("network: %1").arg(allowedHosts.join(QStringLiteral(", "))));
    if (limits.memoryBytes > 0)
        parts << QStringLiteral("memory %1").arg(bytes(limits.memoryBytes));
    if (limits.processes > 0)
        parts << QStringLiteral("%1 processes").arg(limits.processes);
    if (limits.diskBytes > 0)
        parts << QStringLiteral("disk %1").arg(bytes(limits.diskBytes));
    if (limits.wallTime.count() > 0)
        parts << QStringLiteral("%1 s a command").arg(limits.wallTime.count() / 1000);
    return parts.join(QStringLiteral(" · "));
}

} // namespace tandem::sandbox
