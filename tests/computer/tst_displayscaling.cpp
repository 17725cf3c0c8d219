#include "computer/displayscaling.h"

#include <QtTest>

#include <cmath>

using namespace tandem;
using computer::DisplayScaling;
using computer::ImageLimits;

// Case 13: the screenshot the model sees and the screen its clicks land on must agree, on
// every screen shape, within the provider's image limits.
class tst_DisplayScaling : public QObject
{
    Q_OBJECT

private slots:
    void declaredSizeFitsTheLimits_data();
    void declaredSizeFitsTheLimits();
    void clicksRoundTrip_data();
    void clicksRoundTrip();
    void outOfRangeIsRefused_data();
    void outOfRangeIsRefused();
    void monitorOffsetIsAdded();
    void regionCoversWhatWasFramed();
    void tighterLimitsAreKept();

private:
    void screens();
};

void tst_DisplayScaling::screens()
{
    QTest::addColumn<QSize>("real");
    QTest::newRow("2560x1440 16:9") << QSize(2560, 1440);
    QTest::newRow("1920x1200 16:10") << QSize(1920, 1200);
    QTest::newRow("3440x1440 21:9") << QSize(3440, 1440);
    QTest::newRow("1280x1024 5:4") << QSize(1280, 1024);
    QTest::newRow("3840x2160 4K") << QSize(3840, 2160);
    QTest::newRow("1366x768") << QSize(1366, 768);
    QTest::newRow("1920x1080") << QSize(1920, 1080);
    QTest::newRow("1080x1920 portrait") << QSize(1080, 1920);
    QTest::newRow("1024x768 small") << QSize(1024, 768);
    QTest::newRow("5120x1440 32:9") << QSize(5120, 1440);
}

void tst_DisplayScaling::declaredSizeFitsTheLimits_data()
{
    screens();
}

void tst_DisplayScaling::declaredSizeFitsTheLimits()
{
    QFETCH(QSize, real);
    const QSize declared = DisplayScaling(QRect(QPoint(0, 0), real)).declaredSize();

    QVERIFY(declared.width() <= 1568 && declared.height() <= 1568);
    QVERIFY(qint64(declared.width()) * declared.height() / 750.0 <= 1600.0);
    QVERIFY(declared.width() <= real.width() && declared.height() <= real.height());
    const double exactHeight = double(declared.width()) * real.height() / real.width();
    QVERIFY2(std::abs(declared.height() - exactHeight) <= 1.0,
             qPrintable(QStringLiteral("%1x%2").arg(declared.width()).arg(declared.height())));

    // As large as the limits allow: a screen that fits is sent as it is, and one step up on
    // the long side would break a limit.
    if (qint64(real.width()) * real.height() <= 1600 * 750
        && std::max(real.width(), real.height()) <= 1568)
        QCOMPARE(declared, real);
    else
        QVERIFY(qint64(declared.width() + 1) * (declared.height() + 1) > 1600 * 750
                || std::max(declared.width(), declared.height()) == 1568);
}

void tst_DisplayScaling::clicksRoundTrip_data()
{
    screens();
}

void tst_DisplayScaling::clicksRoundTrip()
{
    QFETCH(QSize, real);
    const DisplayScaling scaling(QRect(QPoint(0, 0), real));
    const int toleranceX = int(std::ceil(double(real.width()) / scaling.declaredSize().width()));
    const int toleranceY = int(std::ceil(double(real.height()) / scaling.declaredSize().height()));

    // Every real pixel on a dense grid: seen in the screenshot, clicked, landed nearby.
    for (int y = 0; y < real.height(); y += 7) {
        for (int x = 0; x < real.width(); x += 5) {
            const auto back = scaling.toScreen(scaling.toDeclared(QPoint(x, y)));
            QVERIFY(back.has_value());
            QVERIFY2(std::abs(back->x() - x) <= toleranceX && std::abs(back->y() - y) <= toleranceY,
                     qPrintable(QStringLiteral("%1,%2 came back as %3,%4")
                                    .arg(x)
                                    .arg(y)
                                    .arg(back->x())
                                    .arg(back->y())));
        }
    }

    // The far corner of the screenshot is the far corner of the screen, not beyond it.
    const QPoint last(scaling.declaredSize().width() - 1, scaling.declaredSize().height() - 1);
    const QPoint lastReal = *scaling.toScreen(last);
    QVERIFY(lastReal.x() < real.width() && lastReal.y() < real.height());
    QVERIFY(lastReal.x() >= real.width() - toleranceX);
    // Pixel centres: the first declared pixel covers real pixels [0, real/declared).
    const QPoint first(int(0.5 * real.width() / scaling.declaredSize().width()),
                       int(0.5 * real.height() / scaling.declaredSize().height()));
    QCOMPARE(*scaling.toScreen(QPoint(0, 0)), first);
}

