#include "ui/themechoicemenu.h"

#include "ui/thememanager.h"
#include "ui/windowmenus.h"

#include <QActionGroup>
#include <QMenu>

namespace tandem::ui {

void ThemeChoiceMenu::addTo(WindowMenus *menus, ThemeManager *theme)
{
    QMenu *menu = menus->menu(WindowMenus::View)->addMenu(QMenu::tr("&Theme"));
    menu->setObjectName(QStringLiteral("menuTheme"));
    auto *group = new QActionGroup(menu);
    group->setExclusive(true);

    const std::tuple<ThemeChoice, QString, QString> choices[] = {
        {ThemeChoice::System, QStringLiteral("themeSystemAction"), QMenu::tr("Follow the &System")},
        {ThemeChoice::Light, QStringLiteral("themeLightAction"), QMenu::tr("&Light")},
        {ThemeChoice::Dark, QStringLiteral("themeDarkAction"), QMenu::tr("&Dark")}};
    for (const auto &[choice, name, text] : choices) {
        QAction *action = menu->addAction(text);
        action->setObjectName(name);
        action->setCheckable(true);
        action->setChecked(theme->choice() == choice);
        group->addAction(action);
        QObject::connect(action, &QAction::triggered, theme,
                         [theme, choice = choice] { theme->setChoice(choice); });
    }
}

} // namespace tandem::ui
