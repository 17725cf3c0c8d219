#pragma once

namespace tandem::ui {

class ThemeManager;
class WindowMenus;

// View > Theme: System, Light, Dark, one of them checked, applied at once and remembered.
class ThemeChoiceMenu
{
public:
    static void addTo(WindowMenus *menus, ThemeManager *theme);
};

} // namespace tandem::ui
