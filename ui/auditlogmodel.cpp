#include "ui/auditlogmodel.h"

#include <QColor>
#include <QDateTime>

namespace tandem::ui {

AuditLogModel::AuditLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void AuditLogModel::setEntries(QList<audit::AuditEntry> entries, int brokenLine)
{
    beginResetModel();
    m_entries = std::move(entries);
    m_brokenLine = brokenLine;
    endResetModel();
}

int AuditLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AuditLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool AuditLogModel::isBroken(const audit::AuditEntry &entry) const
{
    return m_brokenLine > 0 && entry.line >= m_brokenLine;
}

QVariant AuditLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const audit::AuditEntry &entry = m_entries.at(index.row());

    if (role == BrokenRole)
        return isBroken(entry);
    if (role == Qt::ForegroundRole && isBroken(entry))
        return QColor(0xdc, 0x26, 0x26);
    if (role == Qt::ToolTipRole && index.column() == TimeColumn)
        return entry.time;
    if (role != Qt::DisplayRole)
        return {};

    switch (index.column()) {
    case LineColumn:
        return entry.line;
    case TimeColumn: {
        // Shown in the user's time zone; the file keeps UTC.
        const QDateTime time = QDateTime::fromString(entry.time, Qt::ISODateWithMs);
        return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                              : entry.time;
    }
    case KindColumn:
        return entry.isEntry() ? entry.kind : tr("(not an entry)");
    case SummaryColumn:
        return entry.summary;
    default:
        return {};
    }
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case LineColumn:
        return tr("Line");
    case TimeColumn:
        return tr("Time");
    case KindColumn:
        return tr("Kind");
    case SummaryColumn:
        return tr("Summary");
    default:
        return {};
    }
}

} // namespace tandem::ui
