#include "computer/displayscaling.h"

#include <QString>

#include <algorithm>
#include <cmath>

namespace tandem::computer {

namespace {

bool fits(qint64 longSide, qint64 shortSide, const ImageLimits &limits)
{
    return longSide <= limits.maxLongEdge && longSide * shortSide <= limits.maxPixels;
}

} // namespace

DisplayScaling::DisplayScaling(QRect screenArea, ImageLimits limits)
    : m_area(screenArea)
    , m_declared(chooseDeclaredSize(screenArea.size(), limits))
{}

QSize DisplayScaling::chooseDeclaredSize(QSize real, ImageLimits limits)
{
    if (real.isEmpty())
        return {};

    const bool landscape = real.width() >= real.height();
    const qint64 realLong = landscape ? real.width() : real.height();
    const qint64 realShort = landscape ? real.height() : real.width();
    if (fits(realLong, realShort, limits))
        return real;

    // Start from the exact scale, then step the long side down until rounding the short side
    // keeps both limits: at most a few steps.
    const double scale =
        std::min(double(limits.maxLongEdge) / double(realLong),
                 std::sqrt(double(limits.maxPixels) / double(realLong * realShort)));
    qint64 longSide = std::max<qint64>(1, qint64(std::floor(double(realLong) * scale)));
    qint64 shortSide = 1;
    for (; longSide > 1; --longSide) {
        shortSide = std::max<qint64>(1, (longSide * realShort * 2 + realLong) / (realLong * 2));
        if (fits(longSide, shortSide, limits))
            break;
    }
    return landscape ? QSize(int(longSide), int(shortSide)) : QSize(int(shortSide), int(longSide));
}

int DisplayScaling::mapAxis(int declared, int declaredExtent, int realExtent) const
{
    // The centre of the declared pixel, in real pixels: floor((d + 0.5) * real / declared).
    const qint64 real = (qint64(2 * declared + 1) * realExtent) / (qint64(2) * declaredExtent);
    return int(std::min<qint64>(real, realExtent - 1));
}

base::Result<QPoint> DisplayScaling::toScreen(QPoint declared) const
{
    const bool inside = declared.x() >= 0 && declared.y() >= 0 && declared.x() < m_declared.width()
                        && declared.y() < m_declared.height();
    if (!inside) {
        return base::fail(
            QStringLiteral("out_of_range"),
            QStringLiteral("Coordinate (%1, %2) is outside the screen. The screenshot is %3x%4: "
                           "x must be 0..%5 and y 0..%6.")
                .arg(declared.x())
                .arg(declared.y())
                .arg(m_declared.width())
                .arg(m_declared.height())
                .arg(m_declared.width() - 1)
                .arg(m_declared.height() - 1));
    }

    return QPoint(m_area.x() + mapAxis(declared.x(), m_declared.width(), m_area.width()),
                  m_area.y() + mapAxis(declared.y(), m_declared.height(), m_area.height()));
}

QPoint DisplayScaling::toDeclared(QPoint screen) const
{
    const auto axis = [](int offset, int realExtent, int declaredExtent) {
        const qint64 clamped = std::clamp(offset, 0, realExtent - 1);
        return int(clamped * declaredExtent / realExtent);
    };
    return {axis(screen.x() - m_area.x(), m_area.width(), m_declared.width()),
            axis(screen.y() - m_area.y(), m_area.height(), m_declared.height())};
}

base::Result<QRect> DisplayScaling::toScreen(QPoint declaredTopLeft,
                                             QPoint declaredBottomRight) const
{
    const QRect declaredArea(QPoint(0, 0), m_declared);
    const bool ordered = declaredBottomRight.x() > declaredTopLeft.x()
                         && declaredBottomRight.y() > declaredTopLeft.y();
    const bool inside = declaredArea.contains(declaredTopLeft)
                        && declaredBottomRight.x() <= m_declared.width()
                        && declaredBottomRight.y() <= m_declared.height();
    if (!ordered || !inside) {
        return base::fail(QStringLiteral("bad_region"),
                          QStringLiteral("The region must be [x0, y0, x1, y1] with 0 <= x0 < x1 "
                                         "<= %1 and 0 <= y0 < y1 <= %2.")
                              .arg(m_declared.width())
                              .arg(m_declared.height()));
    }

    // Edges, not pixel centres: the left edge rounds down and the right edge up, so the real
    // rectangle covers everything the model framed.
    const auto edge = [](int declared, int declaredExtent, int realExtent, bool up) {
        const qint64 scaled = qint64(declared) * realExtent;
        return int(up ? (scaled + declaredExtent - 1) / declaredExtent : scaled / declaredExtent);
    };
    const int left = edge(declaredTopLeft.x(), m_declared.width(), m_area.width(), false);
    const int top = edge(declaredTopLeft.y(), m_declared.height(), m_area.height(), false);
    const int right = edge(declaredBottomRight.x(), m_declared.width(), m_area.width(), true);
    const int bottom = edge(declaredBottomRight.y(), m_declared.height(), m_area.height(), true);
    return QRect(m_area.x() + left, m_area.y() + top, right - left, bottom - top);
}

} // namespace tandem::computer
