// A small X11 program for the computer-use tests: a white window with one red square that
// records what it receives. Every button press is appended to the event log as
// "click <button> <root x> <root y> <modifier state>"; typed text is kept like a one-line text
// field (ctrl+a selects all, shift+Home selects to the start, BackSpace deletes) and rewritten to
// the text file after each change. It writes "ready" once it is on screen.
//
//   probewindow --log L --text T [--geometry WxH+X+Y] [--square X,Y,SIZE] [--title NAME]

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>

#include <clocale>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

struct Options
{
    std::string log;
    std::string text;
    std::string title = "Tandem probe";
    int x = 0, y = 0, width = 640, height = 480;
    int squareX = -1, squareY = -1, squareSize = 24;
};

Options parse(int argc, char **argv)
{
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string name = argv[i];
        const char *value = argv[i + 1];
        if (name == "--log")
            options.log = value;
        else if (name == "--text")
            options.text = value;
        else if (name == "--title")
            options.title = value;
        else if (name == "--geometry")
            std::sscanf(value, "%dx%d+%d+%d", &options.width, &options.height, &options.x,
                        &options.y);
        else if (name == "--square")
            std::sscanf(value, "%d,%d,%d", &options.squareX, &options.squareY, &options.squareSize);
    }
    return options;
}

class Probe
{
public:
    Probe(Display *display, Options options)
        : m_display(display)
        , m_options(std::move(options))
    {}

    bool open();
    void run();

private:
    void name();
    void paint();
    void mark(int x, int y);
    void key(XKeyEvent &event);
    void edit(KeySym symbol, unsigned int state, const std::string &typed);
    void logLine(const std::string &line);
    void saveText();

    Display *m_display;
    Options m_options;
    Window m_window = 0;
    XIC m_context = nullptr;
    std::string m_text;
    bool m_allSelected = false;
};

bool Probe::open()
{
    const int screen = DefaultScreen(m_display);
    m_window =
        XCreateSimpleWindow(m_display, RootWindow(m_display, screen), m_options.x, m_options.y,
                            unsigned(m_options.width), unsigned(m_options.height), 0,
                            BlackPixel(m_display, screen), WhitePixel(m_display, screen));
    name();
    XSelectInput(m_display, m_window,
                 ExposureMask | ButtonPressMask | KeyPressMask | StructureNotifyMask);

    XIM method = XOpenIM(m_display, nullptr, nullptr, nullptr);
    if (method)
        m_context = XCreateIC(method, XNInputStyle, XIMPreeditNothing | XIMStatusNothing,
                              XNClientWindow, m_window, XNFocusWindow, m_window, nullptr);
    if (!m_context) {
        std::fprintf(stderr, "probewindow: no input context (is the locale UTF-8?)\n");
        return false;
    }
    XMapWindow(m_display, m_window);
    return true;
}

void Probe::name()
{
    XClassHint hint;
    hint.res_name = const_cast<char *>("probewindow");
    hint.res_class = const_cast<char *>("TandemProbe");
    XSetClassHint(m_display, m_window, &hint);
    XStoreName(m_display, m_window, m_options.title.c_str());
    const Atom utf8 = XInternAtom(m_display, "UTF8_STRING", False);
    XChangeProperty(m_display, m_window, XInternAtom(m_display, "_NET_WM_NAME", False), utf8, 8,
                    PropModeReplace,
                    reinterpret_cast<const unsigned char *>(m_options.title.c_str()),
                    int(m_options.title.size()));
    const long pid = long(getpid());
    XChangeProperty(m_display, m_window, XInternAtom(m_display, "_NET_WM_PID", False), XA_CARDINAL,
                    32, PropModeReplace, reinterpret_cast<const unsigned char *>(&pid), 1);
}

void Probe::paint()
{
    if (m_options.squareX < 0)
        return;
    const int screen = DefaultScreen(m_display);
    GC gc = XCreateGC(m_display, m_window, 0, nullptr);
    XColor red, exact;
    XAllocNamedColor(m_display, DefaultColormap(m_display, screen), "red", &red, &exact);
    XSetForeground(m_display, gc, red.pixel);
    XFillRectangle(m_display, m_window, gc, m_options.squareX, m_options.squareY,
                   unsigned(m_options.squareSize), unsigned(m_options.squareSize));
    XFreeGC(m_display, gc);
    XFlush(m_display);
}

