#include "xvfbserver.h"

#include "computer/keychord.h"
#include "x11/x11desktop.h"
#include "x11/x11stophotkey.h"

#include <QTemporaryDir>
#include <QtTest>

#include <X11/XKBlib.h>
#include <X11/Xlib.h>

using namespace tandem;
using computertesting::ProbeWindow;
using computertesting::XvfbServer;

// The X11 backend against a real X server (Xvfb) and a real X client (the probe window): the
// pixels it captures, the windows it lists, and the input the client really receives.
class tst_X11Desktop : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void noDisplayIsAClearError();
    void noXTestIsAClearError();
    void capturesExactPixels();
    void listsTheProbeWindow();
    void clicksLandOnExactPixels();
    void readsRandrMonitors();
    void typesUnderEveryLayout_data();
    void typesUnderEveryLayout();
    void typesMoreCharactersThanSpareKeys();
    void stopKeyWorksFromAnyWindow();

private:
    bool keysAllUp() const;
    QString keymapDump() const;
    void press(const QString &chord);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<XvfbServer> m_server;
    std::unique_ptr<ProbeWindow> m_probe;
    std::unique_ptr<x11::X11Desktop> m_desktop;
    const QRect m_probeGeometry{100, 80, 400, 300};
    const QRect m_square{50, 60, 24, 24};
};

void tst_X11Desktop::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_server = std::make_unique<XvfbServer>();
    QString error;
    QVERIFY2(m_server->start(QSize(800, 600), &error), qPrintable(error));
    m_probe = std::make_unique<ProbeWindow>(m_dir->path(), QStringLiteral("probe"));
    QVERIFY2(m_probe->start(*m_server, m_probeGeometry, m_square, &error), qPrintable(error));
    auto desktop = x11::X11Desktop::open(m_server->display());
    QVERIFY2(desktop.has_value(), desktop ? "" : qPrintable(desktop.error().message));
    m_desktop = std::move(*desktop);
}

void tst_X11Desktop::cleanup()
{
    m_desktop.reset();
    m_probe.reset();
    m_server.reset();
    m_dir.reset();
}

bool tst_X11Desktop::keysAllUp() const
{
    Display *display = XOpenDisplay(m_server->display().toLatin1().constData());
    char keys[32] = {};
    XQueryKeymap(display, keys);
    XCloseDisplay(display);
    return std::all_of(std::begin(keys), std::end(keys), [](char byte) { return byte == 0; });
}

QString tst_X11Desktop::keymapDump() const
{
    return m_server->runClient(QStringLiteral("xmodmap"), {QStringLiteral("-pke")});
}

void tst_X11Desktop::press(const QString &chord)
{
    const auto chords = computer::parseKeyChords(chord);
    QVERIFY(chords.has_value());
    for (const QString &key : chords->front().keys)
        QVERIFY(m_desktop->setKey(key, true).has_value());
    for (auto it = chords->front().keys.crbegin(); it != chords->front().keys.crend(); ++it)
        QVERIFY(m_desktop->setKey(*it, false).has_value());
}

void tst_X11Desktop::noDisplayIsAClearError()
{
    const auto desktop = x11::X11Desktop::open(QStringLiteral(":999"));
    QVERIFY(!desktop.has_value());
    QCOMPARE(desktop.error().code, QStringLiteral("no_display"));
    QVERIFY(desktop.error().message.contains(QStringLiteral(":999")));
}

void tst_X11Desktop::noXTestIsAClearError()
{
    XvfbServer server;
    QString error;
    QVERIFY2(server.start(QSize(320, 240), &error, {"-extension", "XTEST"}), qPrintable(error));

    const auto desktop = x11::X11Desktop::open(server.display());
    QVERIFY(!desktop.has_value());
    QVERIFY2(desktop.error().message.contains(QStringLiteral("XTEST")),
             qPrintable(desktop.error().message));
}

