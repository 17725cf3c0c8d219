#include "vcs/reviewbranch.h"

#include "vcs/gitlibrary.h"

namespace tandem::vcs::detail {

namespace {

const QString kPrefix = QStringLiteral("tandem/");
const QString kFallbackSlug = QStringLiteral("task");

bool isSlugCharacter(QChar c)
{
    return c.unicode() < 128 && c.isLetterOrNumber();
}

bool isElided(QChar c)
{
    // Accents left by the decomposition, and apostrophes inside words ("don't" -> "dont").
    return c.isMark() || c == QLatin1Char('\'') || c == QChar(0x2019);
}

QString shortened(QString slug)
{
    if (slug.size() <= ReviewBranch::kMaxSlugLength)
        return slug;

    slug.truncate(ReviewBranch::kMaxSlugLength + 1);
    const qsizetype lastBreak = slug.lastIndexOf(QLatin1Char('-'));
    // Prefer ending at a word boundary unless that throws away most of the name.
    slug.truncate(lastBreak >= ReviewBranch::kMaxSlugLength / 2 ? lastBreak
                                                                : ReviewBranch::kMaxSlugLength);
    while (slug.endsWith(QLatin1Char('-')))
        slug.chop(1);
    return slug;
}

} // namespace

QString ReviewBranch::slug(const QString &task)
{
    const QString decomposed = task.normalized(QString::NormalizationForm_KD);
    QString slug;
    bool gap = false;
    for (const QChar c : decomposed) {
        if (isElided(c))
            continue;
        if (!isSlugCharacter(c)) {
            gap = true;
            continue;
        }
        if (gap && !slug.isEmpty())
            slug += QLatin1Char('-');
        gap = false;
        slug += c.toLower();
    }

    slug = shortened(slug);
    return slug.isEmpty() ? kFallbackSlug : slug;
}

QString ReviewBranch::nameFor(const QString &task)
{
    return kPrefix + slug(task);
}

QString ReviewBranch::freeName(git_repository *repository, const QString &task)
{
    const QString base = nameFor(task);
    QString name = base;
    for (int n = 2; isTaken(repository, name); ++n)
        name = QStringLiteral("%1-%2").arg(base).arg(n);
    return name;
}

bool ReviewBranch::isTaken(git_repository *repository, const QString &name)
{
    const QByteArray local = QByteArray("refs/heads/") + name.toUtf8();
    git_reference *ref = nullptr;
    if (git_reference_lookup(&ref, repository, local.constData()) == 0) {
        git_reference_free(ref);
        return true;
    }

    // A branch of that name on a remote would turn our push into a non-fast-forward.
    git_strarray remotes = {nullptr, 0};
    if (git_remote_list(&remotes, repository) < 0)
        return false;
    bool taken = false;
    for (size_t i = 0; i < remotes.count && !taken; ++i) {
        const QByteArray tracking =
            QByteArray("refs/remotes/") + remotes.strings[i] + '/' + name.toUtf8();
        if (git_reference_lookup(&ref, repository, tracking.constData()) == 0) {
            git_reference_free(ref);
            taken = true;
        }
    }
    git_strarray_dispose(&remotes);
    return taken;
}

base::Result<CommitHandle> ReviewBranch::headCommit(git_repository *repository,
                                                    const QString &displayName)
{
    // Resolving HEAD to an id works the same whether it names a branch or is detached.
    git_oid oid;
    git_commit *commit = nullptr;
    if (git_repository_head_unborn(repository) == 1
        || git_reference_name_to_id(&oid, repository, "HEAD") < 0
        || git_commit_lookup(&commit, repository, &oid) < 0)
        return base::fail(QStringLiteral("no_commits"),
                          QStringLiteral("%1 has no commits yet: commit something first, then "
                                         "start the task again")
                              .arg(displayName));
    return CommitHandle(commit);
}

base::Result<ReferenceHandle> ReviewBranch::create(git_repository *repository, const QString &name,
                                                   const git_commit *commit)
{
    git_reference *ref = nullptr;
    if (git_branch_create(&ref, repository, name.toUtf8().constData(), commit, 0) < 0)
        return base::fail(
            QStringLiteral("branch_failed"),
            QStringLiteral("cannot create the branch %1: %2").arg(name, GitLibrary::lastError()));
    return ReferenceHandle(ref);
}

} // namespace tandem::vcs::detail
