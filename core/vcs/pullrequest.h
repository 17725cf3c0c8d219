#pragma once

#include <QString>

namespace tandem::vcs {

struct PullRequest
{
    QString title;
    QString body; // Markdown
};

// A pull-request title and body from the task, the diff's summary and the test result. The
// title is the task as an imperative sentence of at most 72 characters. `branchName` is the
// review branch the change was pushed on; when empty it is derived from the task, which is
// right unless the workspace had to pick a free name such as "tandem/fix-it-2".
//
//     auto pr = makePullRequest(task, ws->diffStat(), "12 passed", summary, ws->branchName());
PullRequest makePullRequest(const QString &task, const QString &diffStat,
                            const QString &testSummary, const QString &modelSummary,
                            const QString &branchName = {});

} // namespace tandem::vcs
