#include "ui/actionoverlay.h"

#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace tandem::ui {

namespace {

// Orange over a dark edge: visible on light and dark screens and on red or blue widgets.
const QColor actionColour(255, 140, 0);
const QColor edgeColour(20, 20, 20);

void ring(QPainter &painter, QPoint centre)
{
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(edgeColour, 6));
    painter.drawEllipse(centre, 14, 14);
    painter.setPen(QPen(actionColour, 3));
    painter.drawEllipse(centre, 14, 14);
    painter.setPen(QPen(edgeColour, 1));
    painter.setBrush(actionColour);
    painter.drawEllipse(centre, 3, 3);
}

void arrow(QPainter &painter, QPoint from, QPoint to)
{
    painter.setPen(QPen(edgeColour, 6, Qt::SolidLine, Qt::RoundCap));
    painter.drawLine(from, to);
    painter.setPen(QPen(actionColour, 3, Qt::SolidLine, Qt::RoundCap));
    painter.drawLine(from, to);
    const double angle = std::atan2(double(to.y() - from.y()), double(to.x() - from.x()));
    const auto wing = [&](double turn) {
        return to
               - QPoint(int(std::lround(14 * std::cos(angle + turn))),
                        int(std::lround(14 * std::sin(angle + turn))));
    };
    QPainterPath head;
    head.moveTo(to);
    head.lineTo(wing(0.45));
    head.lineTo(wing(-0.45));
    head.closeSubpath();
    painter.fillPath(head, actionColour);
}

void caption(QPainter &painter, const QSize &size, const QString &text)
{
    QFont font = painter.font();
    font.setPixelSize(std::max(14, size.height() / 40));
    painter.setFont(font);
    const QRect box(0, size.height() - font.pixelSize() * 2, size.width(), font.pixelSize() * 2);
    painter.fillRect(box, QColor(0, 0, 0, 170));
    painter.setPen(Qt::white);
    painter.drawText(box.adjusted(10, 0, -10, 0), Qt::AlignVCenter | Qt::AlignLeft,
                     painter.fontMetrics().elidedText(text, Qt::ElideRight, box.width() - 20));
}

QString action(const computer::ComputerStep &step)
{
    return QString::fromStdString(step.input.value("action", std::string()));
}

QString textOf(const computer::ComputerStep &step)
{
    const auto it = step.input.find("text");
    return it != step.input.end() && it->is_string()
               ? QString::fromStdString(it->get<std::string>())
               : QString();
}

} // namespace

QImage ActionOverlay::draw(const computer::ComputerStep &step)
{
    if (step.screenshot.isNull())
        return {};

    QImage image = step.screenshot.convertToFormat(QImage::Format_RGB32);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);

    const QString name = action(step);
    if (name == QStringLiteral("left_click_drag") && step.points.size() == 2) {
        arrow(painter, step.points[0], step.points[1]);
        ring(painter, step.points[0]);
    } else if (name != QStringLiteral("zoom")) {
        for (const QPoint &point : step.points)
            ring(painter, point);
    }

    const QString typed = textOf(step);
    if (name == QStringLiteral("type") || name == QStringLiteral("key")
        || name == QStringLiteral("hold_key"))
        caption(painter, image.size(), name == QStringLiteral("type") ? typed : u'⌨' + typed);
    else if (step.isError)
        caption(painter, image.size(), step.message);
    return image;
}

QString ActionOverlay::describe(const computer::ComputerStep &step)
{
    QString line = action(step);
    if (!step.points.isEmpty()) {
        QStringList points;
        for (const QPoint &point : step.points)
            points << QStringLiteral("(%1, %2)").arg(point.x()).arg(point.y());
        line += u' ' + points.join(QStringLiteral(" → "));
    }
    if (const QString text = textOf(step); !text.isEmpty())
        line += QStringLiteral(" \"%1\"").arg(text.left(60));
    if (step.isError)
        line += QStringLiteral(" — refused: ") + step.message;
    return line;
}

} // namespace tandem::ui
