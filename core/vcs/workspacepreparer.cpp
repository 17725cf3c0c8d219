#include "vcs/workspacepreparer.h"

#include "vcs/credentialprovider.h"
#include "vcs/gitlibrary.h"
#include "vcs/reviewbranch.h"
#include "vcs/vcslogging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryFile>

#include <filesystem>

namespace tandem::vcs::detail {

namespace {

// QDir cannot name every file a clone may hold (names that are not UTF-8); std::filesystem
// removes by bytes.
void removeFolder(const QString &folder)
{
    std::error_code ignored;
    std::filesystem::remove_all(QFile::encodeName(folder).toStdString(), ignored);
}

QString commitHex(const git_commit *commit)
{
    return QString::fromLatin1(GitLibrary::oidToHex(*git_commit_id(commit)));
}

QString randomSuffix()
{
    const quint32 value = QRandomGenerator::global()->bounded(0x1000000u);
    return QStringLiteral("%1").arg(value, 6, 16, QLatin1Char('0'));
}

// "app" for /src/app/.git, for a worktree of it, and for a bare /srv/app.git.
QString checkoutName(git_repository *repository)
{
    QFileInfo info(QDir::cleanPath(QFile::decodeName(git_repository_commondir(repository))));
    if (info.fileName() == QLatin1String(".git"))
        info = QFileInfo(info.path());

    QString name = info.fileName();
    if (name.endsWith(QLatin1String(".git")))
        name.chop(4);
    return RepositorySource::fileNameSafe(name);
}

} // namespace

WorkspacePreparer::WorkspacePreparer(QString task, QString workspacesRoot, Credentials credentials)
    : m_task(std::move(task))
    , m_root(workspacesRoot.isEmpty()
                 ? QString()
                 : QDir::cleanPath(QFileInfo(workspacesRoot).absoluteFilePath()))
    , m_credentials(std::move(credentials))
{}

base::Result<PreparedWorkspace> WorkspacePreparer::prepare(const RepositorySource &source)
{
    if (source.text().isEmpty())
        return base::fail(QStringLiteral("not_a_repository"),
                          QStringLiteral("no repository was named: pass --repo a checkout or a "
                                         "clone URL"));

    if (auto root = checkRoot(); !root)
        return std::unexpected(root.error());

    return source.isUrl() ? fromUrl(source) : fromCheckout(source);
}

base::Status WorkspacePreparer::checkRoot() const
{
    const QString code = QStringLiteral("workspaces_root_not_writable");
    if (m_root.isEmpty())
        return base::fail(code, QStringLiteral("no workspaces folder was given: name a folder "
                                               "Tandem may write to"));

    if (!QDir().mkpath(m_root))
        return base::fail(code, QStringLiteral("cannot create the workspaces folder %1: choose "
                                               "a folder you can write to")
                                    .arg(m_root));

    // Permission bits say little for root or on read-only mounts; writing a file says it all.
    QTemporaryFile probe(m_root + QStringLiteral("/.tandem-write-test-XXXXXX"));
    if (!probe.open())
        return base::fail(code, QStringLiteral("the workspaces folder %1 is not writable: "
                                               "choose another folder or fix its permissions")
                                    .arg(m_root));
    return {};
}

QString WorkspacePreparer::newFolder(const QString &repositoryName, const QString &branchName) const
{
    const QString slug = branchName.section(QLatin1Char('/'), 1);
    QString folder;
    do {
        folder = QDir(m_root).filePath(
            QStringLiteral("%1-%2-%3").arg(repositoryName, slug, randomSuffix()));
    } while (QFileInfo::exists(folder));
    return folder;
}

base::Result<PreparedWorkspace> WorkspacePreparer::fromCheckout(const RepositorySource &source)
{
    if (!QFileInfo::exists(source.text()))
        return base::fail(QStringLiteral("not_a_repository"),
                          QStringLiteral("%1 does not exist: pass --repo a checkout or a clone URL")
                              .arg(source.text()));

    git_repository *raw = nullptr;
    const QByteArray path = QFile::encodeName(source.text());
    const int opened = git_repository_open_ext(&raw, path.constData(), 0, nullptr);
    if (opened == GIT_ENOTFOUND)
        return base::fail(QStringLiteral("not_a_repository"),
                          QStringLiteral("%1 is not a git repository: pass --repo a checkout or "
                                         "a clone URL")
                              .arg(source.text()));
    if (opened < 0)
        return base::fail(QStringLiteral("not_a_repository"),
                          QStringLiteral("cannot open the git repository at %1: %2")
                              .arg(source.text(), GitLibrary::lastError()));
    RepositoryHandle checkout(raw);

    // A bare repository is someone's remote: a review branch there would publish the work.
    if (git_repository_is_bare(raw))
        return base::fail(QStringLiteral("bare_repository"),
                          QStringLiteral("%1 is a bare repository: pass --repo a checkout, or "
                                         "its URL to work on a clone")
                              .arg(source.text()));

    auto head = ReviewBranch::headCommit(raw, source.text());
    if (!head)
        return std::unexpected(head.error());

    const QString branch = ReviewBranch::freeName(raw, m_task);
    const QString folder = newFolder(checkoutName(raw), branch);
    auto ref = ReviewBranch::create(raw, branch, head->get());
    if (!ref)
        return std::unexpected(ref.error());

    auto repository = addWorktree(raw, ref->get(), folder);
    if (!repository) {
        git_branch_delete(ref->get());
        return std::unexpected(repository.error());
    }

    qCInfo(lcVcs).noquote() << "worktree of" << source.text() << "at" << folder << "on" << branch;
    return PreparedWorkspace{std::move(*repository), folder, branch, commitHex(head->get())};
}

base::Result<RepositoryHandle> WorkspacePreparer::addWorktree(git_repository *checkout,
                                                              git_reference *branch,
                                                              const QString &folder) const
{
    git_worktree_add_options options;
    git_worktree_add_options_init(&options, GIT_WORKTREE_ADD_OPTIONS_VERSION);
    options.ref = branch;

    git_worktree *worktree = nullptr;
    const QByteArray name = QFileInfo(folder).fileName().toUtf8();
    const QByteArray path = QFile::encodeName(folder);
    if (git_worktree_add(&worktree, checkout, name.constData(), path.constData(), &options) < 0) {
        const QString reason = GitLibrary::lastError();
        removeFolder(folder);
        return base::fail(QStringLiteral("worktree_failed"),
                          QStringLiteral("cannot make a worktree at %1: %2").arg(folder, reason));
    }
    WorktreeHandle owner(worktree);

    git_repository *repository = nullptr;
    if (git_repository_open_from_worktree(&repository, worktree) < 0)
        return base::fail(QStringLiteral("worktree_failed"),
                          QStringLiteral("cannot open the worktree at %1: %2")
                              .arg(folder, GitLibrary::lastError()));
    return RepositoryHandle(repository);
}

base::Result<PreparedWorkspace> WorkspacePreparer::fromUrl(const RepositorySource &source)
{
    const QString folder = newFolder(source.repositoryName(), ReviewBranch::nameFor(m_task));
    auto repository = clone(source, folder);
    if (!repository) {
        removeFolder(folder);
        return std::unexpected(repository.error());
    }

    PreparedWorkspace workspace{std::move(*repository), folder, {}, {}};
    if (auto branch = checkOutNewBranch(workspace, source); !branch) {
        workspace.repository.reset();
        removeFolder(folder);
        return std::unexpected(branch.error());
    }

    qCInfo(lcVcs).noquote() << "clone of" << source.displayText() << "at" << folder << "on"
                            << workspace.branchName;
    return workspace;
}

base::Result<RepositoryHandle> WorkspacePreparer::clone(const RepositorySource &source,
                                                        const QString &folder) const
{
    CredentialProvider credentials(m_credentials);
    git_clone_options options;
    git_clone_options_init(&options, GIT_CLONE_OPTIONS_VERSION);
    options.fetch_opts.callbacks.credentials = &CredentialProvider::callback;
    options.fetch_opts.callbacks.payload = &credentials;
    options.fetch_opts.proxy_opts.type = GIT_PROXY_AUTO;

    git_repository *repository = nullptr;
    const QByteArray url = source.text().toUtf8();
    if (git_clone(&repository, url.constData(), QFile::encodeName(folder).constData(), &options)
        < 0) {
        if (credentials.authenticationFailed())
            return base::fail(QStringLiteral("auth_failed"),
                              credentials.failureMessage(source.displayText()));
        const QString reason = RepositorySource::withoutCredentials(GitLibrary::lastError());
        return base::fail(QStringLiteral("clone_failed"),
                          credentials.scrub(QStringLiteral("cannot clone %1: %2: check the URL "
                                                           "and that this machine can reach it")
                                                .arg(source.displayText(), reason)));
    }

    credentials.confirm();
    return RepositoryHandle(repository);
}

base::Status WorkspacePreparer::checkOutNewBranch(PreparedWorkspace &workspace,
                                                  const RepositorySource &source) const
{
    git_repository *repository = workspace.repository.get();
    auto head = ReviewBranch::headCommit(repository, source.displayText());
    if (!head)
        return std::unexpected(head.error());

    const QString branch = ReviewBranch::freeName(repository, m_task);
    auto ref = ReviewBranch::create(repository, branch, head->get());
    if (!ref)
        return std::unexpected(ref.error());

    // The new branch starts at the checked-out commit, so moving HEAD changes no file.
    if (git_repository_set_head(repository, git_reference_name(ref->get())) < 0)
        return base::fail(QStringLiteral("branch_failed"),
                          QStringLiteral("cannot switch the clone to %1: %2")
                              .arg(branch, GitLibrary::lastError()));

    workspace.branchName = branch;
    workspace.baseCommit = commitHex(head->get());
    return {};
}

} // namespace tandem::vcs::detail
