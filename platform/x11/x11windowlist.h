#pragma once

#include "computer/desktop.h"

#include <optional>
#include <vector>

namespace tandem::x11 {

class X11Connection;

// Reads the viewable top-level windows and the focus. With a window manager the top-level
// windows are its frames, so title, class and pid come from the client window inside.
class X11WindowList
{
public:
    explicit X11WindowList(X11Connection &connection);

    std::vector<computer::WindowInfo> windows() const;
    std::optional<quint64> focusedWindow() const;

private:
    unsigned long clientOf(unsigned long frame) const;
    unsigned long topLevelOf(unsigned long window) const;
    QString title(unsigned long window) const;
    QString windowClass(unsigned long window) const;
    qint64 pid(unsigned long window) const;

    X11Connection &m_connection;
};

} // namespace tandem::x11
