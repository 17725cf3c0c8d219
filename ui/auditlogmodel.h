#pragma once

#include "audit/auditentry.h"

#include <QAbstractTableModel>
#include <QList>

namespace tandem::ui {

// The entries of an audit log as a table: line, time, kind, summary. The line that breaks
// the chain, and those after it, are marked (Qt::ForegroundRole, and BrokenRole).
class AuditLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { LineColumn, TimeColumn, KindColumn, SummaryColumn, ColumnCount };
    enum Role { BrokenRole = Qt::UserRole + 1 };

    explicit AuditLogModel(QObject *parent = nullptr);

    // `brokenLine`: the first line that does not follow (0 when the chain holds).
    void setEntries(QList<audit::AuditEntry> entries, int brokenLine);
    const audit::AuditEntry &entry(int row) const { return m_entries.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    bool isBroken(const audit::AuditEntry &entry) const;

    QList<audit::AuditEntry> m_entries;
    int m_brokenLine = 0;
};

} // namespace tandem::ui
