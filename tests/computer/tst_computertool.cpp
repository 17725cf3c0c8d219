#include "xvfbserver.h"

#include "approval/approvaldesk.h"
#include "approval/standinganswer.h"
#include "audit/auditlog.h"
#include "computer/approvaldeskgate.h"
#include "computer/approvalgate.h"
#include "computer/computertool.h"
#include "x11/x11desktop.h"

#include <QImage>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgproc.hpp>

#include <thread>

using namespace tandem;
using computertesting::ProbeWindow;
using computertesting::XvfbServer;
using nlohmann::json;

namespace {

// One private X server with the probe window on it, and the desktop the tool drives.
struct Rig
{
    QTemporaryDir dir;
    XvfbServer server;
    std::unique_ptr<ProbeWindow> probe;
    std::unique_ptr<x11::X11Desktop> desktop;

    quint64 probeWindow() const
    {
        for (const auto &window : desktop->windows()) {
            if (window.windowClass == QStringLiteral("TandemProbe"))
                return window.id;
        }
        return 0;
    }
};

std::unique_ptr<Rig> startRig(QSize screen, QRect probe, QRect square)
{
    auto rig = std::make_unique<Rig>();
    QString error;
    if (!rig->server.start(screen, &error))
        qFatal("%s", qPrintable(error));
    rig->probe = std::make_unique<ProbeWindow>(rig->dir.path(), QStringLiteral("probe"));
    if (!rig->probe->start(rig->server, probe, square, &error))
        qFatal("%s", qPrintable(error));
    auto desktop = x11::X11Desktop::open(rig->server.display());
    if (!desktop)
        qFatal("%s", qPrintable(desktop.error().message));
    rig->desktop = std::move(*desktop);
    return rig;
}

QImage decode(const tools::ToolOutput &output)
{
    return QImage::fromData(QByteArray::fromBase64(QByteArray::fromStdString(output.imageBase64)),
                            "PNG");
}

// Where the model would click: the centre of the red square it finds in the screenshot.
std::optional<QPoint> findRedSquare(const QImage &screenshot)
{
    const QImage rgb = screenshot.convertToFormat(QImage::Format_RGB888);
    const cv::Mat image(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar *>(rgb.constBits()),
                        size_t(rgb.bytesPerLine()));
    cv::Mat mask;
    cv::inRange(image, cv::Scalar(200, 0, 0), cv::Scalar(255, 80, 80), mask);
    const cv::Rect box = cv::boundingRect(mask);
    if (box.empty())
        return std::nullopt;
    return QPoint(box.x + box.width / 2, box.y + box.height / 2);
}

tools::ToolOutput act(computer::ComputerTool &tool, json input,
                      const base::CancelToken &cancel = {})
{
    return tool.run(input, cancel);
}

computer::ComputerToolOptions confinedTo(quint64 window)
{
    computer::ComputerToolOptions options;
    options.targetWindow = window;
    return options;
}

computer::ComputerToolOptions onMonitor(const QString &name)
{
    computer::ComputerToolOptions options;
    options.monitor = name;
    return options;
}

computer::ComputerToolOptions withVersion(const QString &version)
{
    computer::ComputerToolOptions options;
    options.version = version;
    return options;
}

class RecordingGate : public computer::ApprovalGate
{
public:
    explicit RecordingGate(bool answer)
        : m_answer(answer)
    {}

    base::Status approve(const QString &action, const QString &reason,
                         const base::CancelToken &) override
    {
        asked << action + QStringLiteral(": ") + reason;
        if (m_answer)
            return {};
        return base::fail(QStringLiteral("not_approved"), QStringLiteral("Not run."));
    }

    QStringList asked;

private:
    bool m_answer;
};

// Answers every question with one choice, and counts the questions.
class CountingApprover : public approval::Approver
{
public:
    explicit CountingApprover(approval::ApprovalAnswer::Choice choice)
        : m_choice(choice)
    {}

