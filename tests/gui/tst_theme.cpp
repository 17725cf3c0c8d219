// Light and dark: what the desktop says decides the scheme, the choice is stored and applied
// live, and the panes' own stylesheets and code editors stay readable in both.
#include "ui/codeeditorcolors.h"
#include "ui/darkcolormap.h"
#include "ui/desktopcolorscheme.h"
#include "ui/thememanager.h"

#include <Qsci/qscilexerhtml.h>
#include <Qsci/qsciscintilla.h>

#include <QApplication>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStyle>
#include <QTemporaryDir>
#include <QtTest>

using namespace tandem::ui;

namespace {

// WCAG's contrast ratio of two colours, 1 to 21.
double contrast(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &c) {
        const auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF())
               + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a) + 0.05;
    const double lb = luminance(b) + 0.05;
    return la > lb ? la / lb : lb / la;
}

} // namespace

class tst_Theme : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void desktopDecides_data();
    void desktopDecides();
    void kdeglobalsWindowColour();
    void darkMapKeepsPairsReadable_data();
    void darkMapKeepsPairsReadable();
    void choiceIsStoredAndAppliedLive();
    void restyledWidgetFollowsTheScheme();
    void codeEditorFollowsTheScheme();

private:
    QString m_config = qEnvironmentVariable("XDG_CONFIG_HOME");
};

void tst_Theme::initTestCase()
{
    // CTest points XDG_CONFIG_HOME at a folder of the build: start from no settings.
    QVERIFY(m_config.contains(QLatin1String("tst_theme-config")));
    QDir(m_config).removeRecursively();
    QCoreApplication::setOrganizationName(QStringLiteral("tandem"));
    QCoreApplication::setApplicationName(QStringLiteral("Tandem"));
}

void tst_Theme::desktopDecides_data()
{
    QTest::addColumn<DesktopColorScheme::Hints>("hints");
    QTest::addColumn<bool>("dark");
    QTest::addColumn<QString>("source");

    DesktopColorScheme::Hints none;
    none.platformWindow = QColor(0xef, 0xef, 0xef);
    auto with = [&none](auto change) {
        DesktopColorScheme::Hints hints = none;
        change(hints);
        return hints;
    };

    QTest::newRow("nothing said: light palette") << none << false << "platform palette";
    QTest::newRow("dark platform palette")
        << with([](auto &h) { h.platformWindow = QColor(0x30, 0x30, 0x30); }) << true
        << "platform palette";
    QTest::newRow("portal prefers dark") << with([](auto &h) {
        h.portal = 1u;
        h.gtkThemeVariable = QStringLiteral("Adwaita");
    }) << true << "portal";
    QTest::newRow("portal prefers light over a dark GTK theme") << with([](auto &h) {
        h.portal = 2u;
        h.gtkThemeVariable = QStringLiteral("Adwaita:dark");
    }) << false << "portal";
    QTest::newRow("portal has no preference, GTK_THEME dark") << with([](auto &h) {
        h.portal = 0u;
        h.gtkThemeVariable = QStringLiteral("Adwaita:dark");
    }) << true << "GTK_THEME";
    QTest::newRow("gsettings prefer-dark")
        << with([](auto &h) { h.gsettingsColorScheme = QStringLiteral("'prefer-dark'"); }) << true
        << "gsettings color-scheme";
    QTest::newRow("gsettings default, dark gtk-theme") << with([](auto &h) {
        h.gsettingsColorScheme = QStringLiteral("'default'");
        h.gsettingsGtkTheme = QStringLiteral("'Yaru-dark'");
    }) << true << "gsettings gtk-theme";
    QTest::newRow("KDE Breeze Dark")
        << with([](auto &h) { h.kdeWindowBackground = QColor(32, 35, 38); }) << true
        << "kdeglobals";
    QTest::newRow("KDE Breeze light") << with([](auto &h) {
        h.kdeWindowBackground = QColor(239, 240, 241);
        h.platformWindow = QColor(0x30, 0x30, 0x30);
    }) << false << "kdeglobals";
}

