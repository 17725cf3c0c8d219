#include "ui/auditlogwindow.h"

#include "ui/auditlogmodel.h"
#include "ui/windowmenus.h"

#include "audit/auditlogreader.h"

#include <QAction>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace tandem::ui {

AuditLogWindow::AuditLogWindow(QString path, QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_path(std::move(path))
    , m_model(new AuditLogModel(this))
    , m_filtered(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("auditLogWindow"));
    setWindowTitle(tr("Audit Log \u2014 Tandem"));
    m_filtered->setSourceModel(m_model);
    m_filtered->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filtered->setFilterKeyColumn(-1); // every column: kind, summary, time

    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setModel(m_filtered);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AuditLogWindow::showSelected);

    m_details = new QPlainTextEdit;
    m_details->setObjectName(QStringLiteral("auditDetails"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_table);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("chainStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(makeToolbar());
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);
    resize(960, 640);
    reload();
}

void AuditLogWindow::addToMenu(WindowMenus *menus, const QString &path, QWidget *owner)
{
    QAction *open =
        menus->addAction(WindowMenus::View, QStringLiteral("viewAuditLogAction"), tr("Audit &Log"));
    auto window = std::make_shared<QPointer<AuditLogWindow>>();
    connect(open, &QAction::triggered, owner, [path, owner, window] {
        if (!*window)
            *window = new AuditLogWindow(path, owner);
        else
            (*window)->reload();
        (*window)->show();
        (*window)->raise();
        (*window)->activateWindow();
    });
}

QWidget *AuditLogWindow::makeToolbar()
{
    m_filter = new QLineEdit;
    m_filter->setObjectName(QStringLiteral("auditFilter"));
    m_filter->setPlaceholderText(tr("Filter by kind, summary or time"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_filtered,
            &QSortFilterProxyModel::setFilterFixedString);

    auto *reload = new QPushButton(tr("&Reload"));
    reload->setObjectName(QStringLiteral("auditReload"));
    connect(reload, &QPushButton::clicked, this, &AuditLogWindow::reload);

    auto *file = new QLabel(m_path);
    file->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *bar = new QWidget;
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter, 2);
    layout->addWidget(file, 3);
    layout->addWidget(reload);
    return bar;
}

void AuditLogWindow::reload()
{
    using State = audit::ChainStatus::State;

    audit::AuditLogContents contents = audit::AuditLogReader::read(m_path);
    const audit::ChainStatus &status = contents.status;
    m_model->setEntries(std::move(contents.entries), status.holds() ? 0 : status.brokenLine);
    m_table->resizeColumnsToContents();

    QString text;
    QString colour;
    switch (status.state) {
    case State::Intact:
        text = tr("\u2714 The chain holds: %n entries.", nullptr, status.entries);
        colour = QStringLiteral("#15803d");
        break;
    case State::IncompleteTail:
        text = tr("\u26a0 %1").arg(status.reason);
        colour = QStringLiteral("#b45309");
        break;
    case State::Broken:
        text = tr("\u2716 Broken at line %1: %2").arg(status.brokenLine).arg(status.reason);
        colour = QStringLiteral("#b91c1c");
        break;
    case State::Unreadable:
        text = status.reason;
        colour = QStringLiteral("#b91c1c");
        break;
    }
    m_status->setText(text);
    m_status->setStyleSheet(
        QStringLiteral("#chainStatus { color: %1; font-weight: bold; }").arg(colour));
    selectBrokenLine(status.holds() ? 0 : status.brokenLine);
}

// Opens on the line that breaks the chain, if one does; else on the newest entry.
void AuditLogWindow::selectBrokenLine(int brokenLine)
{
    if (m_filtered->rowCount() == 0) {
        m_details->clear();
        return;
    }
    int row = m_filtered->rowCount() - 1;
    for (int r = 0; brokenLine > 0 && r < m_filtered->rowCount(); ++r) {
        if (m_filtered->index(r, AuditLogModel::LineColumn).data().toInt() == brokenLine) {
            row = r;
            break;
        }
    }
    m_table->selectRow(row);
    m_table->scrollTo(m_filtered->index(row, 0));
}

void AuditLogWindow::showSelected()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_details->clear();
        return;
    }
    const int row = m_filtered->mapToSource(current).row();
    m_details->setPlainText(m_model->entry(row).prettyText());
}

QString AuditLogWindow::chainStatusText() const
{
    return m_status->text();
}

int AuditLogWindow::visibleEntries() const
{
    return m_filtered->rowCount();
}

} // namespace tandem::ui
