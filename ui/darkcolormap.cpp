#include "ui/darkcolormap.h"

#include <QRegularExpression>

#include <algorithm>

namespace tandem::ui {

namespace {

// Mirrored lightness lands a little above black, so that a white background becomes the dark
// palette's base rather than pure black.
constexpr double kMirror = 1.06;
constexpr double kMiddleLow = 0.43;
constexpr double kMiddleHigh = 0.65;
constexpr double kVivid = 0.25;
// Large dark areas with the full saturation of their light version glow: tone them down.
constexpr double kDarkSaturation = 0.55;

} // namespace

QColor DarkColorMap::map(const QColor &light)
{
    if (!light.isValid())
        return light;

    const QColor hsl = light.toHsl();
    const double lightness = hsl.lightnessF();
    const double saturation = hsl.hslSaturationF();
    const bool middle = lightness >= kMiddleLow && lightness <= kMiddleHigh;
    if (middle && saturation >= kVivid)
        return light;

    const double mirrored = std::clamp(kMirror - lightness, 0.0, 1.0);
    const double toned = mirrored < 0.5 ? saturation * kDarkSaturation : saturation;
    return QColor::fromHslF(hsl.hslHueF(), toned, mirrored, hsl.alphaF()).toRgb();
}

QString DarkColorMap::mapStyleSheet(const QString &lightStyleSheet)
{
    // Hex colours, and white named as a background (white named as text sits on a vivid
    // button and stays).
    static const QRegularExpression colour(
        QStringLiteral("#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})(?![0-9a-fA-F])"
                       "|(?<=background:|background-color:|background: |background-color: )"
                       "white\\b"));

    QString dark;
    qsizetype copied = 0;
    for (auto it = colour.globalMatch(lightStyleSheet); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        dark += lightStyleSheet.mid(copied, match.capturedStart() - copied);
        dark += map(QColor(match.captured())).name();
        copied = match.capturedEnd();
    }
    dark += lightStyleSheet.mid(copied);
    return dark;
}

} // namespace tandem::ui
