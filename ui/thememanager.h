#pragma once

#include "ui/colorscheme.h"

#include <QObject>

class QWidget;

namespace tandem::ui {

class DesktopColorScheme;

// Draws the whole application in a light or a dark scheme: Fusion with a palette for each,
// the panes' own stylesheets and code editors mapped to match. The choice (System, Light,
// Dark) lives in Tandem's settings under appearance/theme; with System the scheme follows
// the desktop (DesktopColorScheme), live when the desktop says it changed.
//
// Create one after the QApplication and before the first window:
//
//     ThemeManager theme(&app);
//     MainWindow window(...);
class ThemeManager : public QObject
{
    Q_OBJECT

public:
    explicit ThemeManager(QObject *parent = nullptr);
    ~ThemeManager() override;

    ThemeChoice choice() const { return m_choice; }
    ColorScheme scheme() const { return m_scheme; }
    DesktopColorScheme *desktop() const { return m_desktop; }

    // Stores the choice in the settings and applies it at once.
    void setChoice(tandem::ui::ThemeChoice choice);

    static QString settingsKey();

signals:
    void schemeChanged(tandem::ui::ColorScheme scheme);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void apply();
    void adaptStyleSheet(QWidget *widget);
    void adaptEditorSoon(QObject *editor);

    DesktopColorScheme *m_desktop = nullptr;
    ThemeChoice m_choice = ThemeChoice::System;
    ColorScheme m_scheme = ColorScheme::Light;
};

} // namespace tandem::ui
