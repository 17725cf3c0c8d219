#pragma once

#include "base/canceltoken.h"

#include <QMetaType>
#include <QString>

namespace tandem::approval {

// One tool call, or one step inside a call, that waits for the user's word.
struct ApprovalRequest
{
    QString callId;
    QString tool;
    QString summary; // what would run, in the user's terms: the command, the keys, the tool
    QString reason; // why the policy asks
    QString scopeKey; // what "allow for this session" covers; equal keys share one answer
    QString scopeLabel; // the same, for the user: "bash commands matching sudo"
};

struct ApprovalAnswer
{
    enum class Choice { AllowOnce, AllowForSession, Deny, Cancelled };

    Choice choice = Choice::Deny;
    QString reason; // the user's words on a denial, for the model
    bool standing = false; // given by a fixed rule, not by a person at the window

    bool allows() const { return choice == Choice::AllowOnce || choice == Choice::AllowForSession; }
};

// Whoever answers approval requests: the window's approval cards, or a fixed answer when
// nobody is there to ask. ask() is called on the agent's thread and blocks until the answer
// comes or `cancel` is raised, in which case it returns Choice::Cancelled.
class Approver
{
public:
    virtual ~Approver() = default;

    virtual ApprovalAnswer ask(const ApprovalRequest &request, const base::CancelToken &cancel) = 0;
};

} // namespace tandem::approval

Q_DECLARE_METATYPE(tandem::approval::ApprovalAnswer)
