#include "computer/screensettledetector.h"

#include <QtTest>

#include <thread>

using namespace tandem;
using computer::ScreenSettleDetector;
using computer::SettleOptions;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// A screen that animates for `busy` after it was created and is still afterwards; `blink`
// makes one pixel change on every frame forever.
class FakeScreen
{
public:
    FakeScreen(milliseconds busy, bool blink = false)
        : m_start(Clock::now())
        , m_busy(busy)
        , m_blink(blink)
    {}

    base::Result<cv::Mat> grab()
    {
        cv::Mat frame(120, 160, CV_8UC3, cv::Scalar(255, 255, 255));
        const bool animating = Clock::now() - m_start < m_busy;
        if (animating || m_blink)
            frame.at<cv::Vec3b>(10, m_frames % 100) = cv::Vec3b(0, 0, 0);
        ++m_frames;
        return frame;
    }

private:
    Clock::time_point m_start;
    milliseconds m_busy;
    bool m_blink;
    int m_frames = 0;
};

// A screen that reacts late: unchanged for `delay`, then a block turns black and stays.
base::Result<cv::Mat> lateFrame(Clock::time_point start, milliseconds delay)
{
    cv::Mat frame(120, 160, CV_8UC3, cv::Scalar(255, 255, 255));
    if (Clock::now() - start >= delay)
        frame(cv::Rect(10, 10, 20, 20)).setTo(cv::Scalar(0, 0, 0));
    return frame;
}

} // namespace

class tst_ScreenSettleDetector : public QObject
{
    Q_OBJECT

private slots:
    void stillScreenSettlesAfterTheStablePeriod();
    void waitsOutAnAnimation_data();
    void waitsOutAnAnimation();
    void endlessChangeStopsAtTheCeiling();
    void cancelEndsTheWaitAtOnce();
    void smallNoiseIsNotChange();
    void reactionWindowWaitsForALateRepaint_data();
    void reactionWindowWaitsForALateRepaint();
    void earlyReactionNeedsNoWindow();
};

void tst_ScreenSettleDetector::reactionWindowWaitsForALateRepaint_data()
{
    QTest::addColumn<int>("windowMs");
    QTest::addColumn<bool>("seesTheRepaint");
    QTest::newRow("stable period alone") << 0 << false;
    QTest::newRow("300 ms window") << 300 << true;
}

void tst_ScreenSettleDetector::reactionWindowWaitsForALateRepaint()
{
    QFETCH(int, windowMs);
    QFETCH(bool, seesTheRepaint);
    SettleOptions options;
    options.reactionWindow = milliseconds(windowMs);
    const ScreenSettleDetector detector(options);

    // The application starts to repaint 150 ms after the action, later than the stable period.
    const auto start = Clock::now();
    const auto result =
        detector.waitUntilStill([&] { return lateFrame(start, milliseconds(150)); }, {});
    QVERIFY(result.has_value());
    QVERIFY(result->settled);
    QCOMPARE(result->changed, seesTheRepaint);
    QCOMPARE(result->lastFrame.at<cv::Vec3b>(15, 15) == cv::Vec3b(0, 0, 0), seesTheRepaint);
}

void tst_ScreenSettleDetector::earlyReactionNeedsNoWindow()
{
    SettleOptions options;
    options.reactionWindow = milliseconds(1000);
    const ScreenSettleDetector detector(options);

    // The application reacted before the first look: the frame from before the action shows
    // it, and the wait is the stable period alone, not the reaction window.
    const auto start = Clock::now() - milliseconds(500);
    const cv::Mat before(120, 160, CV_8UC3, cv::Scalar(255, 255, 255));
    const auto result =
        detector.waitUntilStill([&] { return lateFrame(start, milliseconds(150)); }, {}, before);
    QVERIFY(result.has_value());
    QVERIFY(result->settled);
    QVERIFY2(result->elapsed < milliseconds(600),
             qPrintable(QString::number(result->elapsed.count())));
}

void tst_ScreenSettleDetector::stillScreenSettlesAfterTheStablePeriod()
{
    FakeScreen screen(milliseconds(0));
    const ScreenSettleDetector detector;
    const auto result = detector.waitUntilStill([&] { return screen.grab(); }, {});
    QVERIFY(result.has_value());
    QVERIFY(result->settled);
    QVERIFY(!result->changed);
    const SettleOptions options;
    QVERIFY(result->elapsed >= options.firstLook + options.stablePeriod);
    // Far below the ceiling; loose enough for a loaded machine.
    QVERIFY2(result->elapsed < options.firstLook + options.stablePeriod + milliseconds(250),
             qPrintable(QString::number(result->elapsed.count())));
    QCOMPARE(result->lastFrame.cols, 160);
}

void tst_ScreenSettleDetector::waitsOutAnAnimation_data()
{
    QTest::addColumn<int>("busyMs");
    QTest::newRow("150 ms") << 150;
    QTest::newRow("400 ms") << 400;
}

void tst_ScreenSettleDetector::waitsOutAnAnimation()
{
    QFETCH(int, busyMs);
    FakeScreen screen{milliseconds(busyMs)};
    const ScreenSettleDetector detector;
    const auto result = detector.waitUntilStill([&] { return screen.grab(); }, {});
    QVERIFY(result.has_value());
    QVERIFY(result->settled);
    QVERIFY(result->changed);
    const SettleOptions options;
    QVERIFY(result->elapsed >= milliseconds(busyMs) + options.stablePeriod);
    QVERIFY2(result->elapsed < milliseconds(busyMs) + options.stablePeriod + milliseconds(250),
             qPrintable(QString::number(result->elapsed.count())));
}

void tst_ScreenSettleDetector::endlessChangeStopsAtTheCeiling()
{
    FakeScreen screen(milliseconds(0), true);
    SettleOptions options;
    options.ceiling = milliseconds(300);
    const ScreenSettleDetector detector(options);
    const auto result = detector.waitUntilStill([&] { return screen.grab(); }, {});
    QVERIFY(result.has_value());
    QVERIFY(!result->settled);
    QVERIFY(result->elapsed >= milliseconds(300) && result->elapsed < milliseconds(600));
}

void tst_ScreenSettleDetector::cancelEndsTheWaitAtOnce()
{
    FakeScreen screen(milliseconds(0), true);
    const ScreenSettleDetector detector;
    base::CancelToken stop;
    std::thread user([&] {
        std::this_thread::sleep_for(milliseconds(100));
        stop.cancel();
    });
    const auto start = Clock::now();
    const auto result = detector.waitUntilStill([&] { return screen.grab(); }, stop);
    user.join();
    QVERIFY(result.has_value());
    QVERIFY(result->cancelled);
    QVERIFY(Clock::now() - start < milliseconds(200));
}

void tst_ScreenSettleDetector::smallNoiseIsNotChange()
{
    const ScreenSettleDetector detector;
    cv::Mat a(50, 50, CV_8UC3, cv::Scalar(100, 100, 100));
    cv::Mat b = a.clone();
    b.at<cv::Vec3b>(5, 5) = cv::Vec3b(104, 100, 97); // dithering, under the threshold
    QVERIFY(!detector.differ(a, b));
    b.at<cv::Vec3b>(6, 6) = cv::Vec3b(160, 100, 100); // a caret
    QVERIFY(detector.differ(a, b));
    QVERIFY(detector.differ(a, cv::Mat(40, 50, CV_8UC3, cv::Scalar(100, 100, 100))));
}

QTEST_GUILESS_MAIN(tst_ScreenSettleDetector)
#include "tst_screensettledetector.moc"
