#pragma once

#include "sandbox/sandbox.h"

namespace tandem::sandbox {

// Runs one host process to completion with its output captured and capped, a deadline, and a
// cancel token. On timeout or cancel the process's whole group is killed at once. Optionally
// hands the child one extra pipe (as fd 3) and collects what it writes there: bubblewrap
// reports through it whether the sandbox started.
class ProcessRunner
{
public:
    struct Options
    {
        std::chrono::milliseconds timeout{120'000};
        qint64 outputCap = 1 << 20;
        bool statusPipe = false;
        // The child's whole environment ("NAME=value"); empty: a copy of ours.
        QStringList environment;
    };

    struct Outcome
    {
        ExecResult result;
        QByteArray status; // what the child wrote to fd 3
    };

    static base::Result<Outcome> run(const QStringList &argv, const Options &options,
                                     const base::CancelToken &cancel);

    static constexpr int kStatusFd = 3;
};

} // namespace tandem::sandbox
