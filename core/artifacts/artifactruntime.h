#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>

namespace tandem::artifacts {

// The bundled libraries artifact pages load (React, Recharts, Tailwind's classes, Mermaid...),
// built from pinned npm packages by packaging/build-artifact-runtime.sh. Files are read once
// and kept, since every render of a React artifact asks for them again.
class ArtifactRuntime
{
public:
    // TANDEM_ARTIFACT_RUNTIME if set, else share/tandem/artifact-runtime beside the
    // executable's bin folder when installed, else the build folder's artifact-runtime/dist.
    static QString defaultDirectory();

    explicit ArtifactRuntime(QString directory = defaultDirectory());

    QString directory() const { return m_directory; }
    bool isAvailable() const;

    // The file's bytes, or nothing for a name that is not a runtime file (paths are refused).
    std::optional<QByteArray> file(const QString &name);

private:
    QString m_directory;
    QHash<QString, QByteArray> m_files;
};

} // namespace tandem::artifacts