void tst_DisplayScaling::outOfRangeIsRefused_data()
{
    QTest::addColumn<QPoint>("point");
    // 2560x1440 is declared as 1460x821.
    QTest::newRow("declared width + 20 (case 13's probe)") << QPoint(1480, 10);
    QTest::newRow("just past the right edge") << QPoint(1460, 0);
    QTest::newRow("just past the bottom") << QPoint(0, 821);
    QTest::newRow("negative x") << QPoint(-1, 5);
    QTest::newRow("negative y") << QPoint(5, -1);
    QTest::newRow("real-screen coordinates") << QPoint(2000, 1000);
}

void tst_DisplayScaling::outOfRangeIsRefused()
{
    QFETCH(QPoint, point);
    const DisplayScaling scaling(QRect(0, 0, 2560, 1440));
    QCOMPARE(scaling.declaredSize(), QSize(1460, 821));

    const auto mapped = scaling.toScreen(point);
    QVERIFY(!mapped.has_value());
    QCOMPARE(mapped.error().code, QStringLiteral("out_of_range"));
    // The model is told the range it may use.
    QVERIFY(mapped.error().message.contains(QStringLiteral("0..1459")));
    QVERIFY(mapped.error().message.contains(QStringLiteral("0..820")));
}

void tst_DisplayScaling::monitorOffsetIsAdded()
{
    // The second of two monitors, 2560x1440 right of a 1920x1080 one.
    const DisplayScaling scaling(QRect(1920, 0, 2560, 1440));
    QCOMPARE(*scaling.toScreen(QPoint(0, 0)), QPoint(1920, 0));
    QCOMPARE(*scaling.toScreen(QPoint(1459, 820)), QPoint(1920 + 2559, 1439));
    QCOMPARE(*scaling.toScreen(QPoint(730, 410)), QPoint(3200, 720));
    QCOMPARE(scaling.toDeclared(QPoint(3200, 720)), QPoint(730, 410));
    // The pointer on the other monitor is reported at the nearest edge.
    QCOMPARE(scaling.toDeclared(QPoint(100, 100)), QPoint(0, 57));
}

void tst_DisplayScaling::regionCoversWhatWasFramed()
{
    const DisplayScaling scaling(QRect(100, 50, 2560, 1440));
    const auto region = scaling.toScreen(QPoint(0, 0), QPoint(1460, 821));
    QVERIFY(region.has_value());
    QCOMPARE(*region, QRect(100, 50, 2560, 1440));

    const auto part = scaling.toScreen(QPoint(10, 10), QPoint(20, 30));
    QVERIFY(part.has_value());
    QVERIFY(part->contains(*scaling.toScreen(QPoint(10, 10))));
    QVERIFY(part->contains(*scaling.toScreen(QPoint(19, 29))));

    QVERIFY(!scaling.toScreen(QPoint(20, 10), QPoint(10, 30)).has_value());
    QVERIFY(!scaling.toScreen(QPoint(0, 0), QPoint(1461, 821)).has_value());
}

void tst_DisplayScaling::tighterLimitsAreKept()
{
    // A provider with smaller images (1024 on the long edge) gets them.
    const ImageLimits limits{1024, 1024 * 768};
    const QSize declared = DisplayScaling::chooseDeclaredSize(QSize(2560, 1440), limits);
    QCOMPARE(declared, QSize(1024, 576));
}

QTEST_GUILESS_MAIN(tst_DisplayScaling)
#include "tst_displayscaling.moc"
