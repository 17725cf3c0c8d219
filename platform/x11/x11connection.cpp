#include "x11/x11connection.h"

#include <QLoggingCategory>

#include "x11/xlib.h"

#include <atomic>

namespace tandem::x11 {

Q_DECLARE_LOGGING_CATEGORY(lcX11)

namespace {

// Xlib has one error handler per process; it records the first error for whoever syncs next.
std::atomic<int> firstError{0};

int recordError(Display *, XErrorEvent *event)
{
    int expected = 0;
    firstError.compare_exchange_strong(expected, event->error_code);
    qCDebug(lcX11) << "X error" << event->error_code << "on request" << event->request_code;
    return 0;
}

} // namespace

base::Result<std::unique_ptr<X11Connection>> X11Connection::open(const QString &displayName)
{
    const QByteArray name = displayName.toLocal8Bit();
    Display *display = XOpenDisplay(name.isEmpty() ? nullptr : name.constData());
    if (!display)
        return base::fail(
            QStringLiteral("no_display"),
            QStringLiteral("Cannot open the X display \"%1\": is DISPLAY set and "
                           "the X server running?")
                .arg(displayName.isEmpty() ? qEnvironmentVariable("DISPLAY") : displayName));

    int event = 0, error = 0, major = 0, minor = 0;
    if (!XTestQueryExtension(display, &event, &error, &major, &minor)) {
        XCloseDisplay(display);
        return base::fail(QStringLiteral("no_xtest"),
                          QStringLiteral("The X server has no XTEST extension, so Tandem cannot "
                                         "send input to it."));
    }

    XSetErrorHandler(recordError);
    return std::unique_ptr<X11Connection>(new X11Connection(display));
}

X11Connection::X11Connection(Display *display)
    : m_display(display)
    , m_root(DefaultRootWindow(display))
{}

X11Connection::~X11Connection()
{
    XCloseDisplay(m_display);
}

int X11Connection::syncAndTakeError()
{
    XSync(m_display, False);
    return firstError.exchange(0);
}

} // namespace tandem::x11
