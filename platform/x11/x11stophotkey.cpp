#include "x11/x11stophotkey.h"

#include "computer/keychord.h"

#include <QStringList>

#include "x11/xlib.h"
#include <poll.h>

namespace tandem::x11 {

namespace {

// Num Lock and Caps Lock change the modifier state; the grab must hold with either on.
constexpr unsigned int lockVariants[] = {0, LockMask, Mod2Mask, LockMask | Mod2Mask};

int grabError = 0;

int recordGrabError(Display *, XErrorEvent *event)
{
    grabError = event->error_code;
    return 0;
}

base::Result<unsigned int> modifierMask(const QString &keysymName)
{
    if (keysymName.startsWith(QStringLiteral("Control")))
        return ControlMask;
    if (keysymName.startsWith(QStringLiteral("Shift")))
        return ShiftMask;
    if (keysymName.startsWith(QStringLiteral("Alt"))
        || keysymName.startsWith(QStringLiteral("Meta")))
        return Mod1Mask;
    if (keysymName.startsWith(QStringLiteral("Super")))
        return Mod4Mask;
    return base::fail(QStringLiteral("bad_key"),
                      QStringLiteral("\"%1\" is not a modifier for the stop key.").arg(keysymName));
}

} // namespace

base::Result<std::unique_ptr<X11StopHotKey>>
X11StopHotKey::start(const QString &displayName, const QString &chord, std::function<void()> onStop)
{
    const auto chords = computer::parseKeyChords(chord);
    if (!chords || chords->size() != 1)
        return base::fail(QStringLiteral("bad_key"),
                          QStringLiteral("The stop key must be one combination, such as "
                                         "ctrl+shift+Escape."));

    const QByteArray name = displayName.toLocal8Bit();
    Display *display = XOpenDisplay(name.isEmpty() ? nullptr : name.constData());
    if (!display)
        return base::fail(QStringLiteral("no_display"),
                          QStringLiteral("Cannot open the X display for the stop key."));
    auto hotKey = std::unique_ptr<X11StopHotKey>(new X11StopHotKey(display, std::move(onStop)));

    for (const QString &modifier : chords->front().modifiers()) {
        auto mask = modifierMask(modifier);
        if (!mask)
            return std::unexpected(mask.error());
        hotKey->m_modifiers |= *mask;
    }
    const KeySym symbol = XStringToKeysym(chords->front().key().toLatin1().constData());
    hotKey->m_keycode = symbol == NoSymbol ? 0 : XKeysymToKeycode(display, symbol);
    if (hotKey->m_keycode == 0)
        return base::fail(QStringLiteral("bad_key"),
                          QStringLiteral("No key produces \"%1\".").arg(chords->front().key()));

    // Another program holding the chord answers BadAccess: say so rather than never stopping.
    XSync(display, False);
    grabError = 0;
    const auto previous = XSetErrorHandler(recordGrabError);
    for (const unsigned int locks : lockVariants)
        XGrabKey(display, int(hotKey->m_keycode), hotKey->m_modifiers | locks,
                 DefaultRootWindow(display), False, GrabModeAsync, GrabModeAsync);
    XSync(display, False);
    XSetErrorHandler(previous);
    if (grabError != 0)
        return base::fail(QStringLiteral("key_taken"),
                          QStringLiteral("Another program already uses %1; pick another stop "
                                         "key.")
                              .arg(chord));

    QStringList parts;
    for (const QString &key : chords->front().keys)
        parts << key.section(u'_', 0, 0);
    hotKey->m_description = parts.join(u'+');
    hotKey->m_thread = std::thread([raw = hotKey.get()] { raw->watch(); });
    return hotKey;
}

X11StopHotKey::X11StopHotKey(Display *display, std::function<void()> onStop)
    : m_display(display)
    , m_onStop(std::move(onStop))
{}

X11StopHotKey::~X11StopHotKey()
{
    m_done = true;
    if (m_thread.joinable())
        m_thread.join();
    for (const unsigned int locks : lockVariants)
        XUngrabKey(m_display, int(m_keycode), m_modifiers | locks, DefaultRootWindow(m_display));
    XCloseDisplay(m_display);
}

void X11StopHotKey::watch()
{
    pollfd connection{ConnectionNumber(m_display), POLLIN, 0};
    while (!m_done) {
        // Short waits, so the destructor's join never waits long.
        if (!XPending(m_display) && poll(&connection, 1, 20) <= 0)
            continue;
        while (XPending(m_display)) {
            XEvent event;
            XNextEvent(m_display, &event);
            if (event.type == KeyPress && event.xkey.keycode == m_keycode)
                m_onStop();
        }
    }
}

} // namespace tandem::x11
