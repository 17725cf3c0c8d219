#include "sandbox/sandboxfactory.h"

#include "sandbox/bubblewrapsandbox.h"
#include "sandbox/containersandbox.h"

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

base::Result<std::unique_ptr<Sandbox>> SandboxFactory::create(const QString &backend,
                                                              SandboxPolicy policy)
{
    if (backend.isEmpty() || backend == QLatin1String("bubblewrap"))
        return std::make_unique<BubblewrapSandbox>(std::move(policy));
    if (backend == QLatin1String("container"))
        return std::make_unique<ContainerSandbox>(std::move(policy));
    return base::fail("sandbox_backend",
                      QStringLiteral("Unknown sandbox backend \"%1\": use %2.")
                          .arg(backend, backends().join(QStringLiteral(" or "))));
}

} // namespace tandem::sandbox
