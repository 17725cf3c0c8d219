#pragma once

#include "base/canceltoken.h"
#include "base/error.h"

#include <opencv2/core/mat.hpp>

#include <chrono>
#include <functional>

namespace tandem::computer {

struct SettleOptions
{
    // Before the first look: an application needs a moment to start reacting to input.
    std::chrono::milliseconds firstLook{15};
    // A look costs about 5 ms at 1920x1080 (capture and compare), so this keeps one core
    // about half busy while waiting, and only then.
    std::chrono::milliseconds pollInterval{10};
    // No change for this long counts as settled: four frames at 60 Hz, long enough for an
    // application's repaint that follows another (a menu after its shadow).
    std::chrono::milliseconds stablePeriod{60};
    // While nothing has changed yet (and the first frame still matches the one from before
    // the action), the screen counts as still only after this long: a busy application (a
    // browser on a loaded machine) can start to repaint well after the stable period. Zero
    // trusts the stable period alone.
    std::chrono::milliseconds reactionWindow{0};
    // Give up waiting (an animation, a blinking caret) and go on with the latest frame.
    std::chrono::milliseconds ceiling{2000};
    // A channel value must move by more than this to count, so dithering is not change.
    int pixelThreshold = 10;
    // Changed values allowed between two frames that are still "the same".
    int changedValuesAllowed = 0;
};

struct SettleResult
{
    bool settled = false; // false: the ceiling was reached first
    bool cancelled = false;
    bool changed = false; // any frame differed from the first one looked at
    int frames = 0;
    std::chrono::milliseconds elapsed{0};
    cv::Mat lastFrame; // the newest frame, ready to be sent as the next screenshot
};

// Waits after an action until the screen stops changing, instead of sleeping a fixed time:
// frames are compared with OpenCV and the wait ends after a stable period, at a ceiling, or
// as soon as the user stops the loop.
class ScreenSettleDetector
{
public:
    using FrameSource = std::function<base::Result<cv::Mat>()>;

    explicit ScreenSettleDetector(SettleOptions options = {});

    // `before` is the screen as it was before the action, when known: a first frame that
    // differs from it shows the application has reacted already.
    base::Result<SettleResult> waitUntilStill(const FrameSource &grab,
                                              const base::CancelToken &cancel,
                                              const cv::Mat &before = {}) const;
    bool differ(const cv::Mat &a, const cv::Mat &b) const;
    const SettleOptions &options() const { return m_options; }

private:
    SettleOptions m_options;
};

} // namespace tandem::computer