    approval::ApprovalAnswer ask(const approval::ApprovalRequest &request,
                                 const base::CancelToken &) override
    {
        asked << request.summary + QStringLiteral(": ") + request.reason;
        return {m_choice, QStringLiteral("not this window")};
    }

    QStringList asked;

private:
    approval::ApprovalAnswer::Choice m_choice;
};

} // namespace

// The computer tool end to end on real X servers: what the model is shown, where its clicks
// land, what it may not do, and how fast it stops.
class tst_ComputerTool : public QObject
{
    Q_OBJECT

private slots:
    void clicksLandOnWhatTheModelSaw_data();
    void clicksLandOnWhatTheModelSaw();
    void outOfRangeClickIsRefused();
    void secondMonitorOffsetIsApplied();
    void pointerActions();
    void keysAndTypingReachTheWindow();
    void confinedToTheChosenWindow();
    void riskyChordsNeedApproval();
    void riskyActionsAskThroughTheApprovalDesk();
    void stopEndsAWaitWithin100ms();
    void zoomShowsARegionLarger();
    void everyActionIsAudited();
    void unknownActionIsExplained();
    void unknownActionsAreBounded();
    void closedWindowStopsTheLoop();
};

void tst_ComputerTool::clicksLandOnWhatTheModelSaw_data()
{
    QTest::addColumn<QSize>("screen");
    QTest::newRow("2560x1440") << QSize(2560, 1440);
    QTest::newRow("1920x1200") << QSize(1920, 1200);
    QTest::newRow("3440x1440") << QSize(3440, 1440);
    QTest::newRow("1280x1024") << QSize(1280, 1024);
    QTest::newRow("3840x2160") << QSize(3840, 2160);
    QTest::newRow("1366x768") << QSize(1366, 768);
}

void tst_ComputerTool::clicksLandOnWhatTheModelSaw()
{
    QFETCH(QSize, screen);
    // A square somewhere new on every screen size, reproducible from the row's size.
    QRandomGenerator random(quint32(screen.width() * 7919 + screen.height()));
    const QRect square(random.bounded(screen.width() - 24), random.bounded(screen.height() - 24),
                       24, 24);
    auto rig = startRig(screen, QRect(QPoint(0, 0), screen), square);
    computer::ComputerTool tool(*rig->desktop, {});

    const json native = tool.spec().toJson(true);
    const QSize declared(native.at("display_width_px").get<int>(),
                         native.at("display_height_px").get<int>());
    const QImage shot = decode(act(tool, {{"action", "screenshot"}}));
    QCOMPARE(shot.size(), declared);
    QVERIFY(
        std::abs(double(shot.width()) / shot.height() - double(screen.width()) / screen.height())
        < 0.01);
    QVERIFY(shot.width() <= 1568 && shot.height() <= 1568);
    QVERIFY(double(shot.width()) * shot.height() / 750.0 <= 1600.0);

    const auto target = findRedSquare(shot);
    QVERIFY(target.has_value());
    const auto result =
        act(tool, {{"action", "left_click"}, {"coordinate", {target->x(), target->y()}}});
    QVERIFY2(!result.isError, result.text.c_str());

    const QStringList clicks = rig->probe->waitForClicks(1);
    QCOMPARE(clicks.size(), 1);
    const QStringList parts = clicks.first().split(u' ');
    const QPoint landed(parts[1].toInt(), parts[2].toInt());
    const int tolerance = (screen.width() + declared.width() - 1) / declared.width();
    QVERIFY2(square.adjusted(-tolerance, -tolerance, tolerance, tolerance).contains(landed),
             qPrintable(QStringLiteral("clicked %1,%2; square at %3,%4")
                            .arg(landed.x())
                            .arg(landed.y())
                            .arg(square.x())
                            .arg(square.y())));
}

