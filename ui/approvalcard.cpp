#include "ui/approvalcard.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace tandem::ui {

namespace {

const char *const cardStyle = R"(
#approvalCard { background: #fffbeb; border: 1px solid #f59e0b; border-radius: 6px; }
#approvalTitle { font-weight: bold; color: #92400e; }
#approvalSummary { background: white; border: 1px solid #fde68a; border-radius: 4px;
                   padding: 4px; }
#approvalAllowOnce { background: #2563eb; color: white; border: 1px solid #1d4ed8;
                     border-radius: 4px; padding: 4px 12px; font-weight: bold; }
#approvalAllowSession, #approvalDeny { background: white; border: 1px solid #d1d5db;
                                       border-radius: 4px; padding: 4px 12px; }
#approvalDeny { color: #b91c1c; border-color: #fca5a5; }
#approvalAllowed { color: #166534; }
#approvalDenied { color: #991b1b; }
#approvalWithdrawn { color: #6b7280; }
)";

QLabel *makeLabel(const QString &text, const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    return label;
}

QPushButton *makeButton(const QString &text, const QString &objectName, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(objectName);
    button->setCursor(Qt::PointingHandCursor);
    return button;
}

} // namespace

ApprovalCard::ApprovalCard(const approval::ApprovalRequest &request, QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("approvalCard"));
    setStyleSheet(QString::fromLatin1(cardStyle));

    auto *summary = makeLabel(request.summary, QStringLiteral("approvalSummary"), this);
    summary->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(6);
    layout->addWidget(makeLabel(tr("Allow %1 to run this?").arg(request.tool),
                                QStringLiteral("approvalTitle"), this));
    layout->addWidget(summary);
    layout->addWidget(makeLabel(request.reason, QStringLiteral("approvalReason"), this));
    layout->addWidget(makeButtons(request));

    m_outcome = makeLabel(QString(), QStringLiteral("approvalOutcome"), this);
    m_outcome->hide();
    layout->addWidget(m_outcome);
}

QWidget *ApprovalCard::makeButtons(const approval::ApprovalRequest &request)
{
    using Choice = approval::ApprovalAnswer::Choice;

    m_buttons = new QWidget(this);
    auto *once = makeButton(tr("Allow once"), QStringLiteral("approvalAllowOnce"), m_buttons);
    auto *session =
        makeButton(tr("Allow for this session"), QStringLiteral("approvalAllowSession"), m_buttons);
    session->setToolTip(
        tr("Also allow, without asking, %1 until Tandem closes.").arg(request.scopeLabel));
    auto *deny = makeButton(tr("Deny"), QStringLiteral("approvalDeny"), m_buttons);
    m_reason = new QLineEdit(m_buttons);
    m_reason->setObjectName(QStringLiteral("approvalReasonEdit"));
    m_reason->setPlaceholderText(tr("Why not? (optional, the model reads it)"));

    connect(once, &QPushButton::clicked, this, [this] { answer(Choice::AllowOnce); });
    connect(session, &QPushButton::clicked, this, [this] { answer(Choice::AllowForSession); });
    connect(deny, &QPushButton::clicked, this, [this] { answer(Choice::Deny); });
    connect(m_reason, &QLineEdit::returnPressed, this, [this] { answer(Choice::Deny); });

    auto *row = new QHBoxLayout(m_buttons);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(once);
    row->addWidget(session);
    row->addWidget(deny);
    row->addWidget(m_reason, 1);
    return m_buttons;
}

void ApprovalCard::answer(approval::ApprovalAnswer::Choice choice)
{
    using Choice = approval::ApprovalAnswer::Choice;
    if (!m_open)
        return;

    const QString reason = choice == Choice::Deny ? m_reason->text().trimmed() : QString();
    if (choice == Choice::AllowOnce)
        close(tr("Allowed once."), QStringLiteral("approvalAllowed"));
    else if (choice == Choice::AllowForSession)
        close(tr("Allowed for this session."), QStringLiteral("approvalAllowed"));
    else if (reason.isEmpty())
        close(tr("Denied."), QStringLiteral("approvalDenied"));
    else
        close(tr("Denied: %1").arg(reason), QStringLiteral("approvalDenied"));
    emit answered({choice, reason});
}

void ApprovalCard::withdraw()
{
    if (m_open)
        close(tr("Stopped before an answer; not run."), QStringLiteral("approvalWithdrawn"));
}

void ApprovalCard::close(const QString &outcome, const QString &objectName)
{
    m_open = false;
    m_buttons->hide();
    m_outcome->setObjectName(objectName);
    m_outcome->setText(outcome);
    m_outcome->show();
    // The style sheet picks the colour by object name, which it reads only when polished.
    style()->unpolish(m_outcome);
    style()->polish(m_outcome);
}

} // namespace tandem::ui
