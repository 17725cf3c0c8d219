#include "agent/projectinstructions.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QMutexLocker>

namespace tandem::agent {

Q_DECLARE_LOGGING_CATEGORY(lcAgent)

namespace {

// Bytes of UTF-8 cut anywhere: a character split at the end is dropped, not mangled.
QString decodePrefix(QByteArray bytes)
{
    while (!bytes.isEmpty()) {
        const QString text = QString::fromUtf8(bytes);
        if (!text.endsWith(QChar::ReplacementCharacter))
            return text;
        bytes.chop(1);
    }
    return {};
}

} // namespace

ProjectInstructions::ProjectInstructions(QString root, QObject *parent)
    : QObject(parent)
    , m_root(std::move(root))
{
    m_last = readFiles();
    m_watcher.addPath(m_root);
    rewatch();
    // A save that replaces the file shows up on the folder; one in place, on the file.
    auto onChange = [this] {
        rewatch();
        files();
    };
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, onChange);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, onChange);
}

QStringList ProjectInstructions::fileNames()
{
    return {QStringLiteral("CLAUDE.md"), QStringLiteral("AGENTS.md")};
}

std::vector<ProjectInstructions::File> ProjectInstructions::readFiles() const
{
    std::vector<File> found;
    for (const QString &name : fileNames()) {
        QFile file(QDir(m_root).filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        File read;
        read.name = name;
        read.size = file.size();
        read.truncated = read.size > kMaxBytes;
        read.text = decodePrefix(file.read(kMaxBytes));
        found.push_back(std::move(read));
    }
    return found;
}

void ProjectInstructions::rewatch()
{
    for (const QString &name : fileNames()) {
        const QString path = QDir(m_root).filePath(name);
        if (QFile::exists(path) && !m_watcher.files().contains(path))
            m_watcher.addPath(path);
    }
}

std::vector<ProjectInstructions::File> ProjectInstructions::files()
{
    std::vector<File> now = readFiles();
    bool differs = false;
    {
        QMutexLocker lock(&m_mutex);
        differs = now != m_last;
        m_last = now;
    }
    if (differs) {
        qCInfo(lcAgent, "project instructions in %s changed", qPrintable(m_root));
        emit changed();
    }
    return now;
}

QString ProjectInstructions::truncationNote(const File &file)
{
    if (!file.truncated)
        return {};
    return QStringLiteral("%1 is %2 KB; only its first %3 KB are used.")
        .arg(file.name)
        .arg(double(file.size) / 1024.0, 0, 'f', 1)
        .arg(kMaxBytes / 1024);
}

std::string ProjectInstructions::promptSection()
{
    const std::vector<File> current = files();
    if (current.empty())
        return {};

    std::string section =
        "\n\nThe repository gives instructions for working on it, from files at its root. Follow "
        "them where they do not conflict with the rules above.";
    for (const File &file : current) {
        section += "\n\n<project_instructions file=\"" + file.name.toStdString() + "\">\n";
        section += file.text.toStdString();
        if (file.truncated)
            section += "\n[" + truncationNote(file).toStdString() + "]";
        section += "\n</project_instructions>";
    }
    return section;
}

} // namespace tandem::agent