void tst_X11Desktop::capturesExactPixels()
{
    const auto frame = m_desktop->capture(QRect(0, 0, 800, 600));
    QVERIFY(frame.has_value());
    QVERIFY(m_desktop->capturesThroughSharedMemory());
    QCOMPARE(frame->cols, 800);
    QCOMPARE(frame->type(), CV_8UC3);

    const QPoint squareOnScreen = m_probeGeometry.topLeft() + m_square.topLeft();
    const auto bgr = [&](QPoint p) { return frame->at<cv::Vec3b>(p.y(), p.x()); };
    QCOMPARE(bgr(squareOnScreen), cv::Vec3b(0, 0, 255));
    QCOMPARE(bgr(squareOnScreen + QPoint(23, 23)), cv::Vec3b(0, 0, 255));
    QCOMPARE(bgr(squareOnScreen + QPoint(24, 24)), cv::Vec3b(255, 255, 255));
    QCOMPARE(bgr(squareOnScreen - QPoint(1, 1)), cv::Vec3b(255, 255, 255));

    // A sub-area starts exactly at its own top-left corner.
    const auto part = m_desktop->capture(QRect(squareOnScreen, QSize(30, 10)));
    QVERIFY(part.has_value());
    QCOMPARE(part->at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 255));
    QCOMPARE(part->at<cv::Vec3b>(0, 24), cv::Vec3b(255, 255, 255));

    QVERIFY(!m_desktop->capture(QRect(790, 0, 20, 20)).has_value());
}

void tst_X11Desktop::listsTheProbeWindow()
{
    const auto windows = m_desktop->windows();
    const auto probe = std::find_if(windows.begin(), windows.end(), [](const auto &w) {
        return w.windowClass == QStringLiteral("TandemProbe");
    });
    QVERIFY(probe != windows.end());
    QCOMPARE(probe->title, QStringLiteral("Tandem probe"));
    QCOMPARE(probe->pid, m_probe->pid());
    QCOMPARE(probe->geometry, m_probeGeometry);

    // No window manager: the focus follows the pointer.
    QVERIFY(m_desktop->movePointer(m_probeGeometry.center()).has_value());
    QCOMPARE(m_desktop->focusedWindow(), std::optional<quint64>(probe->id));
    QVERIFY(m_desktop->movePointer(QPoint(5, 5)).has_value());
    QCOMPARE(m_desktop->focusedWindow(), std::optional<quint64>());
}

void tst_X11Desktop::clicksLandOnExactPixels()
{
    const QList<QPoint> points = {m_probeGeometry.topLeft(), m_probeGeometry.bottomRight(),
                                  QPoint(317, 211)};
    for (const QPoint &point : points) {
        QVERIFY(m_desktop->movePointer(point).has_value());
        QVERIFY(m_desktop->setButton(computer::MouseButton::Left, true).has_value());
        QVERIFY(m_desktop->setButton(computer::MouseButton::Left, false).has_value());
    }
    QVERIFY(m_desktop->setButton(computer::MouseButton::Right, true).has_value());
    QVERIFY(m_desktop->setButton(computer::MouseButton::Right, false).has_value());

    const QStringList clicks = m_probe->waitForClicks(4);
    QCOMPARE(clicks, QStringList({"1 100 80 0", "1 499 379 0", "1 317 211 0", "3 317 211 0"}));
    QCOMPARE(m_desktop->pointer().value_or(QPoint()), QPoint(317, 211));
}

void tst_X11Desktop::readsRandrMonitors()
{
    QVERIFY(!m_server
                 ->runClient(QStringLiteral("xrandr"),
                             {QStringLiteral("--setmonitor"), QStringLiteral("left"),
                              QStringLiteral("300/0x600/0+0+0"), QStringLiteral("none")})
                 .isNull());
    QVERIFY(!m_server
                 ->runClient(QStringLiteral("xrandr"),
                             {QStringLiteral("--setmonitor"), QStringLiteral("right"),
                              QStringLiteral("500/0x600/0+300+0"), QStringLiteral("none")})
                 .isNull());

    const auto monitors = m_desktop->monitors();
    const auto find = [&](const QString &name) {
        const auto it = std::find_if(monitors.begin(), monitors.end(),
                                     [&](const auto &m) { return m.name == name; });
        return it == monitors.end() ? QRect() : it->geometry;
    };
    QCOMPARE(find(QStringLiteral("left")), QRect(0, 0, 300, 600));
    QCOMPARE(find(QStringLiteral("right")), QRect(300, 0, 500, 600));
}

void tst_X11Desktop::typesUnderEveryLayout_data()
{
    QTest::addColumn<QStringList>("setxkbmap");
    QTest::addColumn<int>("group");

    QTest::newRow("us") << QStringList{"-layout", "us"} << 0;
    QTest::newRow("de") << QStringList{"-layout", "de"} << 0;
    QTest::newRow("fr") << QStringList{"-layout", "fr"} << 0;
    QTest::newRow("se") << QStringList{"-layout", "se"} << 0;
    QTest::newRow("us(dvorak)") << QStringList{"-layout", "us", "-variant", "dvorak"} << 0;
    QTest::newRow("us,ru with ru active") << QStringList{"-layout", "us,ru"} << 1;
}

