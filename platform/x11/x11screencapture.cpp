#include "x11/x11screencapture.h"

#include "x11/x11connection.h"

#include <QLoggingCategory>

#include "x11/xlib.h"
#include <sys/ipc.h>
#include <sys/shm.h>

namespace tandem::x11 {

Q_DECLARE_LOGGING_CATEGORY(lcX11)

struct X11ScreenCapture::SharedSegment
{
    XShmSegmentInfo info{};
};

X11ScreenCapture::X11ScreenCapture(X11Connection &connection)
    : m_connection(connection)
    , m_sharedMemoryWorks(XShmQueryExtension(connection.display()))
{}

X11ScreenCapture::~X11ScreenCapture()
{
    releaseSharedImage();
}

void X11ScreenCapture::releaseSharedImage()
{
    if (!m_sharedImage)
        return;
    XShmDetach(m_connection.display(), &m_segment->info);
    m_connection.syncAndTakeError();
    XDestroyImage(m_sharedImage);
    shmdt(m_segment->info.shmaddr);
    m_sharedImage = nullptr;
    m_segment.reset();
}

bool X11ScreenCapture::prepareSharedImage(QSize size)
{
    if (m_sharedImage && m_sharedImage->width == size.width()
        && m_sharedImage->height == size.height())
        return true;
    releaseSharedImage();

    Display *display = m_connection.display();
    const int screen = DefaultScreen(display);
    m_segment = std::make_unique<SharedSegment>();
    m_sharedImage = XShmCreateImage(
        display, DefaultVisual(display, screen), unsigned(DefaultDepth(display, screen)), ZPixmap,
        nullptr, &m_segment->info, unsigned(size.width()), unsigned(size.height()));
    if (!m_sharedImage)
        return false;

    const size_t bytes = size_t(m_sharedImage->bytes_per_line) * size_t(size.height());
    m_segment->info.shmid = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
    m_segment->info.shmaddr = m_sharedImage->data =
        static_cast<char *>(m_segment->info.shmid >= 0 ? shmat(m_segment->info.shmid, nullptr, 0)
                                                       : reinterpret_cast<void *>(-1));
    if (m_segment->info.shmaddr == reinterpret_cast<char *>(-1)) {
        m_sharedImage->data = nullptr;
        XDestroyImage(m_sharedImage);
        m_sharedImage = nullptr;
        if (m_segment->info.shmid >= 0)
            shmctl(m_segment->info.shmid, IPC_RMID, nullptr);
        return false;
    }

    m_segment->info.readOnly = False;
    XShmAttach(display, &m_segment->info);
    const bool attached = m_connection.syncAndTakeError() == 0;
    // Marked for removal now, so the segment goes away with the last detach even on a crash.
    shmctl(m_segment->info.shmid, IPC_RMID, nullptr);
    if (!attached) {
        XDestroyImage(m_sharedImage);
        shmdt(m_segment->info.shmaddr);
        m_sharedImage = nullptr;
    }
    return attached;
}

base::Result<cv::Mat> X11ScreenCapture::convert(const XImage *image) const
{
    const bool bgrx = image->bits_per_pixel == 32 && image->red_mask == 0xff0000
                      && image->green_mask == 0xff00 && image->blue_mask == 0xff
                      && image->byte_order == LSBFirst;
    if (!bgrx)
        return base::fail(QStringLiteral("unsupported_visual"),
                          QStringLiteral("The screen's pixel format (%1 bits per pixel) is not "
                                         "supported; run the X server at depth 24.")
                              .arg(image->bits_per_pixel));

    const cv::Mat wrapped(image->height, image->width, CV_8UC4, image->data,
                          size_t(image->bytes_per_line));
    cv::Mat bgr;
    cv::cvtColor(wrapped, bgr, cv::COLOR_BGRA2BGR);
    return bgr;
}

base::Result<cv::Mat> X11ScreenCapture::capture(const QRect &area)
{
    if (area.isEmpty())
        return base::fail(QStringLiteral("bad_area"), QStringLiteral("Nothing to capture."));

    Display *display = m_connection.display();
    if (m_sharedMemoryWorks && prepareSharedImage(area.size())) {
        XShmGetImage(display, m_connection.root(), m_sharedImage, area.x(), area.y(), AllPlanes);
        if (m_connection.syncAndTakeError() == 0)
            return convert(m_sharedImage);
    }
    if (m_sharedMemoryWorks) {
        qCWarning(lcX11) << "shared-memory capture failed; copying through the socket instead";
        m_sharedMemoryWorks = false;
        releaseSharedImage();
    }

    XImage *image = XGetImage(display, m_connection.root(), area.x(), area.y(),
                              unsigned(area.width()), unsigned(area.height()), AllPlanes, ZPixmap);
    m_connection.syncAndTakeError();
    if (!image)
        return base::fail(QStringLiteral("capture_failed"),
                          QStringLiteral("The screen area %1,%2 %3x%4 could not be read.")
                              .arg(area.x())
                              .arg(area.y())
                              .arg(area.width())
                              .arg(area.height()));
    auto frame = convert(image);
    XDestroyImage(image);
    return frame;
}

} // namespace tandem::x11
