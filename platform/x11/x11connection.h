#pragma once

#include "base/error.h"

#include <QString>

#include <memory>

using Display = struct _XDisplay;

namespace tandem::x11 {

// One connection to an X server, with X errors turned into values: a request that fails
// (a window that closed, a shared-memory segment on a remote server) is reported by
// takeError() instead of ending the process as Xlib's default handler would.
class X11Connection
{
public:
    static base::Result<std::unique_ptr<X11Connection>> open(const QString &displayName);
    ~X11Connection();

    X11Connection(const X11Connection &) = delete;
    X11Connection &operator=(const X11Connection &) = delete;

    Display *display() const { return m_display; }
    unsigned long root() const { return m_root; }

    // Waits for the server to handle everything sent so far; returns the X error code of the
    // first request that failed since the last call, or 0.
    int syncAndTakeError();

private:
    explicit X11Connection(Display *display);

    Display *m_display;
    unsigned long m_root;
};

} // namespace tandem::x11
