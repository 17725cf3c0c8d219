#pragma once

#include "session/storedsession.h"

#include <QWidget>

#include <optional>
#include <vector>

class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace tandem::ui {

// The saved sessions, newest first, with a search box over their titles and messages. It
// shows what it is given and asks for the rest: a search, a new session, opening, deleting
// or exporting one.
class SessionPanel : public QWidget
{
    Q_OBJECT

public:
    explicit SessionPanel(QWidget *parent = nullptr);

    void setSessions(const std::vector<session::SessionSummary> &sessions);
    // The session the chat shows, marked in the list; none for a new one.
    void setCurrent(std::optional<qint64> sessionId);
    QString searchText() const;
    std::optional<qint64> selectedSession() const;
    int sessionCount() const;

signals:
    void searchChanged(const QString &text);
    void newRequested();
    void openRequested(qint64 sessionId);
    void deleteRequested(qint64 sessionId);
    void exportRequested(qint64 sessionId, bool markdown);

private:
    void buildLayout();
    void updateButtons();
    void markCurrent();
    static QString describe(const session::SessionSummary &summary);

    QLineEdit *m_search = nullptr;
    QListWidget *m_list = nullptr;
    QPushButton *m_new = nullptr;
    QPushButton *m_open = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_export = nullptr;
    std::optional<qint64> m_current;
};

} // namespace tandem::ui
