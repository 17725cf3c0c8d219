#pragma once

#include "ui/colorscheme.h"

#include <QPalette>

namespace tandem::ui {

// The Fusion palettes Tandem draws with: Fusion's own light one, and a dark one whose window,
// base and text tones match what DarkColorMap makes of the panes' light colours.
class ThemePalette
{
public:
    static QPalette forScheme(ColorScheme scheme);
};

} // namespace tandem::ui
