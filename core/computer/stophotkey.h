#pragma once

#include "base/error.h"

#include <QString>

#include <functional>

namespace tandem::computer {

// A key combination that stops computer use from anywhere on the desktop, even while the
// agent's target window has the focus. Each desktop backend grabs it its own way.
//
//     auto key = X11StopHotKey::start(QString(), defaultStopChord(), [&] { task.cancel(); });
class StopHotKey
{
public:
    virtual ~StopHotKey() = default;

    // What to tell the user, e.g. "Ctrl+Shift+Escape".
    virtual QString describe() const = 0;
};

// Ctrl+Shift+Escape: free on the common Linux desktops and hard to press by accident.
inline QString defaultStopChord()
{
    return QStringLiteral("ctrl+shift+Escape");
}

} // namespace tandem::computer
