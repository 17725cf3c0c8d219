#include "computer/screenshotencoder.h"

#include <QBuffer>
#include <QImage>

#include <opencv2/imgproc.hpp>

namespace tandem::computer {

namespace {

QByteArray encode(const cv::Mat &bgr, const char *format, int quality)
{
    const cv::Mat contiguous = bgr.isContinuous() ? bgr : bgr.clone();
    const QImage image(contiguous.data, contiguous.cols, contiguous.rows,
                       qsizetype(contiguous.step), QImage::Format_BGR888);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format, quality);
    return bytes;
}

} // namespace

cv::Mat ScreenshotEncoder::resized(const cv::Mat &bgr, QSize size)
{
    if (bgr.cols == size.width() && bgr.rows == size.height())
        return bgr;

    cv::Mat out;
    const bool shrinking = size.width() < bgr.cols;
    cv::resize(bgr, out, cv::Size(size.width(), size.height()), 0, 0,
               shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
    return out;
}

QByteArray ScreenshotEncoder::png(const cv::Mat &bgr)
{
    // Qt maps quality to zlib's level inversely; 80 is level 1, several times faster than the
    // default and only slightly larger on screen content.
    return encode(bgr, "PNG", 80);
}

QByteArray ScreenshotEncoder::thumbnail(const cv::Mat &bgr, int width)
{
    if (bgr.empty() || width <= 0)
        return {};
    const int height = std::max(1, bgr.rows * width / bgr.cols);
    return encode(resized(bgr, QSize(width, height)), "JPEG", 60);
}

} // namespace tandem::computer
