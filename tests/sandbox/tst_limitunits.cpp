#include "sandbox/limitunits.h"

#include <QtTest>

using namespace tandem;
using sandbox::LimitUnits;
using std::chrono::milliseconds;

namespace {

constexpr qint64 kKi = 1024;
constexpr qint64 kMi = kKi * 1024;
constexpr qint64 kGi = kMi * 1024;
constexpr qint64 kRefused = -1;

} // namespace

class tst_LimitUnits : public QObject
{
    Q_OBJECT

private slots:
    void sizes_data();
    void sizes();
    void durations_data();
    void durations();
    void formatsSizes_data();
    void formatsSizes();
    void formatsDurations_data();
    void formatsDurations();
};

void tst_LimitUnits::sizes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("bytes");

    QTest::newRow("bytes") << "1000" << qint64(1000);
    QTest::newRow("bytes with B") << "1000B" << qint64(1000);
    QTest::newRow("zero") << "0" << qint64(0);
    QTest::newRow("kibibytes") << "4K" << 4 * kKi;
    QTest::newRow("lower case k") << "4k" << 4 * kKi;
    QTest::newRow("KB is binary too") << "4KB" << 4 * kKi;
    QTest::newRow("KiB") << "4KiB" << 4 * kKi;
    QTest::newRow("mebibytes") << "512M" << 512 * kMi;
    QTest::newRow("gibibytes") << "4G" << 4 * kGi;
    QTest::newRow("gibibytes lower case") << "4g" << 4 * kGi;
    QTest::newRow("largest") << "8589934591G" << 8589934591 * kGi;
    QTest::newRow("overflow") << "8589934592G" << kRefused;
    QTest::newRow("too many digits") << "99999999999999999999" << kRefused;
    QTest::newRow("fraction") << "1.5G" << kRefused;
    QTest::newRow("negative") << "-1" << kRefused;
    QTest::newRow("space") << "4 G" << kRefused;
    QTest::newRow("terabytes") << "1T" << kRefused;
    QTest::newRow("unit alone") << "G" << kRefused;
    QTest::newRow("empty") << "" << kRefused;
    QTest::newRow("words") << "lots" << kRefused;
    QTest::newRow("trailing text") << "4GiBs" << kRefused;
}

void tst_LimitUnits::sizes()
{
    QFETCH(QString, text);
    QFETCH(qint64, bytes);

    const auto parsed = LimitUnits::parseSize(text);
    if (bytes == kRefused) {
        QVERIFY2(!parsed, qPrintable(QString::number(parsed.value_or(0))));
        return;
    }
    QVERIFY(parsed);
    QCOMPARE(*parsed, bytes);
}

void tst_LimitUnits::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");

    QTest::newRow("plain seconds") << "90" << qint64(90'000);
    QTest::newRow("milliseconds") << "250ms" << qint64(250);
    QTest::newRow("seconds") << "120s" << qint64(120'000);
    QTest::newRow("minutes") << "10m" << qint64(600'000);
    QTest::newRow("hours") << "2h" << qint64(7'200'000);
    QTest::newRow("zero") << "0s" << qint64(0);
    QTest::newRow("upper case M") << "10M" << kRefused;
    QTest::newRow("upper case S") << "10S" << kRefused;
    QTest::newRow("fraction") << "1.5s" << kRefused;
    QTest::newRow("negative") << "-5s" << kRefused;
    QTest::newRow("days") << "1d" << kRefused;
    QTest::newRow("two units") << "1m30s" << kRefused;
    QTest::newRow("words") << "2 minutes" << kRefused;
    QTest::newRow("overflow") << "9223372036854775807s" << kRefused;
    QTest::newRow("empty") << "" << kRefused;
}

void tst_LimitUnits::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);

    const auto parsed = LimitUnits::parseDuration(text);
    if (ms == kRefused) {
        QVERIFY2(!parsed, qPrintable(QString::number(parsed.value_or(milliseconds(0)).count())));
        return;
    }
    QVERIFY(parsed);
    QCOMPARE(parsed->count(), ms);
}

void tst_LimitUnits::formatsSizes_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");

    QTest::newRow("gibibytes") << 4 * kGi << "4G";
    QTest::newRow("mebibytes") << 1536 * kMi << "1536M";
    QTest::newRow("kibibytes") << 3 * kKi << "3K";
    QTest::newRow("bytes") << qint64(1536) << "1536";
    QTest::newRow("odd bytes") << qint64(1000) << "1000";
    QTest::newRow("zero") << qint64(0) << "0";
}

void tst_LimitUnits::formatsSizes()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);

    QCOMPARE(LimitUnits::formatSize(bytes), text);
    QCOMPARE(LimitUnits::parseSize(text), bytes);
}

void tst_LimitUnits::formatsDurations_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");

    QTest::newRow("hours") << qint64(7'200'000) << "2h";
    QTest::newRow("minutes") << qint64(120'000) << "2m";
    QTest::newRow("seconds") << qint64(90'000) << "90s";
    QTest::newRow("milliseconds") << qint64(1500) << "1500ms";
    QTest::newRow("zero") << qint64(0) << "0ms";
}

void tst_LimitUnits::formatsDurations()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);

    QCOMPARE(LimitUnits::formatDuration(milliseconds(ms)), text);
    QCOMPARE(LimitUnits::parseDuration(text), milliseconds(ms));
}

QTEST_APPLESS_MAIN(tst_LimitUnits)
#include "tst_limitunits.moc"