void tst_ComputerTool::outOfRangeClickIsRefused()
{
    auto rig = startRig(QSize(2560, 1440), QRect(0, 0, 2560, 1440), QRect(10, 10, 24, 24));
    computer::ComputerTool tool(*rig->desktop, {});
    const int width = tool.scaling().declaredSize().width();

    const auto result = act(tool, {{"action", "left_click"}, {"coordinate", {width + 20, 10}}});
    QVERIFY(result.isError);
    QVERIFY(QString::fromStdString(result.text).contains(QStringLiteral("outside the screen")));
    QTest::qWait(300);
    QVERIFY(rig->probe->clicks().isEmpty());
}

void tst_ComputerTool::secondMonitorOffsetIsApplied()
{
    auto rig = startRig(QSize(1600, 600), QRect(0, 0, 1600, 600), QRect());
    rig->server.runClient(QStringLiteral("xrandr"),
                          {"--setmonitor", "left", "600/0x600/0+0+0", "none"});
    rig->server.runClient(QStringLiteral("xrandr"),
                          {"--setmonitor", "right", "1000/0x600/0+600+0", "none"});
    computer::ComputerTool tool(*rig->desktop, onMonitor(QStringLiteral("right")));
    QCOMPARE(tool.scaling().screenArea(), QRect(600, 0, 1000, 600));
    QCOMPARE(decode(act(tool, {{"action", "screenshot"}})).size(), QSize(1000, 600));

    QVERIFY(!act(tool, {{"action", "left_click"}, {"coordinate", {10, 20}}}).isError);
    QCOMPARE(rig->probe->waitForClicks(1), QStringList({"1 610 20 0"}));
    QCOMPARE(act(tool, {{"action", "cursor_position"}}).text, std::string("X=10,Y=20"));
}

void tst_ComputerTool::pointerActions()
{
    auto rig = startRig(QSize(800, 600), QRect(0, 0, 800, 600), QRect());
    computer::ComputerTool tool(*rig->desktop, {});

    QVERIFY(!act(tool, {{"action", "double_click"}, {"coordinate", {100, 100}}}).isError);
    QVERIFY(!act(tool, {{"action", "triple_click"}, {"coordinate", {110, 100}}, {"text", "shift"}})
                 .isError);
    QVERIFY(!act(tool, {{"action", "right_click"}, {"coordinate", {120, 100}}}).isError);
    QVERIFY(!act(tool, {{"action", "middle_click"}}).isError);
    QVERIFY(!act(tool, {{"action", "scroll"},
                        {"coordinate", {130, 140}},
                        {"scroll_direction", "down"},
                        {"scroll_amount", 2}})
                 .isError);
    QVERIFY(!act(tool, {{"action", "left_click_drag"},
                        {"start_coordinate", {200, 200}},
                        {"coordinate", {300, 250}}})
                 .isError);
    QVERIFY(!act(tool, {{"action", "mouse_move"}, {"coordinate", {400, 300}}}).isError);
    QVERIFY(!act(tool, {{"action", "left_mouse_down"}}).isError);
    QVERIFY(!act(tool, {{"action", "left_mouse_up"}, {"coordinate", {410, 310}}}).isError);

    const QStringList expected = {"1 100 100 0", "1 100 100 0", "1 110 100 1", "1 110 100 1",
                                  "1 110 100 1", "3 120 100 0", "2 120 100 0", "5 130 140 0",
                                  "5 130 140 0", "1 200 200 0", "1 400 300 0"};
    QCOMPARE(rig->probe->waitForClicks(int(expected.size())), expected);
    QCOMPARE(rig->desktop->pointer().value_or(QPoint()), QPoint(410, 310));

    const auto bad =
        act(tool, {{"action", "scroll"}, {"scroll_direction", "sideways"}, {"scroll_amount", 1}});
    QVERIFY(bad.isError);
}

