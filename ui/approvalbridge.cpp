#include "ui/approvalbridge.h"

#include "ui/approvalcard.h"
#include "ui/chatview.h"
#include "ui/logging.h"

#include <QMutex>
#include <QMutexLocker>
#include <QThread>
#include <QWaitCondition>

#include <optional>

namespace tandem::ui {

namespace {

// How often a waiting ask() looks at its cancel token; Stop ends the wait within this.
constexpr unsigned long cancelPollMs = 20;

} // namespace

struct ApprovalBridge::Pending
{
    QMutex mutex;
    QWaitCondition answered;
    std::optional<approval::ApprovalAnswer> answer;

    void give(const approval::ApprovalAnswer &given)
    {
        QMutexLocker lock(&mutex);
        if (!answer)
            answer = given;
        answered.wakeAll();
    }
};

ApprovalBridge::ApprovalBridge(ChatView *chat, QObject *parent)
    : QObject(parent)
    , m_chat(chat)
{}

ApprovalBridge::~ApprovalBridge() = default;

approval::ApprovalAnswer ApprovalBridge::ask(const approval::ApprovalRequest &request,
                                             const base::CancelToken &cancel)
{
    using Choice = approval::ApprovalAnswer::Choice;
    if (QThread::currentThread() == thread()) {
        qCWarning(lcUi, "An approval was asked for on the window's own thread; denied.");
        return {Choice::Deny, {}};
    }

    const int ticket = m_nextTicket++;
    auto pending = std::make_shared<Pending>();
    QMetaObject::invokeMethod(
        this, [this, ticket, request, pending] { show(ticket, request, pending); },
        Qt::QueuedConnection);

    QMutexLocker lock(&pending->mutex);
    while (!pending->answer && !cancel.isCancelled())
        pending->answered.wait(&pending->mutex, cancelPollMs);
    if (pending->answer)
        return *pending->answer;

    pending->answer = approval::ApprovalAnswer{Choice::Cancelled, {}};
    QMetaObject::invokeMethod(
        this, [this, ticket] { withdraw(ticket); }, Qt::QueuedConnection);
    return *pending->answer;
}

void ApprovalBridge::show(int ticket, const approval::ApprovalRequest &request,
                          const std::shared_ptr<Pending> &pending)
{
    {
        // Stopped before the card could be shown: nothing to ask any more.
        QMutexLocker lock(&pending->mutex);
        if (pending->answer)
            return;
    }

    ApprovalCard *card = m_chat->addApprovalCard(request);
    m_cards.insert(ticket, card);
    connect(card, &ApprovalCard::answered, this,
            [this, ticket, pending](const approval::ApprovalAnswer &answer) {
                m_cards.remove(ticket);
                pending->give(answer);
            });
    emit cardShown(card);
}

void ApprovalBridge::withdraw(int ticket)
{
    if (const QPointer<ApprovalCard> card = m_cards.take(ticket))
        card->withdraw();
}

} // namespace tandem::ui
