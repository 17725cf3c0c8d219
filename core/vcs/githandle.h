#pragma once

#include <git2.h>

#include <memory>

namespace tandem::vcs::detail {

// Owns one libgit2 object and frees it with the function libgit2 pairs with its type.
template <auto FreeFunction>
struct GitFree
{
    template <typename T>
    void operator()(T *object) const
    {
        FreeFunction(object);
    }
};

template <typename T, auto FreeFunction>
using GitHandle = std::unique_ptr<T, GitFree<FreeFunction>>;

using RepositoryHandle = GitHandle<git_repository, git_repository_free>;
using ReferenceHandle = GitHandle<git_reference, git_reference_free>;
using CommitHandle = GitHandle<git_commit, git_commit_free>;
using TreeHandle = GitHandle<git_tree, git_tree_free>;
using IndexHandle = GitHandle<git_index, git_index_free>;
using DiffHandle = GitHandle<git_diff, git_diff_free>;
using PatchHandle = GitHandle<git_patch, git_patch_free>;
using DiffStatsHandle = GitHandle<git_diff_stats, git_diff_stats_free>;
using RemoteHandle = GitHandle<git_remote, git_remote_free>;
using SignatureHandle = GitHandle<git_signature, git_signature_free>;
using WorktreeHandle = GitHandle<git_worktree, git_worktree_free>;

} // namespace tandem::vcs::detail
