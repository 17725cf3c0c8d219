#pragma once

#include "base/error.h"

#include <QRect>

#include <opencv2/core/mat.hpp>

using XImage = struct _XImage;

namespace tandem::x11 {

class X11Connection;

// Copies screen pixels into BGR matrices. Uses a MIT-SHM segment the server writes into
// directly when the server is local; falls back to XGetImage (a copy through the socket) when
// shared memory is refused, as it is on a remote display.
class X11ScreenCapture
{
public:
    explicit X11ScreenCapture(X11Connection &connection);
    ~X11ScreenCapture();

    X11ScreenCapture(const X11ScreenCapture &) = delete;
    X11ScreenCapture &operator=(const X11ScreenCapture &) = delete;

    base::Result<cv::Mat> capture(const QRect &area);
    bool usesSharedMemory() const { return m_sharedMemoryWorks; }

private:
    bool prepareSharedImage(QSize size);
    void releaseSharedImage();
    base::Result<cv::Mat> convert(const XImage *image) const;

    X11Connection &m_connection;
    bool m_sharedMemoryWorks = false;
    XImage *m_sharedImage = nullptr;
    struct SharedSegment;
    std::unique_ptr<SharedSegment> m_segment;
};

} // namespace tandem::x11
