#pragma once

#include "vcs/githandle.h"
#include "vcs/reviewworkspace.h"

#include "base/error.h"

#include <QByteArray>
#include <QString>

namespace tandem::vcs::detail {

// One commit of everything in a workspace onto its review branch, in the user's name: every
// addition, change and deletion that .gitignore lets through, like `git add --all` followed by
// `git commit`. The branch moves only from the tip this commit was built on.
class ReviewCommit
{
public:
    ReviewCommit(git_repository *repository, QByteArray refName);

    base::Result<CommitInfo> commitAll(const QString &message) const;

    // Whether git knows the user's name and email, which every commit needs.
    static base::Status checkIdentity(git_repository *repository);

private:
    base::Result<CommitHandle> branchTip() const;
    base::Result<git_oid> stageEverything() const;
    base::Result<CommitInfo> create(const git_oid &treeId, const git_commit *parent,
                                    const git_signature *signature, const QString &message) const;
    int changedFiles(const git_commit *parent, const git_oid &treeId) const;

    git_repository *m_repository;
    QByteArray m_refName;
};

} // namespace tandem::vcs::detail
