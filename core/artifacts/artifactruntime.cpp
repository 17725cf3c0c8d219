#include "artifacts/artifactruntime.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

namespace tandem::artifacts {

Q_DECLARE_LOGGING_CATEGORY(lcArtifacts)

QString ArtifactRuntime::defaultDirectory()
{
    const QString configured = qEnvironmentVariable("TANDEM_ARTIFACT_RUNTIME");
    if (!configured.isEmpty())
        return configured;

    const QDir bin(QCoreApplication::applicationDirPath());
    const QString installed =
        bin.absoluteFilePath(QStringLiteral("../share/tandem/artifact-runtime"));
    if (QFileInfo::exists(installed + QStringLiteral("/react.js")))
        return QDir::cleanPath(installed);
    return QDir::cleanPath(bin.absoluteFilePath(QStringLiteral("../artifact-runtime/dist")));
}

ArtifactRuntime::ArtifactRuntime(QString directory)
    : m_directory(std::move(directory))
{}

bool ArtifactRuntime::isAvailable() const
{
    return QFileInfo::exists(m_directory + QStringLiteral("/react-artifact.js"));
}

std::optional<QByteArray> ArtifactRuntime::file(const QString &name)
{
    const auto cached = m_files.constFind(name);
    if (cached != m_files.constEnd())
        return *cached;

    const bool plainName =
        !name.isEmpty() && !name.contains(u'/') && !name.contains(u'\\') && !name.startsWith(u'.');
    if (!plainName)
        return std::nullopt;

    QFile file(m_directory + u'/' + name);
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcArtifacts) << "no runtime file" << file.fileName() << file.errorString();
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    m_files.insert(name, bytes);
    return bytes;
}

} // namespace tandem::artifacts
