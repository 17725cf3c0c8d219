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

} // namespace tandem::sandbox
