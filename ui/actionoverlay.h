#pragma once

#include "computer/computertool.h"

#include <QImage>

namespace tandem::ui {

// Draws what a computer-use step did onto the screenshot taken after it: rings where it
// clicked, the path of a drag with an arrow, the keys or text it typed in a caption. Points
// are in the screenshot's own (declared) pixels, so they land where the model aimed.
class ActionOverlay
{
public:
    static QImage draw(const computer::ComputerStep &step);
    // One line for the list of steps: "left_click (730, 410)", "type \"hello\"".
    static QString describe(const computer::ComputerStep &step);
};

} // namespace tandem::ui
