#include "ui/sessionpanel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QVBoxLayout>

namespace tandem::ui {

namespace {

constexpr int idRole = Qt::UserRole;

} // namespace

SessionPanel::SessionPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("sessionPanel"));
    buildLayout();
    updateButtons();
}

void SessionPanel::buildLayout()
{
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("sessionSearch"));
    m_search->setPlaceholderText(tr("Search titles and messages"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, this, &SessionPanel::searchChanged);

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("sessionList"));
    m_list->setWordWrap(true);
    m_list->setTextElideMode(Qt::ElideRight);
    connect(m_list, &QListWidget::itemSelectionChanged, this, &SessionPanel::updateButtons);
    connect(m_list, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { emit openRequested(item->data(idRole).toLongLong()); });

    m_new = new QPushButton(tr("New"), this);
    m_new->setObjectName(QStringLiteral("newSessionButton"));
    connect(m_new, &QPushButton::clicked, this, &SessionPanel::newRequested);
    m_open = new QPushButton(tr("Open"), this);
    m_open->setObjectName(QStringLiteral("openSessionButton"));
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (const auto id = selectedSession())
            emit openRequested(*id);
    });
    m_delete = new QPushButton(tr("Delete"), this);
    m_delete->setObjectName(QStringLiteral("deleteSessionButton"));
    connect(m_delete, &QPushButton::clicked, this, [this] {
        if (const auto id = selectedSession())
            emit deleteRequested(*id);
    });

    m_export = new QPushButton(tr("Export"), this);
    m_export->setObjectName(QStringLiteral("exportSessionButton"));
    auto *formats = new QMenu(m_export);
    const auto exportAs = [this](bool markdown) {
        if (const auto id = selectedSession())
            emit exportRequested(*id, markdown);
    };
    connect(formats->addAction(tr("As Markdown\u2026")), &QAction::triggered, this,
            [exportAs] { exportAs(true); });
    connect(formats->addAction(tr("As JSON\u2026")), &QAction::triggered, this,
            [exportAs] { exportAs(false); });
    m_export->setMenu(formats);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_new);
    buttons->addWidget(m_open);
    buttons->addWidget(m_delete);
    buttons->addWidget(m_export);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
}

void SessionPanel::setSessions(const std::vector<session::SessionSummary> &sessions)
{
    const std::optional<qint64> selected = selectedSession();
    m_list->clear();
    for (const session::SessionSummary &summary : sessions) {
        auto *item = new QListWidgetItem(describe(summary), m_list);
        item->setData(idRole, summary.id);
        item->setToolTip(summary.workspace);
        if (selected == summary.id)
            item->setSelected(true);
    }
    markCurrent();
    updateButtons();
}

void SessionPanel::setCurrent(std::optional<qint64> sessionId)
{
    m_current = sessionId;
    markCurrent();
}

// The open session in bold, so that it stays visible while another is selected.
void SessionPanel::markCurrent()
{
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem *item = m_list->item(row);
        QFont font = item->font();
        font.setBold(m_current == item->data(idRole).toLongLong());
        item->setFont(font);
    }
}

QString SessionPanel::describe(const session::SessionSummary &summary)
{
    const QString when = QLocale().toString(summary.updated.toLocalTime(), QLocale::ShortFormat);
    QString text = summary.title + u'\n'
                   + tr("%1 \u00b7 %n messages", nullptr, summary.messageCount).arg(when);
    if (!summary.excerpt.isEmpty())
        text += u'\n' + summary.excerpt;
    return text;
}

QString SessionPanel::searchText() const
{
    return m_search->text();
}

std::optional<qint64> SessionPanel::selectedSession() const
{
    const QList<QListWidgetItem *> selected = m_list->selectedItems();
    if (selected.isEmpty())
        return std::nullopt;
    return selected.first()->data(idRole).toLongLong();
}

int SessionPanel::sessionCount() const
{
    return m_list->count();
}

void SessionPanel::updateButtons()
{
    const bool any = selectedSession().has_value();
    m_open->setEnabled(any);
    m_delete->setEnabled(any);
    m_export->setEnabled(any);
}

} // namespace tandem::ui
