#pragma once

#include "vcs/changedfile.h"
#include "vcs/pushcontrol.h"
#include "vcs/pushreport.h"

#include "base/error.h"

#include <QString>

#include <memory>
#include <vector>

namespace tandem::vcs {

// Where credentials for a push come from. Only the host process ever holds them.
struct Credentials
{
    QString username; // empty: the URL's user or "x-access-token" with a token, else
                      // whatever the helper answers
    QString token; // from TANDEM_GIT_TOKEN; empty: ask `git credential fill`
    static Credentials fromEnvironment();
};

struct CommitInfo
{
    QString sha;
    QString summary;
    int filesChanged = 0;
};

// A workspace of Tandem's own for one task, on a review branch `tandem/<slug>`. From a local
// checkout it is a git worktree (the user's working tree and index are never touched); from a
// URL it is a clone. All git writes happen here, on the host, never inside the sandbox.
//
//     auto ws = ReviewWorkspace::prepare("/src/app", "Fix the rounding bug", root);
//     ... agent edits files in ws->path() ...
//     ws->commitAll("Fix the rounding bug");
//     ws->push("origin", Credentials::fromEnvironment());
class ReviewWorkspace
{
public:
    ~ReviewWorkspace();
    ReviewWorkspace(const ReviewWorkspace &) = delete;
    ReviewWorkspace &operator=(const ReviewWorkspace &) = delete;

    // `source` is a path inside a local checkout or a clone URL; `workspacesRoot` is the
    // folder under which Tandem keeps its workspaces.
    // A clone that needs credentials takes them from Credentials::fromEnvironment().
    static base::Result<std::unique_ptr<ReviewWorkspace>>
    prepare(const QString &source, const QString &task, const QString &workspacesRoot);

    // The same, with the credentials a clone should use when the remote asks for them.
    static base::Result<std::unique_ptr<ReviewWorkspace>> prepare(const QString &source,
                                                                  const QString &task,
                                                                  const QString &workspacesRoot,
                                                                  const Credentials &credentials);

    QString path() const; // the workspace's working tree
    QString branchName() const; // "tandem/<slug>"
    QString baseCommit() const; // the commit the branch started from

    // All three compare the working tree, untracked files included and ignored ones left out,
    // with the base commit: what the review branch changes, committed yet or not.
    bool hasChanges() const;
    QString diff() const; // unified diff of the working tree against the base
    QString diffStat() const;
    std::vector<ChangedFile> changedFiles() const; // one entry per path, in git's order

    // Removes the workspace and its review branch, for a run that ended before any work worth
    // keeping. A worktree is pruned from the user's repository; a clone's folder is deleted.
    void discard();

    // Fails, naming the remotes there are, when the repository has no remote of this name.
    base::Status checkRemote(const QString &remoteName) const;

    // Fails, saying how to fix it, when git does not know the user's name and email.
    base::Status checkCommitIdentity() const;

    // Stages every change (respecting .gitignore) and commits with the user's git identity.
    base::Result<CommitInfo> commitAll(const QString &message);

    // Pushes the review branch to the named remote and checks every ref the remote answered.
    base::Result<PushReport> push(const QString &remoteName, const Credentials &credentials);

    // The same, watched and stoppable from another thread. The workspace must not be used
    // elsewhere while it runs.
    base::Result<PushReport> push(const QString &remoteName, const Credentials &credentials,
                                  const PushControl &control);

    // What the remote said of each ref in the last push, refused refs included; empty before
    // the first push and after one that failed before the remote answered.
    PushReport lastPushReport() const;

private:
    struct Private;
    explicit ReviewWorkspace(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

// "tandem/fix-the-rounding-bug": lower case, ASCII, at most 40 characters of the task.
QString reviewBranchName(const QString &task);

} // namespace tandem::vcs
