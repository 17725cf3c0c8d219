#include "ui/thememanager.h"

#include "ui/codeeditorcolors.h"
#include "ui/darkcolormap.h"
#include "ui/desktopcolorscheme.h"
#include "ui/logging.h"
#include "ui/themepalette.h"

#include <Qsci/qsciscintilla.h>

#include <QApplication>
#include <QEvent>
#include <QPointer>
#include <QSettings>
#include <QStyleFactory>
#include <QTimer>
#include <QWidget>

namespace tandem::ui {

namespace {

// The stylesheet a widget set for itself (always light), and the one shown for it now.
const char *const kLightStyleSheet = "tandemLightStyleSheet";
const char *const kShownStyleSheet = "tandemShownStyleSheet";

ThemeChoice choiceFromText(const QString &text)
{
    if (text == QLatin1String("light"))
        return ThemeChoice::Light;
    if (text == QLatin1String("dark"))
        return ThemeChoice::Dark;
    return ThemeChoice::System;
}

QString textOf(ThemeChoice choice)
{
    switch (choice) {
    case ThemeChoice::Light:
        return QStringLiteral("light");
    case ThemeChoice::Dark:
        return QStringLiteral("dark");
    case ThemeChoice::System:
        break;
    }
    return QStringLiteral("system");
}

} // namespace

ThemeManager::ThemeManager(QObject *parent)
    : QObject(parent)
{
    // The platform's palette, before Fusion's replaces it, is the last hint of the desktop's
    // scheme.
    const QColor platformWindow = QApplication::palette().color(QPalette::Window);
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    m_desktop = new DesktopColorScheme(platformWindow, QDBusConnection::sessionBus(), this);
    connect(m_desktop, &DesktopColorScheme::changed, this, &ThemeManager::apply);

    m_choice = choiceFromText(QSettings().value(settingsKey()).toString());
    qApp->installEventFilter(this);
    apply();
}

ThemeManager::~ThemeManager()
{
    qApp->removeEventFilter(this);
}

QString ThemeManager::settingsKey()
{
    return QStringLiteral("appearance/theme");
}

void ThemeManager::setChoice(ThemeChoice choice)
{
    QSettings().setValue(settingsKey(), textOf(choice));
    m_choice = choice;
    apply();
}

void ThemeManager::apply()
{
    const ColorScheme scheme = m_choice == ThemeChoice::System ? m_desktop->current().scheme
                               : m_choice == ThemeChoice::Dark ? ColorScheme::Dark
                                                               : ColorScheme::Light;
    const bool changed = scheme != m_scheme;
    m_scheme = scheme;
    QApplication::setPalette(ThemePalette::forScheme(scheme));

    const QList<QWidget *> widgets = QApplication::allWidgets();
    for (QWidget *widget : widgets) {
        adaptStyleSheet(widget);
        if (auto *editor = qobject_cast<QsciScintilla *>(widget))
            CodeEditorColors::apply(editor, m_scheme);
    }
    qCInfo(lcUi, "theme %s: %s", qPrintable(textOf(m_choice)),
           m_scheme == ColorScheme::Dark ? "dark" : "light");
    if (changed)
        emit schemeChanged(m_scheme);
}

// Widgets restyle themselves (a tool card when its call ends) and new ones appear all the
// time: each new or changed stylesheet is caught here and shown in the current scheme.
bool ThemeManager::eventFilter(QObject *watched, QEvent *event)
{
    const QEvent::Type type = event->type();
    if ((type == QEvent::StyleChange || type == QEvent::Polish) && watched->isWidgetType())
        adaptStyleSheet(static_cast<QWidget *>(watched));
    // An editor may get its lexer while it is still being made (a diff view does), before
    // anything here could tell it is an editor: it is coloured again before it is first shown.
    if ((type == QEvent::ChildAdded || type == QEvent::Polish)
        && qobject_cast<QsciScintilla *>(watched))
        adaptEditorSoon(watched);
    return QObject::eventFilter(watched, event);
}

void ThemeManager::adaptStyleSheet(QWidget *widget)
{
    const QString current = widget->styleSheet();
    if (current.isEmpty())
        return;

    // A stylesheet other than the one shown last is the widget's own: new, and light.
    const QVariant shownBefore = widget->property(kShownStyleSheet);
    if (!shownBefore.isValid() || current != shownBefore.toString())
        widget->setProperty(kLightStyleSheet, current);

    const QString light = widget->property(kLightStyleSheet).toString();
    const QString shown =
        m_scheme == ColorScheme::Dark ? DarkColorMap::mapStyleSheet(light) : light;
    widget->setProperty(kShownStyleSheet, shown);
    if (shown != current)
        widget->setStyleSheet(shown);
}

// A lexer is made with the editor as its parent just before the editor is given it: colour
// the editor once the code that set the lexer has finished.
void ThemeManager::adaptEditorSoon(QObject *editor)
{
    QPointer<QsciScintilla> target = static_cast<QsciScintilla *>(editor);
    QTimer::singleShot(0, this, [this, target] {
        if (target)
            CodeEditorColors::apply(target, m_scheme);
    });
}

} // namespace tandem::ui
