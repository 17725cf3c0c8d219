#pragma once

#include "computer/desktop.h"

#include <vector>

namespace tandem::x11 {

class X11Connection;

// The monitors RandR reports, including monitors defined with `xrandr --setmonitor`. Empty
// when the server has no RandR 1.5.
class X11MonitorList
{
public:
    explicit X11MonitorList(X11Connection &connection);

    std::vector<computer::Monitor> monitors() const;

private:
    X11Connection &m_connection;
    bool m_available = false;
};

} // namespace tandem::x11
