#pragma once

#include <QString>

#include <vector>

namespace tandem::vcs {

// What the remote said of each ref. libgit2 reports a push as done even when the remote
// refused a ref, so success is decided here, ref by ref.
struct PushReport
{
    struct RefResult
    {
        QString ref;
        bool accepted = false;
        QString message; // the remote's reason when refused
    };

    QString remoteName;
    QString remoteUrl; // without credentials
    std::vector<RefResult> refs;
    QString remoteOutput; // what the remote printed while it ran, hooks included

    bool allAccepted() const;
    QString summary() const;
};

} // namespace tandem::vcs
