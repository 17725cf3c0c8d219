#pragma once

#include <QByteArray>
#include <QSize>

#include <opencv2/core/mat.hpp>

namespace tandem::computer {

// Turns captured BGR frames into what the model and the audit log receive. Qt's codecs do
// the encoding, so core needs no OpenCV image codecs (and the libraries they pull in).
class ScreenshotEncoder
{
public:
    // The frame resized to `size` (area averaging when shrinking).
    static cv::Mat resized(const cv::Mat &bgr, QSize size);
    // PNG with light compression: exact pixels for the model, fast to write.
    static QByteArray png(const cv::Mat &bgr);
    // A small JPEG for the audit log, `width` pixels wide.
    static QByteArray thumbnail(const cv::Mat &bgr, int width);
};

} // namespace tandem::computer
