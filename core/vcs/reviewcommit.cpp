#include "vcs/reviewcommit.h"

#include "vcs/gitbuffer.h"
#include "vcs/gitlibrary.h"
#include "vcs/vcslogging.h"

namespace tandem::vcs::detail {

namespace {

base::Result<SignatureHandle> userSignature(git_repository *repository)
{
    git_signature *signature = nullptr;
    if (git_signature_default(&signature, repository) < 0)
        return base::fail(QStringLiteral("no_identity"),
                          QStringLiteral("git does not know who you are, so Tandem cannot "
                                         "commit: run git config --global user.name \"Your "
                                         "Name\" and git config --global user.email "
                                         "you@example.com"));
    return SignatureHandle(signature);
}

QString branchOf(const QByteArray &refName)
{
    static const QByteArray prefix("refs/heads/");
    return QString::fromUtf8(refName.startsWith(prefix) ? refName.mid(prefix.size()) : refName);
}

QByteArray cleanMessage(const QString &message)
{
    GitBuffer buffer;
    const QByteArray raw = message.toUtf8();
    if (git_message_prettify(buffer.get(), raw.constData(), 0, '#') < 0)
        return raw.trimmed() + '\n';
    return QByteArray(buffer.data(), qsizetype(buffer.size()));
}

} // namespace

base::Status ReviewCommit::checkIdentity(git_repository *repository)
{
    auto signature = userSignature(repository);
    if (!signature)
        return std::unexpected(signature.error());
    return {};
}

ReviewCommit::ReviewCommit(git_repository *repository, QByteArray refName)
    : m_repository(repository)
    , m_refName(std::move(refName))
{}

base::Result<CommitInfo> ReviewCommit::commitAll(const QString &message) const
{
    if (message.trimmed().isEmpty())
        return base::fail(QStringLiteral("empty_message"),
                          QStringLiteral("a commit needs a message: say in one line what the "
                                         "change does"));

    auto signature = userSignature(m_repository);
    if (!signature)
        return std::unexpected(signature.error());

    auto parent = branchTip();
    if (!parent)
        return std::unexpected(parent.error());

    auto tree = stageEverything();
    if (!tree)
        return std::unexpected(tree.error());

    if (git_oid_equal(&*tree, git_commit_tree_id(parent->get())))
        return base::fail(QStringLiteral("nothing_to_commit"),
                          QStringLiteral("nothing to commit: the workspace has no changes since "
                                         "the last commit on %1")
                              .arg(branchOf(m_refName)));

    return create(*tree, parent->get(), signature->get(), message);
}

// The review branch's tip, after checking that HEAD still names it: a commit made anywhere
// else could be lost, or pushed under the wrong name.
base::Result<CommitHandle> ReviewCommit::branchTip() const
{
    git_reference *head = nullptr;
    if (git_repository_head(&head, m_repository) < 0)
        return base::fail(QStringLiteral("not_on_review_branch"), GitLibrary::lastError());
    ReferenceHandle owner(head);

    if (m_refName != git_reference_name(head))
        return base::fail(QStringLiteral("not_on_review_branch"),
                          QStringLiteral("the workspace is no longer on %1: check that branch "
                                         "out again before committing")
                              .arg(QString::fromUtf8(m_refName)));

    git_commit *tip = nullptr;
    if (git_commit_lookup(&tip, m_repository, git_reference_target(head)) < 0)
        return base::fail(QStringLiteral("commit_failed"), GitLibrary::lastError());
    return CommitHandle(tip);
}

base::Result<git_oid> ReviewCommit::stageEverything() const
{
    git_index *raw = nullptr;
    if (git_repository_index(&raw, m_repository) < 0)
        return base::fail(QStringLiteral("commit_failed"), GitLibrary::lastError());
    IndexHandle index(raw);

    // add_all picks up new and changed files; update_all also drops the deleted ones.
    git_oid tree;
    if (git_index_read(raw, 0) < 0
        || git_index_add_all(raw, nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) < 0
        || git_index_update_all(raw, nullptr, nullptr, nullptr) < 0 || git_index_write(raw) < 0
        || git_index_write_tree(&tree, raw) < 0)
        return base::fail(QStringLiteral("commit_failed"),
                          QStringLiteral("cannot stage the workspace's changes: %1")
                              .arg(GitLibrary::lastError()));
    return tree;
}

base::Result<CommitInfo> ReviewCommit::create(const git_oid &treeId, const git_commit *parent,
                                              const git_signature *signature,
                                              const QString &message) const
{
    git_tree *tree = nullptr;
    if (git_tree_lookup(&tree, m_repository, &treeId) < 0)
        return base::fail(QStringLiteral("commit_failed"), GitLibrary::lastError());
    TreeHandle owner(tree);

    // Naming the branch makes libgit2 refuse the update if its tip is no longer `parent`.
    git_oid id;
    const QByteArray text = cleanMessage(message);
    const git_commit *parents[] = {parent};
    if (git_commit_create(&id, m_repository, m_refName.constData(), signature, signature, nullptr,
                          text.constData(), tree, 1, parents)
        < 0)
        return base::fail(QStringLiteral("commit_failed"),
                          QStringLiteral("cannot commit on %1: %2")
                              .arg(QString::fromUtf8(m_refName), GitLibrary::lastError()));

    CommitInfo info;
    info.sha = QString::fromLatin1(GitLibrary::oidToHex(id));
    info.summary = QString::fromUtf8(text).section(QLatin1Char('\n'), 0, 0);
    info.filesChanged = changedFiles(parent, treeId);
    qCInfo(lcVcs).noquote() << "committed" << info.sha << "on" << m_refName;
    return info;
}

int ReviewCommit::changedFiles(const git_commit *parent, const git_oid &treeId) const
{
    git_tree *before = nullptr;
    git_tree *after = nullptr;
    if (git_commit_tree(&before, parent) < 0)
        return 0;
    TreeHandle beforeOwner(before);
    if (git_tree_lookup(&after, m_repository, &treeId) < 0)
        return 0;
    TreeHandle afterOwner(after);

    git_diff *diff = nullptr;
    if (git_diff_tree_to_tree(&diff, m_repository, before, after, nullptr) < 0)
        return 0;
    DiffHandle diffOwner(diff);
    return int(git_diff_num_deltas(diff));
}

} // namespace tandem::vcs::detail
