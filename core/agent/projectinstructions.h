#pragma once

#include <QFileSystemWatcher>
#include <QMutex>
#include <QObject>
#include <QString>

#include <string>
#include <vector>

namespace tandem::agent {

// The repository's own instructions for whoever works on it: CLAUDE.md and AGENTS.md at its
// root. They are read again before every request, so the next request has what the files say
// now, and a watcher tells the window when they change. Each file is cut at kMaxBytes, and
// the cut is said both to the model and to the user.
//
//     ProjectInstructions instructions(workspace);
//     config.projectContext = [&] { return instructions.promptSection(); };
class ProjectInstructions : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kMaxBytes = 32 * 1024;

    struct File
    {
        QString name; // "CLAUDE.md"
        QString text; // at most kMaxBytes of it
        qint64 size = 0; // the whole file's
        bool truncated = false;

        bool operator==(const File &) const = default;
    };

    explicit ProjectInstructions(QString root, QObject *parent = nullptr);

    // Thread-safe. Reads the files now.
    std::vector<File> files();
    // What follows the system prompt: empty when neither file exists. Thread-safe.
    std::string promptSection();
    QString root() const { return m_root; }

    static QStringList fileNames();
    // "CLAUDE.md is 120.0 KB; only its first 32 KB are used." Empty when whole.
    static QString truncationNote(const File &file);

signals:
    // The files' text differs from the last time they were read.
    void changed();

private:
    std::vector<File> readFiles() const;
    void rewatch();

    QString m_root;
    QFileSystemWatcher m_watcher;
    QMutex m_mutex;
    std::vector<File> m_last;
};

} // namespace tandem::agent