void tst_X11Desktop::typesUnderEveryLayout()
{
    QFETCH(QStringList, setxkbmap);
    QFETCH(int, group);

    QVERIFY(!m_server->runClient(QStringLiteral("setxkbmap"), setxkbmap).isNull());
    if (group > 0) {
        Display *display = XOpenDisplay(m_server->display().toLatin1().constData());
        XkbLockGroup(display, XkbUseCoreKbd, unsigned(group));
        XSync(display, False);
        XCloseDisplay(display);
    }
    const QString layoutBefore =
        m_server->runClient(QStringLiteral("setxkbmap"), {QStringLiteral("-query")});
    const QString keymapBefore = keymapDump();
    QVERIFY(!keymapBefore.isEmpty());

    // Case 14's text: paths, mail, JSON, shifted and AltGr symbols, letters no layout has.
    const QString text = QStringLiteral("/home/dev/proj_2/a-b.txt user@example.test \"q\" "
                                        "{\"k\":[1,2]} ~^`|\\ Spaß Ärger øæå € 日本 🙂");
    QVERIFY(m_desktop->movePointer(m_probeGeometry.center()).has_value());
    QVERIFY(m_desktop->typeText(text).has_value());
    QCOMPARE(m_probe->waitForText(text), text);
    QVERIFY(keysAllUp());

    press(QStringLiteral("ctrl+a"));
    const auto typedX = m_desktop->typeText(QStringLiteral("x"));
    QVERIFY2(typedX.has_value(), typedX ? "" : qPrintable(typedX.error().message));
    QCOMPARE(m_probe->waitForText(QStringLiteral("x")), QStringLiteral("x"));
    QVERIFY(keysAllUp());

    press(QStringLiteral("shift+Home"));
    press(QStringLiteral("BackSpace"));
    QCOMPARE(m_probe->waitForText(QString()), QString());
    m_desktop->releaseAll();
    QVERIFY(keysAllUp());

    QCOMPARE(m_server->runClient(QStringLiteral("setxkbmap"), {QStringLiteral("-query")}),
             layoutBefore);
    QCOMPARE(keymapDump(), keymapBefore);
}

void tst_X11Desktop::typesMoreCharactersThanSpareKeys()
{
    // 150 distinct characters no US key has: more than there are spare keycodes to bind at
    // once, so bindings are reused within one text.
    QString text;
    for (char32_t c = U'\u4e00'; c < U'\u4e00' + 150; ++c)
        text += QString::fromUcs4(&c, 1);
    const QString keymapBefore = keymapDump();

    QVERIFY(m_desktop->movePointer(m_probeGeometry.center()).has_value());
    QVERIFY(m_desktop->typeText(text).has_value());
    QCOMPARE(m_probe->waitForText(text), text);
    QVERIFY(keysAllUp());
    m_desktop->releaseAll();
    QCOMPARE(keymapDump(), keymapBefore);
}

void tst_X11Desktop::stopKeyWorksFromAnyWindow()
{
    std::atomic<int> stops = 0;
    std::chrono::steady_clock::time_point stoppedAt;
    auto hotKey = x11::X11StopHotKey::start(m_server->display(), computer::defaultStopChord(), [&] {
        stoppedAt = std::chrono::steady_clock::now();
        ++stops;
    });
    QVERIFY2(hotKey.has_value(), hotKey ? "" : qPrintable(hotKey.error().message));
    QCOMPARE((*hotKey)->describe(), QStringLiteral("Control+Shift+Escape"));

    // Escape alone, and the chord while the probe window has the focus.
    QVERIFY(m_desktop->movePointer(m_probeGeometry.center()).has_value());
    press(QStringLiteral("Escape"));
    QTest::qWait(100);
    QCOMPARE(stops.load(), 0);
    const auto pressedAt = std::chrono::steady_clock::now();
    press(QStringLiteral("ctrl+shift+Escape"));
    QTRY_COMPARE_WITH_TIMEOUT(stops.load(), 1, 2000);
    const auto late =
        std::chrono::duration_cast<std::chrono::milliseconds>(stoppedAt - pressedAt).count();
    QVERIFY2(late < 100, qPrintable(QString::number(late)));

    // A second program cannot take the same key.
    const auto second =
        x11::X11StopHotKey::start(m_server->display(), computer::defaultStopChord(), [] {});
    QVERIFY(!second.has_value());
    QCOMPARE(second.error().code, QStringLiteral("key_taken"));
}

QTEST_GUILESS_MAIN(tst_X11Desktop)
#include "tst_x11desktop.moc"
