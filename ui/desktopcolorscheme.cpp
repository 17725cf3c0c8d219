#include "ui/desktopcolorscheme.h"

#include "ui/logging.h"

#include <QDBusMessage>
#include <QDBusReply>
#include <QDBusVariant>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTextStream>

namespace tandem::ui {

namespace {

const QString kPortalService = QStringLiteral("org.freedesktop.portal.Desktop");
const QString kPortalPath = QStringLiteral("/org/freedesktop/portal/desktop");
const QString kPortalSettings = QStringLiteral("org.freedesktop.portal.Settings");
const QString kAppearance = QStringLiteral("org.freedesktop.appearance");
const QString kColorSchemeKey = QStringLiteral("color-scheme");

// A portal that does not answer must not hold up the window's start.
constexpr int kPortalTimeoutMs = 500;
constexpr int kGsettingsTimeoutMs = 1000;

bool isDark(const QColor &color)
{
    return color.lightnessF() < 0.5;
}

// The portal wraps the value in one variant (ReadOne) or two (Read); unwrap all of them.
std::optional<uint> portalValue(QVariant value)
{
    while (value.canConvert<QDBusVariant>())
        value = value.value<QDBusVariant>().variant();
    bool ok = false;
    const uint scheme = value.toUInt(&ok);
    if (!ok)
        return std::nullopt;
    return scheme;
}

QString gsettings(const QString &key)
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("gsettings"));
    if (program.isEmpty())
        return {};
    QProcess process;
    process.start(program,
                  {QStringLiteral("get"), QStringLiteral("org.gnome.desktop.interface"), key});
    if (!process.waitForFinished(kGsettingsTimeoutMs) || process.exitCode() != 0) {
        process.kill();
        process.waitForFinished(kGsettingsTimeoutMs);
        return {};
    }
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

} // namespace

DesktopColorScheme::DesktopColorScheme(QColor platformWindow, QDBusConnection bus, QObject *parent)
    : QObject(parent)
    , m_bus(std::move(bus))
    , m_platformWindow(platformWindow)
{
    m_current = decide(gatherHints());
    qCInfo(lcUi, "desktop colour scheme: %s (from %s)",
           m_current.scheme == ColorScheme::Dark ? "dark" : "light", qPrintable(m_current.source));
    if (m_bus.isConnected()) {
        m_bus.connect(kPortalService, kPortalPath, kPortalSettings,
                      QStringLiteral("SettingChanged"), this,
                      SLOT(onPortalSettingChanged(QString, QString, QDBusVariant)));
    }
}

void DesktopColorScheme::refresh()
{
    const Decision decision = decide(gatherHints());
    const bool differs = decision.scheme != m_current.scheme;
    m_current = decision;
    if (differs)
        emit changed(m_current.scheme);
}

void DesktopColorScheme::onPortalSettingChanged(const QString &group, const QString &key,
                                                const QDBusVariant &)
{
    if (group == kAppearance && key == kColorSchemeKey)
        refresh();
}

DesktopColorScheme::Decision DesktopColorScheme::decide(const Hints &hints)
{
    using Scheme = ColorScheme;

    if (hints.portal == 1u)
        return {Scheme::Dark, QStringLiteral("portal")};
    if (hints.portal == 2u)
        return {Scheme::Light, QStringLiteral("portal")};
    if (!hints.gtkThemeVariable.isEmpty()) {
        const bool dark =
            hints.gtkThemeVariable.contains(QLatin1String("dark"), Qt::CaseInsensitive);
        return {dark ? Scheme::Dark : Scheme::Light, QStringLiteral("GTK_THEME")};
    }
    if (hints.gsettingsColorScheme.contains(QLatin1String("prefer-dark")))
        return {Scheme::Dark, QStringLiteral("gsettings color-scheme")};
    if (hints.gsettingsColorScheme.contains(QLatin1String("prefer-light")))
        return {Scheme::Light, QStringLiteral("gsettings color-scheme")};
    if (hints.gsettingsGtkTheme.contains(QLatin1String("dark"), Qt::CaseInsensitive))
        return {Scheme::Dark, QStringLiteral("gsettings gtk-theme")};
    if (hints.kdeWindowBackground) {
        return {isDark(*hints.kdeWindowBackground) ? Scheme::Dark : Scheme::Light,
                QStringLiteral("kdeglobals")};
    }
    if (hints.platformWindow.isValid() && isDark(hints.platformWindow))
        return {Scheme::Dark, QStringLiteral("platform palette")};
    return {Scheme::Light, QStringLiteral("platform palette")};
}

std::optional<QColor> DesktopColorScheme::kdeWindowBackground(const QString &kdeglobalsPath)
{
    QFile file(kdeglobalsPath);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return std::nullopt;

    // An INI file, but with groups like [Colors:Window] and values like 49,54,59 that
    // QSettings would read as lists: read the one key by hand.
    QTextStream in(&file);
    bool inWindowColors = false;
    while (!in.atEnd()) {
        const QString line = in.readLine().trimmed();
        if (line.startsWith(QLatin1Char('['))) {
            inWindowColors = line == QLatin1String("[Colors:Window]");
            continue;
        }
        if (!inWindowColors || !line.startsWith(QLatin1String("BackgroundNormal=")))
            continue;
        const QStringList parts = line.section(QLatin1Char('='), 1).split(QLatin1Char(','));
        if (parts.size() < 3)
            return std::nullopt;
        const QColor color(parts.at(0).trimmed().toInt(), parts.at(1).trimmed().toInt(),
                           parts.at(2).trimmed().toInt());
        return color.isValid() ? std::optional<QColor>(color) : std::nullopt;
    }
    return std::nullopt;
}

DesktopColorScheme::Hints DesktopColorScheme::gatherHints() const
{
    Hints hints;
    hints.platformWindow = m_platformWindow;
    hints.portal = readPortal();
    if (hints.portal == 1u || hints.portal == 2u)
        return hints;

    hints.gtkThemeVariable = qEnvironmentVariable("GTK_THEME");
    if (!hints.gtkThemeVariable.isEmpty())
        return hints;
    hints.gsettingsColorScheme = gsettings(QStringLiteral("color-scheme"));
    hints.gsettingsGtkTheme = gsettings(QStringLiteral("gtk-theme"));
    hints.kdeWindowBackground =
        kdeWindowBackground(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
                            + QStringLiteral("/kdeglobals"));
    return hints;
}

std::optional<uint> DesktopColorScheme::readPortal() const
{
    if (!m_bus.isConnected())
        return std::nullopt;
    QDBusMessage call = QDBusMessage::createMethodCall(kPortalService, kPortalPath, kPortalSettings,
                                                       QStringLiteral("Read"));
    call << kAppearance << kColorSchemeKey;
    const QDBusMessage reply = m_bus.call(call, QDBus::Block, kPortalTimeoutMs);
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
        return std::nullopt;
    return portalValue(reply.arguments().constFirst());
}

} // namespace tandem::ui
