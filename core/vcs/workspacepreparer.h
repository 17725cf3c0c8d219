#pragma once

#include "vcs/preparedworkspace.h"
#include "vcs/repositorysource.h"
#include "vcs/reviewworkspace.h"

#include "base/error.h"

#include <QString>

namespace tandem::vcs::detail {

// Makes the folder of a new workspace under the workspaces root: a worktree of a local
// checkout, whose own working tree, index and HEAD stay as they are, or a fresh clone.
class WorkspacePreparer
{
public:
    WorkspacePreparer(QString task, QString workspacesRoot, Credentials credentials);

    base::Result<PreparedWorkspace> prepare(const RepositorySource &source);

private:
    base::Status checkRoot() const;
    QString newFolder(const QString &repositoryName, const QString &branchName) const;
    base::Result<PreparedWorkspace> fromCheckout(const RepositorySource &source);
    base::Result<PreparedWorkspace> fromUrl(const RepositorySource &source);
    base::Result<RepositoryHandle> addWorktree(git_repository *checkout, git_reference *branch,
                                               const QString &folder) const;
    base::Result<RepositoryHandle> clone(const RepositorySource &source,
                                         const QString &folder) const;
    base::Status checkOutNewBranch(PreparedWorkspace &workspace,
                                   const RepositorySource &source) const;

    QString m_task;
    QString m_root;
    Credentials m_credentials;
};

} // namespace tandem::vcs::detail