// A blue dot where a click landed, so the screen changes the way an application's would.
void Probe::mark(int x, int y)
{
    const int screen = DefaultScreen(m_display);
    GC gc = XCreateGC(m_display, m_window, 0, nullptr);
    XColor blue, exact;
    XAllocNamedColor(m_display, DefaultColormap(m_display, screen), "blue", &blue, &exact);
    XSetForeground(m_display, gc, blue.pixel);
    XFillRectangle(m_display, m_window, gc, x - 2, y - 2, 5, 5);
    XFreeGC(m_display, gc);
    XFlush(m_display);
}

void Probe::logLine(const std::string &line)
{
    std::ofstream out(m_options.log, std::ios::app);
    out << line << '\n';
}

void Probe::saveText()
{
    // Written whole to a new file and renamed over the old, so a reader never sees half.
    const std::string temporary = m_options.text + ".new";
    {
        std::ofstream out(temporary, std::ios::trunc | std::ios::binary);
        out << m_text;
    }
    std::rename(temporary.c_str(), m_options.text.c_str());
}

void Probe::edit(KeySym symbol, unsigned int state, const std::string &typed)
{
    const bool control = state & ControlMask;
    if (control && (symbol == XK_a || symbol == XK_A)) {
        m_allSelected = !m_text.empty();
        return;
    }
    if ((state & ShiftMask) && symbol == XK_Home) {
        m_allSelected = !m_text.empty();
        return;
    }
    if (symbol == XK_BackSpace) {
        if (m_allSelected)
            m_text.clear();
        // Drop one UTF-8 character: continuation bytes first, then its lead byte.
        while (!m_text.empty() && (static_cast<unsigned char>(m_text.back()) & 0xC0) == 0x80)
            m_text.pop_back();
        if (!m_text.empty() && !m_allSelected)
            m_text.pop_back();
        m_allSelected = false;
        saveText();
        return;
    }

    std::string insert = typed;
    if (symbol == XK_Return || symbol == XK_KP_Enter)
        insert = "\n";
    const bool printable =
        !insert.empty()
        && (insert == "\n" || insert == "\t" || static_cast<unsigned char>(insert[0]) >= 0x20);
    if (control || !printable)
        return;
    if (m_allSelected)
        m_text.clear();
    m_allSelected = false;
    m_text += insert;
    saveText();
}

void Probe::key(XKeyEvent &event)
{
    char buffer[64] = {};
    KeySym symbol = NoSymbol;
    Status status = 0;
    const int length =
        Xutf8LookupString(m_context, &event, buffer, sizeof(buffer) - 1, &symbol, &status);
    const std::string typed = length > 0 ? std::string(buffer, size_t(length)) : std::string();
    const char *symbolName = XKeysymToString(symbol);
    logLine("key " + std::string(symbolName ? symbolName : "?") + " "
            + std::to_string(event.state));
    edit(symbol, event.state, typed);
}

void Probe::run()
{
    bool ready = false;
    while (true) {
        XEvent event;
        XNextEvent(m_display, &event);
        if (XFilterEvent(&event, None))
            continue;
        switch (event.type) {
        case MapNotify:
            if (!ready) {
                ready = true;
                logLine("ready");
            }
            break;
        case Expose:
            paint();
            break;
        case ButtonPress:
            logLine("click " + std::to_string(event.xbutton.button) + " "
                    + std::to_string(event.xbutton.x_root) + " "
                    + std::to_string(event.xbutton.y_root) + " "
                    + std::to_string(event.xbutton.state));
            mark(event.xbutton.x, event.xbutton.y);
            break;
        case KeyPress:
            key(event.xkey);
            break;
        case MappingNotify:
            XRefreshKeyboardMapping(&event.xmapping);
            break;
        default:
            break;
        }
    }
}

} // namespace

int main(int argc, char **argv)
{
    std::setlocale(LC_ALL, "");
    XSetLocaleModifiers("@im=none");
    const Options options = parse(argc, argv);
    if (options.log.empty() || options.text.empty()) {
        std::fprintf(stderr, "usage: probewindow --log FILE --text FILE [--geometry WxH+X+Y] "
                             "[--square X,Y,SIZE] [--title NAME]\n");
        return 2;
    }
    Display *display = XOpenDisplay(nullptr);
    if (!display) {
        std::fprintf(stderr, "probewindow: cannot open the display\n");
        return 1;
    }

    Probe probe(display, options);
    if (!probe.open())
        return 1;
    probe.run();
}