void tst_ComputerTool::keysAndTypingReachTheWindow()
{
    auto rig = startRig(QSize(800, 600), QRect(0, 0, 800, 600), QRect());
    computer::ComputerTool tool(*rig->desktop, confinedTo(rig->probeWindow()));

    QVERIFY(!act(tool, {{"action", "mouse_move"}, {"coordinate", {400, 300}}}).isError);
    const auto typed = act(tool, {{"action", "type"}, {"text", "Grüße, 世界 🙂"}});
    QVERIFY2(!typed.isError, typed.text.c_str());
    QCOMPARE(rig->probe->waitForText(QStringLiteral("Grüße, 世界 🙂")),
             QStringLiteral("Grüße, 世界 🙂"));

    QVERIFY(!act(tool, {{"action", "key"}, {"text", "ctrl+a"}}).isError);
    QVERIFY(!act(tool, {{"action", "key"}, {"text", "BackSpace"}}).isError);
    QCOMPARE(rig->probe->waitForText(QString()), QString());
    QVERIFY(!act(tool, {{"action", "hold_key"}, {"text", "x"}, {"duration", 0.1}}).isError);
    QCOMPARE(rig->probe->waitForText(QStringLiteral("x")), QStringLiteral("x"));

    const auto unknown = act(tool, {{"action", "key"}, {"text", "NoSuchKey"}});
    QVERIFY(unknown.isError);
    QVERIFY(QString::fromStdString(unknown.text).contains(QStringLiteral("NoSuchKey")));
}

void tst_ComputerTool::confinedToTheChosenWindow()
{
    auto rig = startRig(QSize(800, 600), QRect(100, 80, 400, 300), QRect());
    computer::ComputerTool tool(*rig->desktop, confinedTo(rig->probeWindow()));
    base::CancelToken loop;

    // 800x600 is declared as it is; inside the window, then outside it.
    QVERIFY(!act(tool, {{"action", "left_click"}, {"coordinate", {150, 100}}}, loop).isError);
    const auto outside = act(tool, {{"action", "left_click"}, {"coordinate", {50, 50}}}, loop);
    QVERIFY(outside.isError);
    QVERIFY(QString::fromStdString(outside.text).contains(QStringLiteral("outside the window")));
    const auto drag = act(tool,
                          {{"action", "left_click_drag"},
                           {"start_coordinate", {150, 100}},
                           {"coordinate", {700, 500}}},
                          loop);
    QVERIFY(drag.isError);

    // Keys only while the window has the focus (here: while the pointer is over it).
    rig->desktop->movePointer(QPoint(10, 10));
    const auto keys = act(tool, {{"action", "type"}, {"text", "abc"}}, loop);
    QVERIFY(keys.isError);
    QVERIFY(QString::fromStdString(keys.text).contains(QStringLiteral("focus")));
    QVERIFY(rig->probe->text().isEmpty());

    // A model that keeps trying is stopped after a bounded number of refusals.
    for (int i = 0; i < 3; ++i)
        act(tool, {{"action", "left_click"}, {"coordinate", {5, 5}}}, loop);
    QVERIFY(loop.isCancelled());
    QCOMPARE(rig->probe->waitForClicks(1), QStringList({"1 150 100 0"}));
}

void tst_ComputerTool::riskyChordsNeedApproval()
{
    auto rig = startRig(QSize(800, 600), QRect(0, 0, 800, 600), QRect());
    rig->desktop->movePointer(QPoint(400, 300));

    computer::ComputerTool headless(*rig->desktop, confinedTo(rig->probeWindow()));
    const auto refused = act(headless, {{"action", "key"}, {"text", "ctrl+q"}});
    QVERIFY(refused.isError);
    QVERIFY(QString::fromStdString(refused.text).contains(QStringLiteral("approve")));

    RecordingGate yes(true);
    computer::ComputerTool approved(*rig->desktop, confinedTo(rig->probeWindow()), nullptr, &yes);
    QVERIFY(!act(approved, {{"action", "key"}, {"text", "alt+F4"}}).isError);
    QCOMPARE(yes.asked.size(), 1);
    QVERIFY(yes.asked.first().contains(QStringLiteral("closes")));
    QVERIFY(!act(approved, {{"action", "key"}, {"text", "ctrl+s"}}).isError);
    QCOMPARE(yes.asked.size(), 1);
}

