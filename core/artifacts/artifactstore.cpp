#include "artifacts/artifactstore.h"

#include <QLoggingCategory>
#include <QMutexLocker>
#include <QRegularExpression>

namespace tandem::artifacts {

Q_DECLARE_LOGGING_CATEGORY(lcArtifacts)

namespace {

// Every start of `needle` in `text`, overlapping ones included: "aa" in "aaa" is ambiguous.
qsizetype occurrences(const QString &text, const QString &needle)
{
    qsizetype count = 0;
    for (qsizetype at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
        ++count;
    return count;
}

} // namespace

ArtifactStore::ArtifactStore(QObject *parent)
    : ArtifactStore(Limits{}, parent)
{}

ArtifactStore::ArtifactStore(Limits limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
{
    qRegisterMetaType<tandem::artifacts::Artifact>();
}

bool ArtifactStore::isValidId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9]+(-[a-z0-9]+)*$"));
    return id.size() <= 64 && pattern.match(id).hasMatch();
}

base::Result<int> ArtifactStore::create(const Artifact &artifact)
{
    if (!isValidId(artifact.id))
        return base::fail(
            "bad_id", QStringLiteral("`%1` is not a usable artifact id: use lower-case letters, "
                                     "digits and single hyphens, at most 64, e.g. "
                                     "`sales-dashboard`.")
                          .arg(artifact.id));
    if (auto fits = checkSize(artifact.id, artifact.content.size()); !fits)
        return std::unexpected(fits.error());

    {
        QMutexLocker lock(&m_mutex);
        if (m_entries.contains(artifact.id))
            return base::fail("exists",
                              QStringLiteral("An artifact with id `%1` exists already (version "
                                             "%2). Use `update` or `rewrite` to change it, or "
                                             "choose another id.")
                                  .arg(artifact.id)
                                  .arg(m_entries.value(artifact.id).version));
        if (m_entries.size() >= m_limits.maxArtifacts)
            return base::fail("too_many",
                              QStringLiteral("This conversation has %1 artifacts, the most it "
                                             "may hold. Change an existing one instead.")
                                  .arg(m_entries.size()));
        m_entries.insert(artifact.id, {artifact, 1});
        m_order.append(artifact.id);
    }
    qCInfo(lcArtifacts) << "artifact" << artifact.id << "created," << artifact.content.size()
                        << "characters";
    emit changed(artifact, 1);
    return 1;
}

base::Result<int> ArtifactStore::update(const QString &id, const QString &oldText,
                                        const QString &newText)
{
    if (oldText.isEmpty())
        return base::fail("empty_old",
                          QStringLiteral("`old_str` is empty. Give the exact text to replace, or "
                                         "use `rewrite` to replace the whole content."));

    return applyEdit(id, [&](const Entry &entry) -> base::Result<QString> {
        const QString &current = entry.artifact.content;
        const qsizetype count = occurrences(current, oldText);
        if (count == 0)
            return base::fail("old_missing",
                              QStringLiteral("`old_str` does not occur in artifact `%1` (version "
                                             "%2); nothing was changed. Copy the text exactly, "
                                             "whitespace and line breaks included, or use "
                                             "`rewrite`.")
                                  .arg(id)
                                  .arg(entry.version));
        if (count > 1)
            return base::fail("old_not_unique",
                              QStringLiteral("`old_str` occurs %1 times in artifact `%2` (version "
                                             "%3); nothing was changed. Include more of the "
                                             "surrounding text so that it occurs exactly once.")
                                  .arg(count)
                                  .arg(id)
                                  .arg(entry.version));
        QString content = current;
        content.replace(current.indexOf(oldText), oldText.size(), newText);
        return content;
    });
}

base::Result<int> ArtifactStore::rewrite(const QString &id, const QString &content)
{
    return applyEdit(id, [&](const Entry &) -> base::Result<QString> { return content; });
}

// The edit is made, checked and kept under one lock, so that two calls cannot interleave. The
// signal goes out after it, so a receiver connected directly may ask the store again.
base::Result<int> ArtifactStore::applyEdit(const QString &id, const Edit &edit)
{
    Artifact artifact;
    int version = 0;
    {
        QMutexLocker lock(&m_mutex);
        const auto entry = m_entries.find(id);
        if (entry == m_entries.end())
            return std::unexpected(unknownId(id));
        base::Result<QString> content = edit(*entry);
        if (!content)
            return std::unexpected(content.error());
        if (auto fits = checkSize(id, content->size()); !fits)
            return std::unexpected(fits.error());

        entry->artifact.content = std::move(*content);
        version = ++entry->version;
        artifact = entry->artifact;
    }
    qCInfo(lcArtifacts) << "artifact" << id << "is at version" << version;
    emit changed(artifact, version);
    return version;
}

base::Status ArtifactStore::checkSize(const QString &id, qsizetype size) const
{
    if (size <= m_limits.maxContentChars)
        return {};
    return base::fail("too_large",
                      QStringLiteral("The content of artifact `%1` would be %2 characters, more "
                                     "than the %3 an artifact may hold; nothing was changed. "
                                     "Make it smaller, e.g. load less data inline.")
                          .arg(id)
                          .arg(size)
                          .arg(m_limits.maxContentChars));
}

base::Error ArtifactStore::unknownId(const QString &id) const
{
    const QString known = m_order.isEmpty()
                              ? QStringLiteral("none yet; use `create`")
                              : QStringLiteral("`%1`").arg(m_order.join(QStringLiteral("`, `")));
    return base::Error::make(
        QStringLiteral("unknown_id"),
        QStringLiteral("There is no artifact with id `%1`. Known ids: %2.").arg(id, known));
}

std::optional<Artifact> ArtifactStore::find(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    const auto entry = m_entries.constFind(id);
    if (entry == m_entries.constEnd())
        return std::nullopt;
    return entry->artifact;
}

int ArtifactStore::version(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    return m_entries.value(id).version;
}

QStringList ArtifactStore::ids() const
{
    QMutexLocker lock(&m_mutex);
    return m_order;
}

} // namespace tandem::artifacts
