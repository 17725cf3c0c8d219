#pragma once

#include "vcs/githandle.h"

#include <QString>

namespace tandem::vcs::detail {

// A workspace whose review branch exists and is checked out.
struct PreparedWorkspace
{
    RepositoryHandle repository;
    QString path;
    QString branchName;
    QString baseCommit;
};

} // namespace tandem::vcs::detail
