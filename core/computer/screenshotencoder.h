#pragma once

#include <QByteArray>
#include <QSize>

#include <opencv2/core/mat.hpp>

namespace tandem::computer {

// Turns captured BGR frames into what the model and the audit log receive: PNG through zlib,
// JPEG thumbnails through Qt, so core needs no OpenCV image codecs (and what they pull in).
class ScreenshotEncoder
{
public:
    // The frame resized to `size`.
    static cv::Mat resized(const cv::Mat &bgr, QSize size);
    // PNG: exact pixels for the model, written for speed rather than the smallest file.
    static QByteArray png(const cv::Mat &bgr);
    // A small JPEG for the audit log, `width` pixels wide.
    static QByteArray thumbnail(const cv::Mat &bgr, int width);
};

} // namespace tandem::computer
