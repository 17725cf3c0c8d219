#pragma once

#include <QString>
#include <QStringList>

namespace tandem::artifacts {

// The versions of one artifact, oldest first: the model's first text, each of its updates, and
// each pause in the user's typing. Stepping back and forward moves a cursor; recording while
// stepped back keeps every version and adds the new one at the end, so nothing is ever lost.
//
//     ArtifactVersions versions(firstText);
//     versions.record(editedText);           // a pause in typing
//     versions.back();                       // shows firstText again
//     QString change = ArtifactVersions::diff(versions.at(0), versions.at(1));
class ArtifactVersions
{
public:
    explicit ArtifactVersions(const QString &first = {});

    // Adds `content` unless it equals the current version; returns whether it added one.
    bool record(const QString &content);

    bool back();
    bool forward();

    QString current() const { return m_versions.at(m_index); }
    QString at(qsizetype index) const { return m_versions.at(index); }
    qsizetype index() const { return m_index; }
    qsizetype count() const { return m_versions.size(); }

    // A unified diff of two texts, line by line, with three lines of context; empty when equal.
    static QString diff(const QString &before, const QString &after);

private:
    QStringList m_versions;
    qsizetype m_index = 0;
};

} // namespace tandem::artifacts
