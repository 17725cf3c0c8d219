#pragma once

#include <QColor>
#include <QString>

namespace tandem::ui {

// Turns the colours of a light design into a dark one of the same shape. Tandem's panes write
// their stylesheets and editor colours for a light window; rather than each pane keeping a
// second set, the dark scheme mirrors their lightness: pale backgrounds and borders become
// dark ones of the same hue, dark text becomes light, and saturated middle tones (a blue
// button, an amber stripe) stay as they are, so what stood out still stands out.
class DarkColorMap
{
public:
    static QColor map(const QColor &light);
    // Every #rgb and #rrggbb colour in a stylesheet, and white backgrounds, mapped.
    static QString mapStyleSheet(const QString &lightStyleSheet);
};

} // namespace tandem::ui
