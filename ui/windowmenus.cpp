#include "ui/windowmenus.h"

#include "ui/logging.h"

#include <QAction>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

namespace tandem::ui {

WindowMenus::WindowMenus(QMainWindow *window)
    : QObject(window)
{
    QMenuBar *bar = window->menuBar();
    bar->setObjectName(QStringLiteral("menuBar"));
    const std::pair<Menu, QString> menus[] = {{File, tr("&File")},
                                              {Edit, tr("&Edit")},
                                              {View, tr("&View")},
                                              {Task, tr("&Task")},
                                              {Help, tr("&Help")}};
    for (const auto &[which, title] : menus) {
        QMenu *menu = bar->addMenu(title);
        menu->setObjectName(QStringLiteral("menu") + QString(title).remove(QLatin1Char('&')));
        m_menus.insert(which, menu);
    }
}

QMenu *WindowMenus::menu(Menu which) const
{
    return m_menus.value(which);
}

QAction *WindowMenus::addAction(Menu which, const QString &objectName, const QString &text,
                                const QKeySequence &shortcut)
{
    if (m_actions.contains(objectName))
        qCWarning(lcUi, "a second menu action named %s", qPrintable(objectName));

    QAction *action = menu(which)->addAction(text);
    action->setObjectName(objectName);
    action->setShortcut(shortcut);
    m_actions.insert(objectName, action);
    return action;
}

QAction *WindowMenus::action(const QString &objectName) const
{
    return m_actions.value(objectName);
}

} // namespace tandem::ui
