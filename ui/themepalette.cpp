#include "ui/themepalette.h"

#include <QStyle>
#include <QStyleFactory>

#include <memory>

namespace tandem::ui {

namespace {

QPalette darkPalette()
{
    const QColor window(0x23, 0x25, 0x2b);
    const QColor base(0x1a, 0x1c, 0x21);
    const QColor text(0xe6, 0xe8, 0xec);
    const QColor disabledText(0x7d, 0x82, 0x8c);
    const QColor accent(0x3b, 0x82, 0xf6);

    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, QColor(0x26, 0x29, 0x30));
    palette.setColor(QPalette::ToolTipBase, QColor(0x30, 0x33, 0x3b));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, disabledText);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(0x2e, 0x31, 0x38));
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    palette.setColor(QPalette::Light, QColor(0x3a, 0x3e, 0x47));
    palette.setColor(QPalette::Midlight, QColor(0x32, 0x35, 0x3d));
    palette.setColor(QPalette::Mid, QColor(0x1f, 0x21, 0x26));
    palette.setColor(QPalette::Dark, QColor(0x16, 0x17, 0x1b));
    palette.setColor(QPalette::Shadow, QColor(0x0b, 0x0c, 0x0e));
    palette.setColor(QPalette::Highlight, accent);
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x7a, 0xb4, 0xff));
    palette.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xff));

    for (QPalette::ColorRole role :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::HighlightedText}) {
        palette.setColor(QPalette::Disabled, role, disabledText);
    }
    palette.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x3a, 0x3e, 0x47));
    return palette;
}

} // namespace

QPalette ThemePalette::forScheme(ColorScheme scheme)
{
    if (scheme == ColorScheme::Dark)
        return darkPalette();
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    return fusion ? fusion->standardPalette() : QPalette();
}

} // namespace tandem::ui
