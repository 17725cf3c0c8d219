#pragma once

#include "ui/colorscheme.h"

#include <QColor>
#include <QDBusConnection>
#include <QObject>
#include <QString>

#include <optional>

class QDBusVariant;

namespace tandem::ui {

// The colour scheme the desktop asks applications for. Qt 6.4 has no colour-scheme hint, so
// this asks the desktop itself, first answer wins:
//   1. the freedesktop settings portal over D-Bus (org.freedesktop.appearance color-scheme),
//      which GNOME, KDE and others serve, and which also says when the user switches;
//   2. GTK_THEME in the environment (e.g. "Adwaita:dark");
//   3. GNOME's gsettings: org.gnome.desktop.interface color-scheme, then gtk-theme;
//   4. KDE's kdeglobals: the lightness of the window background of its colour scheme;
//   5. the lightness of the palette the platform gave the application.
class DesktopColorScheme : public QObject
{
    Q_OBJECT

public:
    // What the desktop said, each empty where it said nothing.
    struct Hints
    {
        std::optional<uint> portal; // 0 no preference, 1 dark, 2 light
        QString gtkThemeVariable;
        QString gsettingsColorScheme; // e.g. 'prefer-dark'
        QString gsettingsGtkTheme; // e.g. 'Adwaita-dark'
        std::optional<QColor> kdeWindowBackground;
        QColor platformWindow; // the platform palette's window colour
    };

    struct Decision
    {
        ColorScheme scheme = ColorScheme::Light;
        QString source; // which hint decided, for the log and for tests
    };

    // `platformWindow`: the window colour of the palette before Tandem set its own.
    explicit DesktopColorScheme(QColor platformWindow,
                                QDBusConnection bus = QDBusConnection::sessionBus(),
                                QObject *parent = nullptr);

    Decision current() const { return m_current; }
    // Asks the desktop again; emits changed() when the answer differs.
    void refresh();

    static Decision decide(const Hints &hints);
    // The window background of a kdeglobals file, if it names one.
    static std::optional<QColor> kdeWindowBackground(const QString &kdeglobalsPath);

signals:
    void changed(tandem::ui::ColorScheme scheme);

private slots:
    // QtDBus delivers signals only to slots named by signature.
    void onPortalSettingChanged(const QString &group, const QString &key,
                                const QDBusVariant &value);

private:
    Hints gatherHints() const;
    std::optional<uint> readPortal() const;

    QDBusConnection m_bus;
    QColor m_platformWindow;
    Decision m_current;
};

} // namespace tandem::ui