void tst_Theme::desktopDecides()
{
    QFETCH(DesktopColorScheme::Hints, hints);
    QFETCH(bool, dark);
    QFETCH(QString, source);

    const auto decision = DesktopColorScheme::decide(hints);
    QCOMPARE(decision.scheme == ColorScheme::Dark, dark);
    QCOMPARE(decision.source, source);
}

void tst_Theme::kdeglobalsWindowColour()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("kdeglobals")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[General]\nColorScheme=BreezeDark\n\n[Colors:View]\nBackgroundNormal=20,22,24\n\n"
               "[Colors:Window]\nBackgroundAlternate=49,54,59\nBackgroundNormal=32,35,38\n");
    file.close();

    const auto colour = DesktopColorScheme::kdeWindowBackground(file.fileName());
    QVERIFY(colour.has_value());
    QCOMPARE(*colour, QColor(32, 35, 38));
    QVERIFY(!DesktopColorScheme::kdeWindowBackground(dir.filePath(QStringLiteral("none"))));
}

// Text and background pairs the panes use in light; mapped, they must still read (WCAG AA
// for large text, 3:1, at the least; body text 4.5:1).
void tst_Theme::darkMapKeepsPairsReadable_data()
{
    QTest::addColumn<QColor>("text");
    QTest::addColumn<QColor>("background");
    QTest::addColumn<double>("minimum");

    QTest::newRow("demo banner") << QColor("#78350f") << QColor("#fef3c7") << 4.5;
    QTest::newRow("real banner") << QColor("#1f2937") << QColor("#f3f4f6") << 4.5;
    QTest::newRow("error box") << QColor("#991b1b") << QColor("#fef2f2") << 4.5;
    QTest::newRow("caption on white") << QColor("#4b5563") << QColor("#ffffff") << 4.5;
    QTest::newRow("notice grey") << QColor("#6b7280") << QColor("#ffffff") << 3.0;
    QTest::newRow("tool card") << QColor("#24292f") << QColor("#f6f8fa") << 4.5;
    QTest::newRow("stop button") << QColor("#b91c1c") << QColor("#ffffff") << 4.5;
}

void tst_Theme::darkMapKeepsPairsReadable()
{
    QFETCH(QColor, text);
    QFETCH(QColor, background);
    QFETCH(double, minimum);

    const QColor darkBackground = DarkColorMap::map(background);
    const QColor darkText = DarkColorMap::map(text);
    QVERIFY2(darkBackground.lightnessF() < 0.25, qPrintable(darkBackground.name()));
    const double ratio = contrast(darkText, darkBackground);
    QVERIFY2(
        ratio >= minimum,
        qPrintable(
            QStringLiteral("%1 on %2: %3").arg(darkText.name(), darkBackground.name()).arg(ratio)));
}

void tst_Theme::choiceIsStoredAndAppliedLive()
{
    ThemeManager theme;
    QSignalSpy changed(&theme, &ThemeManager::schemeChanged);

    theme.setChoice(ThemeChoice::Dark);
    QCOMPARE(theme.scheme(), ColorScheme::Dark);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightnessF() < 0.3);
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));

    theme.setChoice(ThemeChoice::Light);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightnessF() > 0.7);
    QCOMPARE(changed.count(), 2);

    // Stored where a new start reads it: $XDG_CONFIG_HOME/tandem/Tandem.conf.
    theme.setChoice(ThemeChoice::Dark);
    QVERIFY2(QSettings().fileName() == m_config + QStringLiteral("/tandem/Tandem.conf"),
             qPrintable(QSettings().fileName()));
    QSettings stored(m_config + QStringLiteral("/tandem/Tandem.conf"), QSettings::NativeFormat);
    QCOMPARE(stored.value(ThemeManager::settingsKey()).toString(), QStringLiteral("dark"));
    ThemeManager again;
    QCOMPARE(again.choice(), ThemeChoice::Dark);
    QCOMPARE(again.scheme(), ColorScheme::Dark);
    theme.setChoice(ThemeChoice::Light);
}

