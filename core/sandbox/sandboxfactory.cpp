#include "sandbox/sandboxfactory.h"

#include "sandbox/bubblewrapsandbox.h"
#include "sandbox/containersandbox.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace tandem::sandbox {

QStringList SandboxFactory::backends()
{
    return {QStringLiteral("bubblewrap"), QStringLiteral("container")};
}

base::Status SandboxFactory::checkAvailable(const QString &backend)
{
    if (backend.isEmpty() || backend == QLatin1String("bubblewrap"))
        return BubblewrapSandbox::checkInstalled();
    if (backend != QLatin1String("container")) {
        if (auto unknown = create(backend, {}); !unknown)
            return std::unexpected(unknown.error());
    }

    auto endpoint = EngineEndpoint::fromEnvironment();
    if (!endpoint)
        return std::unexpected(endpoint.error());
    return DockerEngine(*endpoint).ping();
}

base::Status SandboxFactory::checkWorkspace(const QString &workspace)
{
    if (workspace.trimmed().isEmpty()) {
        return base::fail("sandbox_workspace",
                          QStringLiteral("No workspace given: name the project folder the "
                                         "sandbox may change."));
    }

    // The workspace is bound read-write: a folder that holds the user's keys or the system
    // would hand them to every command. Only a project folder will do.
    const QString path = QFileInfo(workspace).canonicalFilePath();
    const QString home = QFileInfo(QDir::homePath()).canonicalFilePath();
    const bool holdsHome =
        !home.isEmpty()
        && (home == path || home.startsWith(path + QLatin1Char('/')) || path == QLatin1String("/"));
    const QStringList system{
        QStringLiteral("/bin"),  QStringLiteral("/boot"), QStringLiteral("/dev"),
        QStringLiteral("/etc"),  QStringLiteral("/lib"),  QStringLiteral("/proc"),
        QStringLiteral("/root"), QStringLiteral("/run"),  QStringLiteral("/sbin"),
        QStringLiteral("/sys"),  QStringLiteral("/usr"),  QStringLiteral("/var"),
        QStringLiteral("/tmp"),  QStringLiteral("/home")};
    // A folder inside the home folder is the user's own, even where home is /root.
    const bool insideHome = !home.isEmpty() && path.startsWith(home + QLatin1Char('/'));
    const bool isSystem = std::any_of(system.begin(), system.end(), [&](const QString &dir) {
        return path == dir
               || (!insideHome && dir != QLatin1String("/tmp") && dir != QLatin1String("/home")
                   && path.startsWith(dir + QLatin1Char('/')));
    });
    if (holdsHome || isSystem) {
        return base::fail("sandbox_workspace",
                          QStringLiteral("Refusing %1 as a workspace: it is %2, and commands "
                                         "could change everything in it. Use a project "
                                         "folder (--workspace DIR).")
                              .arg(path, holdsHome ? QStringLiteral("your home folder or holds it")
                                                   : QStringLiteral("a system folder")));
    }
    return {};
}

base::Result<std::unique_ptr<Sandbox>> SandboxFactory::create(const QString &backend,
                                                              SandboxPolicy policy)
{
    if (!policy.workspace.isNull()) {
        if (auto safe = checkWorkspace(policy.workspace); !safe)
            return std::unexpected(safe.error());
    }
    if (backend.isEmpty() || backend == QLatin1String("bubblewrap"))
        return std::make_unique<BubblewrapSandbox>(std::move(policy));
    if (backend == QLatin1String("container"))
        return std::make_unique<ContainerSandbox>(std::move(policy));
    return base::fail("sandbox_backend",
                      QStringLiteral("Unknown sandbox backend \"%1\": use %2.")
                          .arg(backend, backends().join(QStringLiteral(" or "))));
}

} // namespace tandem::sandbox
