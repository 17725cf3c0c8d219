#include "vcs/reviewworkspace.h"

#include "vcs/gitlibrary.h"
#include "vcs/preparedworkspace.h"
#include "vcs/remotepush.h"
#include "vcs/reviewbranch.h"
#include "vcs/reviewcommit.h"
#include "vcs/vcslogging.h"
#include "vcs/workspacediff.h"
#include "vcs/workspacepreparer.h"

#include <QDir>
#include <QFileInfo>

#include <optional>

namespace tandem::vcs {

using namespace detail;

namespace {

std::optional<WorkspaceDiff> diffAgainstBase(const PreparedWorkspace &workspace)
{
    auto diff = WorkspaceDiff::fromCommit(workspace.repository.get(), workspace.baseCommit);
    if (!diff) {
        qCWarning(lcVcs).noquote() << diff.error().message;
        return std::nullopt;
    }
    return std::move(*diff);
}

} // namespace

struct ReviewWorkspace::Private : PreparedWorkspace
{
    explicit Private(PreparedWorkspace &&prepared)
        : PreparedWorkspace(std::move(prepared))
    {}

    QByteArray refName() const { return QByteArray("refs/heads/") + branchName.toUtf8(); }

    PushReport lastPush;
};

Credentials Credentials::fromEnvironment()
{
    Credentials credentials;
    credentials.username = qEnvironmentVariable("TANDEM_GIT_USERNAME");
    credentials.token = qEnvironmentVariable("TANDEM_GIT_TOKEN");
    return credentials;
}

ReviewWorkspace::ReviewWorkspace(std::unique_ptr<Private> d)
    : d(std::move(d))
{}

ReviewWorkspace::~ReviewWorkspace() = default;

base::Result<std::unique_ptr<ReviewWorkspace>>
ReviewWorkspace::prepare(const QString &source, const QString &task, const QString &workspacesRoot)
{
    return prepare(source, task, workspacesRoot, Credentials::fromEnvironment());
}

base::Result<std::unique_ptr<ReviewWorkspace>>
ReviewWorkspace::prepare(const QString &source, const QString &task, const QString &workspacesRoot,
                         const Credentials &credentials)
{
    GitLibrary::ensureInitialized();

    WorkspacePreparer preparer(task, workspacesRoot, credentials);
    auto prepared = preparer.prepare(RepositorySource::parse(source));
    if (!prepared)
        return std::unexpected(prepared.error());

    auto d = std::make_unique<Private>(std::move(*prepared));
    return std::unique_ptr<ReviewWorkspace>(new ReviewWorkspace(std::move(d)));
}

QString ReviewWorkspace::path() const
{
    return d->path;
}

QString ReviewWorkspace::branchName() const
{
    return d->branchName;
}

QString ReviewWorkspace::baseCommit() const
{
    return d->baseCommit;
}

bool ReviewWorkspace::hasChanges() const
{
    const auto diff = diffAgainstBase(*d);
    return diff && !diff->isEmpty();
}

QString ReviewWorkspace::diff() const
{
    const auto diff = diffAgainstBase(*d);
    return diff ? diff->patch() : QString();
}

QString ReviewWorkspace::diffStat() const
{
    const auto diff = diffAgainstBase(*d);
    return diff ? diff->stat() : QString();
}

void ReviewWorkspace::discard()
{
    git_repository *workspace = d->repository.get();
    if (!git_repository_is_worktree(workspace)) {
        d->repository.reset();
        QDir(d->path).removeRecursively();
        return;
    }

    // The branch and the worktree's record live in the user's repository.
    git_repository *main = nullptr;
    if (git_repository_open(&main, git_repository_commondir(workspace)) < 0) {
        qCWarning(lcVcs, "cannot discard %s: %s", qPrintable(d->path),
                  qPrintable(GitLibrary::lastError()));
        return;
    }
    RepositoryHandle owner(main);

    git_worktree *worktree = nullptr;
    const QByteArray name = QFileInfo(d->path).fileName().toUtf8();
    if (git_worktree_lookup(&worktree, main, name.constData()) == 0) {
        git_worktree_prune_options options;
        git_worktree_prune_options_init(&options, GIT_WORKTREE_PRUNE_OPTIONS_VERSION);
        options.flags = GIT_WORKTREE_PRUNE_VALID | GIT_WORKTREE_PRUNE_WORKING_TREE;
        git_worktree_prune(worktree, &options);
        git_worktree_free(worktree);
    }
    d->repository.reset();
    QDir(d->path).removeRecursively();

    git_reference *branch = nullptr;
    const QByteArray branchName = d->branchName.toUtf8();
    if (git_branch_lookup(&branch, main, branchName.constData(), GIT_BRANCH_LOCAL) == 0) {
        git_branch_delete(branch);
        git_reference_free(branch);
    }
    qCInfo(lcVcs, "discarded %s and %s", qPrintable(d->path), branchName.constData());
}

base::Status ReviewWorkspace::checkRemote(const QString &remoteName) const
{
    git_remote *remote = nullptr;
    if (git_remote_lookup(&remote, d->repository.get(), remoteName.toUtf8().constData()) == 0) {
        git_remote_free(remote);
        return {};
    }

    QStringList names;
    git_strarray list{};
    if (git_remote_list(&list, d->repository.get()) == 0) {
        for (size_t i = 0; i < list.count; ++i)
            names << QString::fromUtf8(list.strings[i]);
        git_strarray_dispose(&list);
    }
    return base::fail(QStringLiteral("no_remote"),
                      QStringLiteral("the repository has no remote named %1 (it has: %2): pass "
                                     "--push one of those")
                          .arg(remoteName, names.isEmpty() ? QStringLiteral("none")
                                                           : names.join(QStringLiteral(", "))));
}

base::Status ReviewWorkspace::checkCommitIdentity() const
{
    return ReviewCommit::checkIdentity(d->repository.get());
}

base::Result<CommitInfo> ReviewWorkspace::commitAll(const QString &message)
{
    ReviewCommit commit(d->repository.get(), d->refName());
    return commit.commitAll(message);
}

std::vector<ChangedFile> ReviewWorkspace::changedFiles() const
{
    const auto diff = diffAgainstBase(*d);
    return diff ? diff->files() : std::vector<ChangedFile>();
}

base::Result<PushReport> ReviewWorkspace::push(const QString &remoteName,
                                               const Credentials &credentials)
{
    return push(remoteName, credentials, PushControl{});
}

base::Result<PushReport> ReviewWorkspace::push(const QString &remoteName,
                                               const Credentials &credentials,
                                               const PushControl &control)
{
    RemotePush push(d->repository.get(), remoteName, d->refName(), credentials, control);
    auto result = push.run();
    d->lastPush = push.report();
    return result;
}

PushReport ReviewWorkspace::lastPushReport() const
{
    return d->lastPush;
}

QString reviewBranchName(const QString &task)
{
    return ReviewBranch::nameFor(task);
}

} // namespace tandem::vcs