// A widget that sets a new light stylesheet while the window is dark is shown dark, and its
// light stylesheet comes back exactly when the user picks light.
void tst_Theme::restyledWidgetFollowsTheScheme()
{
    ThemeManager theme;
    theme.setChoice(ThemeChoice::Dark);

    QLabel label(QStringLiteral("Running"));
    label.setFixedSize(200, 40);
    const QString light = QStringLiteral("QLabel { background: #fffbeb; color: #92400e; }");
    label.setStyleSheet(light);
    label.show();
    QVERIFY(QTest::qWaitForWindowExposed(&label));
    QVERIFY2(label.styleSheet() == DarkColorMap::mapStyleSheet(light),
             qPrintable(label.styleSheet()));
    QVERIFY2(label.grab().toImage().pixelColor(195, 3).lightnessF() < 0.3,
             qPrintable(label.grab().toImage().pixelColor(195, 3).name() + label.styleSheet()));

    const QString failed = QStringLiteral("QLabel { background: #fef2f2; color: #991b1b; }");
    label.setStyleSheet(failed);
    QCOMPARE(label.styleSheet(), DarkColorMap::mapStyleSheet(failed));

    theme.setChoice(ThemeChoice::Light);
    QCOMPARE(label.styleSheet(), failed);
    QVERIFY(label.grab().toImage().pixelColor(195, 3).lightnessF() > 0.9);
}

void tst_Theme::codeEditorFollowsTheScheme()
{
    ThemeManager theme;
    theme.setChoice(ThemeChoice::Light);

    QsciScintilla editor;
    editor.setText(QStringLiteral("<p class=\"x\">Hello</p>\n"));
    auto *lexer = new QsciLexerHTML(&editor);
    lexer->setDefaultPaper(Qt::white);
    lexer->setPaper(Qt::white, -1);
    editor.setLexer(lexer);
    const QColor lightTag = lexer->color(QsciLexerHTML::Tag);

    theme.setChoice(ThemeChoice::Dark);
    QTRY_VERIFY(lexer->paper(QsciLexerHTML::Default).lightnessF() < 0.2);
    QVERIFY(static_cast<QsciLexer *>(lexer)->defaultPaper().lightnessF() < 0.2);
    // What is drawn: the text's background and the space past the end of the line alike.
    editor.resize(400, 100);
    const QImage shot = editor.grab().toImage();
    const int x = shot.width() - 40;
    QVERIFY2(shot.pixelColor(x, 5).lightnessF() < 0.2, qPrintable(shot.pixelColor(x, 5).name()));
    QVERIFY(contrast(lexer->color(QsciLexerHTML::Tag), lexer->paper(QsciLexerHTML::Tag)) >= 3.0);
    QVERIFY(contrast(lexer->color(QsciLexerHTML::Default), lexer->paper(QsciLexerHTML::Default))
            >= 4.5);

    theme.setChoice(ThemeChoice::Light);
    QCOMPARE(lexer->color(QsciLexerHTML::Tag), lightTag);
    QCOMPARE(lexer->paper(QsciLexerHTML::Default), QColor(Qt::white));

    // A lexer set while dark (a new artifact) is coloured once the setting code is done.
    theme.setChoice(ThemeChoice::Dark);
    auto *next = new QsciLexerHTML(&editor);
    next->setPaper(Qt::white, -1);
    editor.setLexer(next);
    QTRY_VERIFY(next->paper(QsciLexerHTML::Default).lightnessF() < 0.2);
    theme.setChoice(ThemeChoice::Light);
}

QTEST_MAIN(tst_Theme)
#include "tst_theme.moc"
