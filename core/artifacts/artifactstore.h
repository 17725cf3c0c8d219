#pragma once

#include "artifacts/artifact.h"

#include "base/error.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace tandem::artifacts {

// The artifacts the model made with the artifact tool in one session, by the ids it chose,
// each with the number of its latest version. Thread-safe: the tool changes it on the agent's
// worker thread, and `changed` reaches a window on another thread queued, in order.
//
//     ArtifactStore store;
//     connect(&store, &ArtifactStore::changed, &pane, &Pane::showToolArtifact);
//     registry.add(std::make_unique<ArtifactTool>(store));
class ArtifactStore : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        // Characters of one artifact's content: a page past this is not a page a user reads.
        qsizetype maxContentChars = 1'000'000;
        int maxArtifacts = 200;
    };

    explicit ArtifactStore(QObject *parent = nullptr);
    ArtifactStore(Limits limits, QObject *parent = nullptr);

    // Each returns the artifact's new version number (1 for a new one), or an error that says
    // what to do instead; on an error nothing changes.
    base::Result<int> create(const Artifact &artifact);
    // Replaces `oldText`, which must occur exactly once, with `newText`.
    base::Result<int> update(const QString &id, const QString &oldText, const QString &newText);
    base::Result<int> rewrite(const QString &id, const QString &content);

    std::optional<Artifact> find(const QString &id) const;
    int version(const QString &id) const; // 0 for an unknown id
    QStringList ids() const; // in the order they were created

    // Lower-case letters, digits and single hyphens, at most 64: it names the page's origin.
    static bool isValidId(const QString &id);

signals:
    void changed(const tandem::artifacts::Artifact &artifact, int version);

private:
    struct Entry
    {
        Artifact artifact;
        int version = 0;
    };

    // The new content of an entry, from its current one, or why there is none.
    using Edit = std::function<base::Result<QString>(const Entry &entry)>;

    base::Status checkSize(const QString &id, qsizetype size) const;
    base::Result<int> applyEdit(const QString &id, const Edit &edit);
    base::Error unknownId(const QString &id) const;

    Limits m_limits;
    mutable QMutex m_mutex;
    QHash<QString, Entry> m_entries;
    QStringList m_order;
};

} // namespace tandem::artifacts
