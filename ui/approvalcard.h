#pragma once

#include "approval/approver.h"

#include <QFrame>

class QLabel;
class QLineEdit;
class QPushButton;

namespace tandem::ui {

// A question in the chat before a call runs: what would run and why the policy asks, with
// "Allow once", "Allow for this session" and "Deny" (and an optional reason, which the model
// reads). Once answered, or withdrawn by Stop, it keeps a line saying what happened.
class ApprovalCard : public QFrame
{
    Q_OBJECT

public:
    explicit ApprovalCard(const approval::ApprovalRequest &request, QWidget *parent = nullptr);

    bool isOpen() const { return m_open; }
    // The run stopped before the user answered.
    void withdraw();

signals:
    void answered(const tandem::approval::ApprovalAnswer &answer);

private:
    QWidget *makeButtons(const approval::ApprovalRequest &request);
    void answer(approval::ApprovalAnswer::Choice choice);
    void close(const QString &outcome, const QString &objectName);

    QLineEdit *m_reason = nullptr;
    QWidget *m_buttons = nullptr;
    QLabel *m_outcome = nullptr;
    bool m_open = true;
};

} // namespace tandem::ui
