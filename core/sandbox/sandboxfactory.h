#pragma once

#include "sandbox/sandbox.h"
#include "sandbox/sandboxpolicy.h"

#include <memory>

namespace tandem::sandbox {

// Makes the sandbox a session asked for by name: "bubblewrap" (the default, local, fastest) or
// "container" (Docker or Podman through the Engine API; DOCKER_HOST picks the engine).
class SandboxFactory
{
public:
    static QStringList backends();

    // Whether the backend can run here at all (bwrap installed, an engine answering), so a
    // session fails before it creates anything; the error says what to install or start.
    static base::Status checkAvailable(const QString &backend);

    // Refuses a workspace that is not a project folder: empty, the root, the home folder or
    // one that holds it, or a system folder.
    static base::Status checkWorkspace(const QString &workspace);

    // An unknown name is an error that lists the ones there are. The policy's workspace is
    // checked first.
    static base::Result<std::unique_ptr<Sandbox>> create(const QString &backend,
                                                         SandboxPolicy policy);
};

} // namespace tandem::sandbox
