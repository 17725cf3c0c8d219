#include "x11/x11windowlist.h"

#include "x11/x11connection.h"

#include "x11/xlib.h"

namespace tandem::x11 {

namespace {

// Children of `window`, bottom to top.
std::vector<Window> childrenOf(Display *display, Window window, Window *parent = nullptr)
{
    Window root = 0, parentWindow = 0;
    Window *children = nullptr;
    unsigned int count = 0;
    std::vector<Window> list;
    if (XQueryTree(display, window, &root, &parentWindow, &children, &count)) {
        list.assign(children, children + count);
        if (children)
            XFree(children);
    }
    if (parent)
        *parent = parentWindow;
    return list;
}

QByteArray property(Display *display, Window window, const char *name, Atom type)
{
    const Atom atom = XInternAtom(display, name, False);
    Atom actualType = 0;
    int format = 0;
    unsigned long items = 0, after = 0;
    unsigned char *data = nullptr;
    const int status = XGetWindowProperty(display, window, atom, 0, 4096, False, type, &actualType,
                                          &format, &items, &after, &data);
    QByteArray bytes;
    if (status == Success && data && actualType == type) {
        const qsizetype unit = format == 32 ? qsizetype(sizeof(long)) : format / 8;
        bytes = QByteArray(reinterpret_cast<const char *>(data), qsizetype(items) * unit);
    }
    if (data)
        XFree(data);
    return bytes;
}

} // namespace

X11WindowList::X11WindowList(X11Connection &connection)
    : m_connection(connection)
{}

unsigned long X11WindowList::clientOf(unsigned long frame) const
{
    Display *display = m_connection.display();
    const Atom wmState = XInternAtom(display, "WM_STATE", False);
    if (!property(display, frame, "WM_STATE", wmState).isEmpty())
        return frame;
    // A window manager's frame holds the client one or two levels down.
    for (const Window child : childrenOf(display, frame)) {
        if (!property(display, child, "WM_STATE", wmState).isEmpty())
            return child;
        for (const Window grandchild : childrenOf(display, child)) {
            if (!property(display, grandchild, "WM_STATE", wmState).isEmpty())
                return grandchild;
        }
    }
    return frame;
}

QString X11WindowList::title(unsigned long window) const
{
    Display *display = m_connection.display();
    const QByteArray utf8 =
        property(display, window, "_NET_WM_NAME", XInternAtom(display, "UTF8_STRING", False));
    if (!utf8.isEmpty())
        return QString::fromUtf8(utf8);
    return QString::fromLatin1(property(display, window, "WM_NAME", XA_STRING));
}

QString X11WindowList::windowClass(unsigned long window) const
{
    XClassHint hint{};
    if (!XGetClassHint(m_connection.display(), window, &hint))
        return {};
    const QString name = QString::fromLocal8Bit(hint.res_class ? hint.res_class : "");
    XFree(hint.res_name);
    XFree(hint.res_class);
    return name;
}

qint64 X11WindowList::pid(unsigned long window) const
{
    const QByteArray value = property(m_connection.display(), window, "_NET_WM_PID", XA_CARDINAL);
    if (value.size() < qsizetype(sizeof(long)))
        return 0;
    return qint64(*reinterpret_cast<const long *>(value.constData()));
}

std::vector<computer::WindowInfo> X11WindowList::windows() const
{
    Display *display = m_connection.display();
    std::vector<computer::WindowInfo> list;
    for (const Window window : childrenOf(display, m_connection.root())) {
        XWindowAttributes attributes{};
        if (!XGetWindowAttributes(display, window, &attributes))
            continue;
        // Only what is on screen: toolkits keep unmapped helper windows with the same title.
        if (attributes.map_state != IsViewable || attributes.c_class != InputOutput)
            continue;

        const Window client = clientOf(window);
        const int border = attributes.border_width;
        list.push_back({quint64(window), title(client), windowClass(client), pid(client),
                        QRect(attributes.x + border, attributes.y + border, attributes.width,
                              attributes.height)});
    }
    m_connection.syncAndTakeError(); // a window may vanish between the calls
    return list;
}

unsigned long X11WindowList::topLevelOf(unsigned long window) const
{
    Display *display = m_connection.display();
    Window current = window;
    for (int depth = 0; depth < 64; ++depth) {
        Window parent = 0;
        childrenOf(display, current, &parent);
        if (parent == 0 || parent == m_connection.root())
            return current;
        current = parent;
    }
    return current;
}

std::optional<quint64> X11WindowList::focusedWindow() const
{
    Display *display = m_connection.display();
    Window focus = 0;
    int revert = 0;
    XGetInputFocus(display, &focus, &revert);

    // PointerRoot (no window manager, or one that focuses under the mouse): keys go to the
    // top-level window under the pointer.
    if (focus == PointerRoot) {
        Window root = 0, child = 0;
        int rootX = 0, rootY = 0, x = 0, y = 0;
        unsigned int mask = 0;
        XQueryPointer(display, m_connection.root(), &root, &child, &rootX, &rootY, &x, &y, &mask);
        focus = child;
    }
    if (focus == None || focus == m_connection.root())
        return std::nullopt;
    return quint64(topLevelOf(focus));
}

} // namespace tandem::x11
