#pragma once

#include "vcs/githandle.h"

#include "base/error.h"

#include <QString>

namespace tandem::vcs::detail {

// The review branch's name and birth: `tandem/<slug>`, created at a commit, never at a ref
// named HEAD, and never reusing a name that a local or remote-tracking branch already has.
class ReviewBranch
{
public:
    static constexpr int kMaxSlugLength = 40;

    static QString slug(const QString &task);
    static QString nameFor(const QString &task);

    // nameFor(task), or the same with -2, -3, ... when that name is taken.
    static QString freeName(git_repository *repository, const QString &task);

    // The commit HEAD points at, branch or detached; an error when there is none yet.
    static base::Result<CommitHandle> headCommit(git_repository *repository,
                                                 const QString &displayName);

    static base::Result<ReferenceHandle> create(git_repository *repository, const QString &name,
                                                const git_commit *commit);

private:
    static bool isTaken(git_repository *repository, const QString &name);
};

} // namespace tandem::vcs::detail
