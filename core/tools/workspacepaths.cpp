#include "tools/workspacepaths.h"

#include <QDir>
#include <QFileInfo>

namespace tandem::tools {

namespace {

bool isInside(const QString &path, const QString &root)
{
    return path == root || path.startsWith(root + QLatin1Char('/'));
}

base::Result<QString> refuse(const QString &modelPath)
{
    return base::fail("path_outside_workspace",
                      QStringLiteral("%1 is outside the workspace; use a path inside it (relative "
                                     "paths start at the workspace root).")
                          .arg(modelPath));
}

} // namespace

WorkspacePaths::WorkspacePaths(QString hostRoot, QString sandboxRoot)
    : m_root(QFileInfo(hostRoot).canonicalFilePath())
    , m_sandboxRoot(std::move(sandboxRoot))
{}

base::Result<QString> WorkspacePaths::resolve(const QString &modelPath) const
{
    if (modelPath.trimmed().isEmpty())
        return base::fail("path_missing", QStringLiteral("The path is empty."));

    QString relative = modelPath;
    if (isInside(QDir::cleanPath(modelPath), m_sandboxRoot))
        relative = QDir::cleanPath(modelPath).mid(m_sandboxRoot.size());
    else if (isInside(QDir::cleanPath(modelPath), m_root))
        relative = QDir::cleanPath(modelPath).mid(m_root.size());
    else if (QDir::isAbsolutePath(modelPath))
        return refuse(modelPath);

    const QString joined = QDir::cleanPath(m_root + QLatin1Char('/') + relative);
    if (!isInside(joined, m_root))
        return refuse(modelPath);

    // A link whose target does not exist yet counts as missing for exists(), but a write
    // through it would land wherever it points: refuse it outright.
    const QFileInfo info(joined);
    if (info.isSymLink() && !info.exists()) {
        return base::fail("path_dangling_link",
                          QStringLiteral("%1 is a symbolic link to something that does not "
                                         "exist; remove the link or name another path.")
                              .arg(modelPath));
    }

    // Follow every symlink of what exists; a new file's parent must resolve inside.
    const QString real = info.exists() ? info.canonicalFilePath()
                                       : QFileInfo(info.absolutePath()).canonicalFilePath();
    if (real.isEmpty()) {
        return base::fail("path_missing",
                          QStringLiteral("%1: the folder does not exist.").arg(modelPath));
    }
    if (!isInside(real, m_root))
        return refuse(modelPath);

    const QString result = info.exists() ? real : real + QLatin1Char('/') + info.fileName();
    const QString gitDir = m_root + QStringLiteral("/.git");
    if (isInside(result, gitDir)) {
        return base::fail(
            "path_protected",
            QStringLiteral("%1 is inside .git, which only Tandem changes.").arg(modelPath));
    }
    return result;
}

QString WorkspacePaths::display(const QString &hostPath) const
{
    if (hostPath == m_root)
        return QStringLiteral(".");
    return isInside(hostPath, m_root) ? hostPath.mid(m_root.size() + 1) : hostPath;
}

} // namespace tandem::tools
