#pragma once

#include "base/error.h"

#include <QPoint>
#include <QRect>
#include <QSize>

namespace tandem::computer {

// What a provider accepts without resizing an image itself. Anthropic's documented limits: the
// long edge at most 1568 px and about 1600 image tokens, a token per 750 pixels.
struct ImageLimits
{
    int maxLongEdge = 1568;
    qint64 maxPixels = 1600 * 750;
};

// The two coordinate spaces of computer use: the real screen area the agent works on (a
// monitor, with its offset in the virtual screen) and the smaller "declared" size the model is
// told about and sees screenshots at. Mapping is exact integer arithmetic, so a point the model
// picks lands within ceil(real / declared) pixels of where it saw it.
//
//     DisplayScaling scaling(QRect(1920, 0, 2560, 1440));
//     scaling.declaredSize();              // 1460x821
//     scaling.toScreen({730, 410});        // (3200, 720): the middle of the second monitor
class DisplayScaling
{
public:
    explicit DisplayScaling(QRect screenArea, ImageLimits limits = {});

    // The largest size with the area's aspect ratio (±1 px) inside the limits; never larger
    // than the area itself.
    static QSize chooseDeclaredSize(QSize real, ImageLimits limits);

    QRect screenArea() const { return m_area; }
    QSize declaredSize() const { return m_declared; }

    // Refuses points outside the declared size with code "out_of_range" and a message that
    // tells the model the valid range.
    base::Result<QPoint> toScreen(QPoint declared) const;
    // Clamps to the declared size: the pointer may rest on another monitor.
    QPoint toDeclared(QPoint screen) const;
    // A declared rectangle given by two corners, as the screen rectangle it covers.
    base::Result<QRect> toScreen(QPoint declaredTopLeft, QPoint declaredBottomRight) const;

private:
    int mapAxis(int declared, int declaredExtent, int realExtent) const;

    QRect m_area;
    QSize m_declared;
};

} // namespace tandem::computer
