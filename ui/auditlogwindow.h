#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QTableView;

namespace tandem::ui {

class AuditLogModel;
class WindowMenus;

// A window that browses an audit log: the entries in a table (time, kind, summary) with a
// filter over kind and summary, the selected entry in full, and whether the hash chain holds
// or where it breaks. It reads the file when opened and on Reload; it never writes it.
class AuditLogWindow : public QWidget
{
    Q_OBJECT

public:
    explicit AuditLogWindow(QString path, QWidget *parent = nullptr);

    // View > Audit Log: opens one window on `path` (or brings it back), owned by `owner`.
    static void addToMenu(WindowMenus *menus, const QString &path, QWidget *owner);

    void reload();
    QString chainStatusText() const;
    int visibleEntries() const;

private:
    QWidget *makeToolbar();
    void showSelected();
    void selectBrokenLine(int brokenLine);

    QString m_path;
    AuditLogModel *m_model = nullptr;
    QSortFilterProxyModel *m_filtered = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_status = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_details = nullptr;
};

} // namespace tandem::ui
