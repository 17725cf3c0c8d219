#include "x11/x11monitorlist.h"

#include "x11/x11connection.h"

#include "x11/xlib.h"

namespace tandem::x11 {

X11MonitorList::X11MonitorList(X11Connection &connection)
    : m_connection(connection)
{
    int event = 0, error = 0, major = 0, minor = 0;
    m_available = XRRQueryExtension(connection.display(), &event, &error)
                  && XRRQueryVersion(connection.display(), &major, &minor)
                  && (major > 1 || (major == 1 && minor >= 5));
}

std::vector<computer::Monitor> X11MonitorList::monitors() const
{
    std::vector<computer::Monitor> list;
    if (!m_available)
        return list;

    Display *display = m_connection.display();
    int count = 0;
    XRRMonitorInfo *infos = XRRGetMonitors(display, m_connection.root(), True, &count);
    for (int i = 0; i < count; ++i) {
        char *name = XGetAtomName(display, infos[i].name);
        list.push_back({QString::fromLatin1(name ? name : ""),
                        QRect(infos[i].x, infos[i].y, infos[i].width, infos[i].height),
                        bool(infos[i].primary)});
        if (name)
            XFree(name);
    }
    if (infos)
        XRRFreeMonitors(infos);
    return list;
}

} // namespace tandem::x11
