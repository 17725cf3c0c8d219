#pragma once

#include "base/error.h"

#include <QString>

namespace tandem::tools {

// Maps the paths a model names to files in the workspace, and refuses any that leave it. A
// model may write "src/a.py", "/workspace/src/a.py" (the path inside the sandbox) or the host
// path; all three name the same file. `..` and symlinks are resolved before the check, so
// neither can lead outside.
class WorkspacePaths
{
public:
    WorkspacePaths(QString hostRoot, QString sandboxRoot);

    // The host path of an existing file or folder, or of one to create (its parent must be
    // inside the workspace).
    base::Result<QString> resolve(const QString &modelPath) const;

    // How the model should see a host path: relative to the workspace root.
    QString display(const QString &hostPath) const;

    QString root() const { return m_root; }

private:
    QString m_root; // canonical
    QString m_sandboxRoot;
};

} // namespace tandem::tools