// The window's path: the same desk as other calls, so "allow for this session" covers the next
// chord of the same kind, and a denial's reason reaches the model.
void tst_ComputerTool::riskyActionsAskThroughTheApprovalDesk()
{
    auto rig = startRig(QSize(800, 600), QRect(0, 0, 800, 600), QRect());
    rig->desktop->movePointer(QPoint(400, 300));

    approval::ApprovalDesk desk(approval::ApprovalPolicy(), nullptr);
    CountingApprover session(approval::ApprovalAnswer::Choice::AllowForSession);
    desk.setApprover(&session);
    computer::ApprovalDeskGate gate(desk);
    computer::ComputerTool tool(*rig->desktop, confinedTo(rig->probeWindow()), nullptr, &gate);
    QVERIFY(!act(tool, {{"action", "key"}, {"text", "alt+F4"}}).isError);
    QVERIFY(!act(tool, {{"action", "key"}, {"text", "alt+F4"}}).isError);
    QCOMPARE(session.asked.size(), 1);

    CountingApprover no(approval::ApprovalAnswer::Choice::Deny);
    desk.setApprover(&no);
    const auto denied = act(tool, {{"action", "key"}, {"text", "ctrl+q"}});
    QVERIFY(denied.isError);
    QVERIFY(QString::fromStdString(denied.text).contains(QStringLiteral("not this window")));

    approval::StandingAnswer headless(false, QStringLiteral("pass --approve-all."));
    desk.setApprover(&headless);
    const auto refused = act(tool, {{"action", "key"}, {"text", "ctrl+w"}});
    QVERIFY(refused.isError);
    QVERIFY(QString::fromStdString(refused.text).contains(QStringLiteral("--approve-all")));
    QCOMPARE(no.asked.size(), 1);
}

void tst_ComputerTool::stopEndsAWaitWithin100ms()
{
    auto rig = startRig(QSize(800, 600), QRect(0, 0, 800, 600), QRect());
    computer::ComputerTool tool(*rig->desktop, {});
    base::CancelToken stop;

    std::chrono::steady_clock::time_point stoppedAt;
    std::thread user([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        stoppedAt = std::chrono::steady_clock::now();
        stop.cancel();
    });
    const auto result = act(tool, {{"action", "wait"}, {"duration", 10}}, stop);
    const auto returnedAt = std::chrono::steady_clock::now();
    user.join();

    QVERIFY(result.isError);
    const auto late = std::chrono::duration_cast<std::chrono::milliseconds>(returnedAt - stoppedAt);
    QVERIFY2(late.count() < 100, qPrintable(QString::number(late.count())));
    QVERIFY(act(tool, {{"action", "screenshot"}}, stop).isError);
}

void tst_ComputerTool::zoomShowsARegionLarger()
{
    auto rig = startRig(QSize(2560, 1440), QRect(0, 0, 2560, 1440), QRect(1000, 500, 24, 24));
    computer::ComputerTool old(*rig->desktop, {});
    QVERIFY(act(old, {{"action", "zoom"}, {"region", {0, 0, 10, 10}}}).isError);

    computer::ComputerTool tool(*rig->desktop, withVersion(QStringLiteral("computer_20251124")));
    QCOMPARE(tool.spec().toJson(true).value("enable_zoom", false), true);
    const QImage shot = decode(act(tool, {{"action", "screenshot"}}));
    const QPoint centre = *findRedSquare(shot);
    const auto zoomed = act(
        tool, {{"action", "zoom"},
               {"region", {centre.x() - 20, centre.y() - 10, centre.x() + 20, centre.y() + 10}}});
    QVERIFY2(!zoomed.isError, zoomed.text.c_str());
    const QImage image = decode(zoomed);
    // 40x20 declared pixels are 70x36 real ones, shown at their real size.
    QVERIFY(image.width() >= 68 && image.width() <= 72);
    const auto red = findRedSquare(image);
    QVERIFY(red.has_value());
    QVERIFY(std::abs(red->x() - image.width() / 2) <= 3);
}

