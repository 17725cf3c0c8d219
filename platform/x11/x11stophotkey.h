#pragma once

#include "computer/stophotkey.h"

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

using Display = struct _XDisplay;

namespace tandem::x11 {

// StopHotKey on X11: a passive grab of the chord on the root window, on a connection of its
// own, watched by a thread that calls `onStop` within a few milliseconds of the press. The
// grab is released when the object goes.
class X11StopHotKey : public computer::StopHotKey
{
public:
    static base::Result<std::unique_ptr<X11StopHotKey>>
    start(const QString &displayName, const QString &chord, std::function<void()> onStop);
    ~X11StopHotKey() override;

    QString describe() const override { return m_description; }

private:
    X11StopHotKey(Display *display, std::function<void()> onStop);
    void watch();

    Display *m_display;
    std::function<void()> m_onStop;
    QString m_description;
    unsigned int m_keycode = 0;
    unsigned int m_modifiers = 0;
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

} // namespace tandem::x11
