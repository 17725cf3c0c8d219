#include "ui/elidedlabel.h"

#include <QFontMetricsF>

#include <cmath>

namespace tandem::ui {

ElidedLabel::ElidedLabel(Qt::TextElideMode mode, QWidget *parent)
    : QLabel(parent)
    , m_mode(mode)
{
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
}

void ElidedLabel::setFullText(const QString &text)
{
    m_fullText = text;
    setToolTip(text);
    updateElision();
    updateGeometry();
}

QSize ElidedLabel::minimumSizeHint() const
{
    return {fontMetrics().horizontalAdvance(QChar(0x2026)) * 3, QLabel::minimumSizeHint().height()};
}

// Rounded up: a width rounded down can fall short of the text, which is then elided although
// the label got all the room it asked for.
QSize ElidedLabel::sizeHint() const
{
    const QMargins margins = contentsMargins();
    const int textWidth = int(std::ceil(QFontMetricsF(font()).horizontalAdvance(m_fullText)));
    return {textWidth + margins.left() + margins.right(), QLabel::sizeHint().height()};
}

void ElidedLabel::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    updateElision();
}

void ElidedLabel::updateElision()
{
    setText(fontMetrics().elidedText(m_fullText, m_mode, contentsRect().width()));
}

} // namespace tandem::ui