void tst_ComputerTool::everyActionIsAudited()
{
    auto rig = startRig(QSize(800, 600), QRect(0, 0, 800, 600), QRect());
    audit::AuditLog log(rig->dir.filePath(QStringLiteral("audit.jsonl")));
    QVERIFY(log.open().has_value());
    computer::ComputerTool tool(*rig->desktop, {}, &log);

    act(tool, {{"action", "left_click"}, {"coordinate", {10, 10}}});
    act(tool, {{"action", "left_click"}, {"coordinate", {900, 10}}});
    QVERIFY(audit::AuditLog::verify(log.path()).has_value());

    QFile file(log.path());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const json first = json::parse(lines[0].toStdString());
    QCOMPARE(first.value("kind", std::string()), std::string("computer_action"));
    QCOMPARE(first.at("input").at("action").get<std::string>(), std::string("left_click"));
    const QImage thumbnail = QImage::fromData(
        QByteArray::fromBase64(QByteArray::fromStdString(first.at("thumbnail_jpeg"))), "JPEG");
    QCOMPARE(thumbnail.width(), 160);
    const json second = json::parse(lines[1].toStdString());
    QCOMPARE(second.value("is_error", false), true);
}

void tst_ComputerTool::unknownActionIsExplained()
{
    auto rig = startRig(QSize(640, 480), QRect(0, 0, 640, 480), QRect());
    computer::ComputerTool tool(*rig->desktop, {});
    const auto result = act(tool, {{"action", "teleport"}});
    QVERIFY(result.isError);
    QVERIFY(QString::fromStdString(result.text).contains(QStringLiteral("left_click_drag")));
}

void tst_ComputerTool::unknownActionsAreBounded()
{
    auto rig = startRig(QSize(640, 480), QRect(0, 0, 640, 480), QRect());
    computer::ComputerTool tool(*rig->desktop, {});
    base::CancelToken loop;
    for (int i = 0; i < 4; ++i)
        QVERIFY(act(tool, {{"action", "teleport"}}, loop).isError);
    QVERIFY(!loop.isCancelled());

    const auto fifth = act(tool, {{"action", "teleport"}}, loop);
    QVERIFY(loop.isCancelled());
    QVERIFY(QString::fromStdString(fifth.text).contains(QStringLiteral("now stopped")));
}

void tst_ComputerTool::closedWindowStopsTheLoop()
{
    auto rig = startRig(QSize(640, 480), QRect(50, 50, 300, 200), QRect());
    const quint64 probe = rig->probeWindow();
    computer::ComputerTool tool(*rig->desktop, confinedTo(probe));
    base::CancelToken loop;
    QVERIFY(!act(tool, {{"action", "left_click"}, {"coordinate", {100, 100}}}, loop).isError);

    rig->probe.reset(); // ends the probe's process: its window goes with it
    QTRY_VERIFY_WITH_TIMEOUT(rig->probeWindow() == 0, 5000);

    const auto after = act(tool, {{"action", "screenshot"}}, loop);
    QVERIFY(after.isError);
    QVERIFY2(
        QString::fromStdString(after.text).contains(QStringLiteral("(\"Tandem probe\") is gone")),
        after.text.c_str());
    QVERIFY(loop.isCancelled());
}

QTEST_GUILESS_MAIN(tst_ComputerTool)
#include "tst_computertool.moc"
