#include "../computer/xvfbserver.h"

#include "computer/computertool.h"
#include "ui/actionoverlay.h"
#include "ui/computermonitor.h"
#include "x11/x11desktop.h"

#include <QDir>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace tandem;
using nlohmann::json;

namespace {

bool hasActionColourNear(const QImage &image, QPoint centre)
{
    const QImage pixels = image.convertToFormat(QImage::Format_RGB32);
    for (int dy = -16; dy <= 16; ++dy) {
        for (int dx = -16; dx <= 16; ++dx) {
            const QPoint p = centre + QPoint(dx, dy);
            if (!pixels.rect().contains(p))
                continue;
            const QColor c = pixels.pixelColor(p);
            // The overlay's orange, which neither the probe's red nor its blue is.
            if (c.red() > 230 && c.green() > 110 && c.green() < 170 && c.blue() < 40)
                return true;
        }
    }
    return false;
}

} // namespace

// The monitor pane fed by the real computer tool on a private Xvfb, steps arriving from the
// tool's thread as they do in the window.
class tst_ComputerMonitor : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void showsEachStepWithItsAction();
    void drawsDragsAndTyping();
    void stopButtonEndsARunningWait();

private:
    QTemporaryDir m_dir;
    computertesting::XvfbServer m_server;
    std::unique_ptr<computertesting::ProbeWindow> m_probe;
    std::unique_ptr<x11::X11Desktop> m_desktop;
};

void tst_ComputerMonitor::initTestCase()
{
    QString error;
    QVERIFY2(m_server.start(QSize(1280, 800), &error), qPrintable(error));
    m_probe = std::make_unique<computertesting::ProbeWindow>(m_dir.path(), QStringLiteral("p"));
    QVERIFY2(m_probe->start(m_server, QRect(0, 0, 1280, 800), QRect(600, 380, 40, 40), &error),
             qPrintable(error));
    auto desktop = x11::X11Desktop::open(m_server.display());
    QVERIFY(desktop.has_value());
    m_desktop = std::move(*desktop);
}

void tst_ComputerMonitor::showsEachStepWithItsAction()
{
    ui::ComputerMonitor monitor;
    monitor.resize(900, 700);
    monitor.show();
    computer::ComputerTool tool(*m_desktop, {});
    tool.setStepObserver(monitor.observer());

    std::thread agent([&] {
        tool.run({{"action", "left_click"}, {"coordinate", {620, 400}}}, {});
        tool.run({{"action", "left_click"}, {"coordinate", {5000, 10}}}, {});
    });
    agent.join();
    QTRY_COMPARE(monitor.stepCount(), 2);
    // Physical pixels whatever Qt's own scale factor (this test also runs at 2).
    QCOMPARE(m_probe->waitForClicks(1), QStringList({"1 620 400 0"}));

    // The refused click leaves the last good screenshot in place, with its ring.
    const QImage shown = monitor.shownScreenshot();
    QCOMPARE(shown.size(), tool.scaling().declaredSize());
    QVERIFY(hasActionColourNear(shown, QPoint(620, 400)));
    QVERIFY(!hasActionColourNear(shown, QPoint(100, 100)));

    const QString folder = QStringLiteral(TANDEM_BINARY_DIR "/tests/screenshots");
    QDir().mkpath(folder);
    QVERIFY(monitor.grab().save(folder + QStringLiteral("/computermonitor.png")));
}

void tst_ComputerMonitor::drawsDragsAndTyping()
{
    computer::ComputerStep drag;
    drag.input = {{"action", "left_click_drag"}};
    drag.points = {QPoint(100, 100), QPoint(300, 100)};
    drag.screenshot = QImage(400, 300, QImage::Format_RGB32);
    drag.screenshot.fill(Qt::white);
    const QImage dragged = ui::ActionOverlay::draw(drag);
    QVERIFY(hasActionColourNear(dragged, QPoint(200, 100))); // the path between the points
    QVERIFY(!hasActionColourNear(dragged, QPoint(200, 250)));
    QCOMPARE(ui::ActionOverlay::describe(drag),
             QStringLiteral("left_click_drag (100, 100) → (300, 100)"));

    computer::ComputerStep typed;
    typed.input = {{"action", "type"}, {"text", "hello"}};
    typed.screenshot = drag.screenshot;
    const QImage caption = ui::ActionOverlay::draw(typed);
    QVERIFY(caption.pixelColor(5, 295) != QColor(Qt::white)); // the caption band
    QCOMPARE(ui::ActionOverlay::describe(typed), QStringLiteral("type \"hello\""));
}

void tst_ComputerMonitor::stopButtonEndsARunningWait()
{
    ui::ComputerMonitor monitor;
    monitor.show();
    computer::ComputerTool tool(*m_desktop, {});
    base::CancelToken loop;
    QObject::connect(&monitor, &ui::ComputerMonitor::stopRequested, &monitor,
                     [loop] { loop.cancel(); });
    QSignalSpy stops(&monitor, &ui::ComputerMonitor::stopRequested);

    std::atomic<bool> done = false;
    std::chrono::steady_clock::time_point finishedAt;
    std::thread agent([&] {
        tool.run({{"action", "wait"}, {"duration", 20}}, loop);
        finishedAt = std::chrono::steady_clock::now();
        done = true;
    });
    QTest::qWait(100);
    const auto pressedAt = std::chrono::steady_clock::now();
    QTest::mouseClick(monitor.findChild<QPushButton *>(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), 2000);
    agent.join();

    QCOMPARE(stops.count(), 1);
    const auto late =
        std::chrono::duration_cast<std::chrono::milliseconds>(finishedAt - pressedAt).count();
    QVERIFY2(late < 100, qPrintable(QString::number(late)));
}

QTEST_MAIN(tst_ComputerMonitor)
#include "tst_computermonitor.moc"
