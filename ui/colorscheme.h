#pragma once

namespace tandem::ui {

// The colours the window is drawn in.
enum class ColorScheme { Light, Dark };

// What the user chose in View > Theme (stored in Tandem's settings): follow the desktop, or
// one scheme whatever the desktop says.
enum class ThemeChoice { System, Light, Dark };

} // namespace tandem::ui
