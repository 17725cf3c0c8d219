#include "computer/screensettledetector.h"

#include "computer/pause.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace tandem::computer {

ScreenSettleDetector::ScreenSettleDetector(SettleOptions options)
    : m_options(options)
{}

bool ScreenSettleDetector::differ(const cv::Mat &a, const cv::Mat &b) const
{
    if (a.size() != b.size() || a.type() != b.type())
        return true;

    cv::Mat difference;
    cv::absdiff(a, b, difference);
    cv::Mat changed;
    cv::threshold(difference.reshape(1), changed, m_options.pixelThreshold, 255, cv::THRESH_BINARY);
    return cv::countNonZero(changed) > m_options.changedValuesAllowed;
}

base::Result<SettleResult> ScreenSettleDetector::waitUntilStill(const FrameSource &grab,
                                                                const base::CancelToken &cancel,
                                                                const cv::Mat &before) const
{
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    };

    SettleResult result;
    if (!pauseFor(m_options.firstLook, cancel)) {
        result.cancelled = true;
        return result;
    }

    auto first = grab();
    if (!first)
        return std::unexpected(first.error());
    cv::Mat previous = *first;
    result.frames = 1;
    const bool reactedAtOnce = !before.empty() && differ(before, previous);
    auto lastChange = Clock::now();

    while (true) {
        const bool reacted =
            reactedAtOnce || result.changed || elapsed() >= m_options.reactionWindow;
        if (reacted && Clock::now() - lastChange >= m_options.stablePeriod) {
            result.settled = true;
            break;
        }
        if (elapsed() >= m_options.ceiling)
            break;
        if (!pauseFor(m_options.pollInterval, cancel)) {
            result.cancelled = true;
            break;
        }

        auto frame = grab();
        if (!frame)
            return std::unexpected(frame.error());
        ++result.frames;
        if (differ(previous, *frame)) {
            lastChange = Clock::now();
            result.changed = true;
        }
        previous = *frame;
    }

    result.elapsed = elapsed();
    result.lastFrame = previous;
    return result;
}

} // namespace tandem::computer
