#pragma once

#include "approval/approver.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <memory>

namespace tandem::ui {

class ApprovalCard;
class ChatView;

// The window's answer to approval requests. The agent's thread calls ask() and blocks; the
// request crosses to the GUI thread, where an approval card appears in the chat, and the
// user's click crosses back. A raised cancel token (Stop) ends the wait at once and withdraws
// the card.
class ApprovalBridge : public QObject, public approval::Approver
{
    Q_OBJECT

public:
    explicit ApprovalBridge(ChatView *chat, QObject *parent = nullptr);
    ~ApprovalBridge() override;

    // On the agent's thread. Called on the GUI thread it would wait for itself: it denies.
    approval::ApprovalAnswer ask(const approval::ApprovalRequest &request,
                                 const base::CancelToken &cancel) override;

    int openCount() const { return int(m_cards.size()); }

signals:
    void cardShown(tandem::ui::ApprovalCard *card);

private:
    struct Pending;

    void show(int ticket, const approval::ApprovalRequest &request,
              const std::shared_ptr<Pending> &pending);
    void withdraw(int ticket);

    ChatView *m_chat;
    QHash<int, QPointer<ApprovalCard>> m_cards;
    std::atomic<int> m_nextTicket{1};
};

} // namespace tandem::ui
