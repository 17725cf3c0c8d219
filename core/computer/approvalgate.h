#pragma once

#include "base/canceltoken.h"
#include "base/error.h"

#include <QString>

namespace tandem::computer {

// Asks the user whether one risky action may run. The window implements it with a prompt;
// a headless run without one refuses every risky action. Called from the tool's thread and
// blocks until the user answers or the token is cancelled. A refusal's message says why, in
// words for the model (the user's reason, or that nobody could be asked).
class ApprovalGate
{
public:
    virtual ~ApprovalGate() = default;

    virtual base::Status approve(const QString &action, const QString &reason,
                                 const base::CancelToken &cancel) = 0;
};

} // namespace tandem::computer
