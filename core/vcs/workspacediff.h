#pragma once

#include "vcs/changedfile.h"
#include "vcs/githandle.h"

#include "base/error.h"

#include <QString>

#include <vector>

namespace tandem::vcs::detail {

// The difference between a commit and the working tree as it is now: tracked changes, whether
// staged or not, and untracked files that .gitignore does not exclude. Paths stay bytes inside
// libgit2; only the text shown to people is decoded.
class WorkspaceDiff
{
public:
    static base::Result<WorkspaceDiff> fromCommit(git_repository *repository,
                                                  const QString &commit);

    bool isEmpty() const;
    QString patch() const;
    QString stat() const;
    std::vector<ChangedFile> files() const;

private:
    explicit WorkspaceDiff(DiffHandle diff);

    DiffHandle m_diff;
};

} // namespace tandem::vcs::detail
