#include "x11/x11desktop.h"

#include "x11/x11connection.h"
#include "x11/x11keyboard.h"
#include "x11/x11monitorlist.h"
#include "x11/x11screencapture.h"
#include "x11/x11windowlist.h"

#include "x11/xlib.h"

namespace tandem::x11 {

base::Result<std::unique_ptr<X11Desktop>> X11Desktop::open(const QString &displayName)
{
    auto connection = X11Connection::open(displayName);
    if (!connection)
        return std::unexpected(connection.error());
    return std::unique_ptr<X11Desktop>(new X11Desktop(std::move(*connection)));
}

X11Desktop::X11Desktop(std::unique_ptr<X11Connection> connection)
    : m_connection(std::move(connection))
    , m_capture(std::make_unique<X11ScreenCapture>(*m_connection))
    , m_keyboard(std::make_unique<X11Keyboard>(*m_connection))
    , m_windows(std::make_unique<X11WindowList>(*m_connection))
    , m_monitors(std::make_unique<X11MonitorList>(*m_connection))
{}

X11Desktop::~X11Desktop()
{
    releaseAll();
}

QRect X11Desktop::screenBounds() const
{
    QMutexLocker lock(&m_mutex);
    Display *display = m_connection->display();
    const int screen = DefaultScreen(display);
    return QRect(0, 0, DisplayWidth(display, screen), DisplayHeight(display, screen));
}

std::vector<computer::Monitor> X11Desktop::monitors()
{
    QMutexLocker lock(&m_mutex);
    return m_monitors->monitors();
}

std::vector<computer::WindowInfo> X11Desktop::windows()
{
    QMutexLocker lock(&m_mutex);
    return m_windows->windows();
}

std::optional<quint64> X11Desktop::focusedWindow()
{
    QMutexLocker lock(&m_mutex);
    return m_windows->focusedWindow();
}

base::Result<cv::Mat> X11Desktop::capture(const QRect &area)
{
    if (!screenBounds().contains(area))
        return base::fail(QStringLiteral("bad_area"),
                          QStringLiteral("The area to capture lies outside the screen."));
    QMutexLocker lock(&m_mutex);
    return m_capture->capture(area);
}

bool X11Desktop::capturesThroughSharedMemory() const
{
    QMutexLocker lock(&m_mutex);
    return m_capture->usesSharedMemory();
}

base::Result<QPoint> X11Desktop::pointer()
{
    QMutexLocker lock(&m_mutex);
    Window root = 0, child = 0;
    int rootX = 0, rootY = 0, x = 0, y = 0;
    unsigned int mask = 0;
    if (!XQueryPointer(m_connection->display(), m_connection->root(), &root, &child, &rootX, &rootY,
                       &x, &y, &mask))
        return base::fail(QStringLiteral("no_pointer"),
                          QStringLiteral("The pointer is on another X screen."));
    return QPoint(rootX, rootY);
}

base::Status X11Desktop::movePointer(QPoint to)
{
    QMutexLocker lock(&m_mutex);
    XTestFakeMotionEvent(m_connection->display(), -1, to.x(), to.y(), CurrentTime);
    if (m_connection->syncAndTakeError() != 0)
        return base::fail(QStringLiteral("input_failed"),
                          QStringLiteral("The X server refused to move the pointer."));
    return {};
}

base::Status X11Desktop::setButton(computer::MouseButton button, bool down)
{
    QMutexLocker lock(&m_mutex);
    const int number = int(button);
    XTestFakeButtonEvent(m_connection->display(), unsigned(number), down ? True : False,
                         CurrentTime);
    if (down)
        m_buttonsDown.insert(number);
    else
        m_buttonsDown.erase(number);
    if (m_connection->syncAndTakeError() != 0)
        return base::fail(QStringLiteral("input_failed"),
                          QStringLiteral("The X server refused a mouse button event."));
    return {};
}

base::Status X11Desktop::setKey(const QString &keyName, bool down)
{
    QMutexLocker lock(&m_mutex);
    return m_keyboard->setKey(keyName, down);
}

base::Status X11Desktop::typeText(const QString &text)
{
    QMutexLocker lock(&m_mutex);
    return m_keyboard->typeText(text);
}

void X11Desktop::releaseAll()
{
    QMutexLocker lock(&m_mutex);
    for (const int button : m_buttonsDown)
        XTestFakeButtonEvent(m_connection->display(), unsigned(button), False, CurrentTime);
    m_buttonsDown.clear();
    m_keyboard->releaseAll();
}

} // namespace tandem::x11
