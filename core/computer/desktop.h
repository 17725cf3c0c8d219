#pragma once

#include "base/error.h"

#include <QPoint>
#include <QRect>
#include <QString>

#include <opencv2/core/mat.hpp>

#include <optional>
#include <vector>

namespace tandem::computer {

// A top-level window the user could pick as the one the agent may touch. Geometry is in root
// (screen) pixels; `pid` is 0 when the window does not say.
struct WindowInfo
{
    quint64 id = 0;
    QString title;
    QString windowClass;
    qint64 pid = 0;
    QRect geometry;
};

// One monitor of the desktop, in root pixels: a second monitor right of a 1920-wide first one
// has x == 1920.
struct Monitor
{
    QString name;
    QRect geometry;
    bool primary = false;
};

enum class MouseButton {
    Left = 1,
    Middle = 2,
    Right = 3,
    WheelUp = 4,
    WheelDown = 5,
    WheelLeft = 6,
    WheelRight = 7
};

// What the computer tool needs from a desktop: pixels out, input in, and the windows and
// monitors it shows. The X11 backend lives in platform/x11; a Wayland or macOS backend
// implements the same calls. All coordinates are physical root pixels, never logical ones.
// Calls come from one thread at a time.
class Desktop
{
public:
    virtual ~Desktop() = default;

    // The whole virtual screen: the union of all monitors.
    virtual QRect screenBounds() const = 0;
    virtual std::vector<Monitor> monitors() = 0;
    // Viewable top-level windows, bottom to top.
    virtual std::vector<WindowInfo> windows() = 0;
    // The top-level window that receives keys now, if any.
    virtual std::optional<quint64> focusedWindow() = 0;

    // An 8-bit BGR image of `area`, which must lie inside screenBounds().
    virtual base::Result<cv::Mat> capture(const QRect &area) = 0;

    virtual base::Result<QPoint> pointer() = 0;
    virtual base::Status movePointer(QPoint to) = 0;
    virtual base::Status setButton(MouseButton button, bool down) = 0;

    // `keyName` is an X keysym name ("Return", "Control_L", "a", "F5"); other backends
    // translate from it. Unknown names fail with code "unknown_key".
    virtual base::Status setKey(const QString &keyName, bool down) = 0;
    // Types text as characters, whatever the active keyboard layout; leaves no key down.
    // Keymap changes it needed last until releaseAll(), which puts the user's keymap back.
    virtual base::Status typeText(const QString &text) = 0;
    // Lets go of every key and button this backend pressed and has not released, and undoes
    // its changes to the keymap.
    virtual void releaseAll() = 0;
};

} // namespace tandem::computer
