#pragma once

#include <QHash>
#include <QKeySequence>
#include <QObject>

class QAction;
class QMainWindow;
class QMenu;

namespace tandem::ui {

// The window's menu bar: File, Edit, View, Task and Help, created empty, in that order.
// Every part of the window adds its commands here, so that each one and its shortcut can be
// found in a menu:
//
//     QAction *open = window.menus()->addAction(WindowMenus::File, "openSession",
//                                               tr("&Open Session…"), QKeySequence::Open);
//     connect(open, &QAction::triggered, this, &Sessions::open);
//
// Actions are found again by their object name, for tests and for parts that enable them.
class WindowMenus : public QObject
{
    Q_OBJECT

public:
    enum Menu { File, Edit, View, Task, Help };

    explicit WindowMenus(QMainWindow *window);

    QMenu *menu(Menu which) const;
    // An action in `which`, with a shortcut that works anywhere in the window.
    QAction *addAction(Menu which, const QString &objectName, const QString &text,
                       const QKeySequence &shortcut = {});
    QAction *action(const QString &objectName) const;

private:
    QHash<Menu, QMenu *> m_menus;
    QHash<QString, QAction *> m_actions;
};

} // namespace tandem::ui
