#include "llm/retrypolicy.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QtTest>

#include <thread>

using namespace tandem;
using namespace std::chrono_literals;
using Milliseconds = std::chrono::milliseconds;

Q_DECLARE_METATYPE(std::optional<Milliseconds>)

namespace {

llm::Attempt busyAttempt(std::optional<Milliseconds> retryAfter = std::nullopt)
{
    llm::Attempt attempt;
    attempt.reply = base::fail("model_error", QStringLiteral("The model service answered 529."));
    attempt.retryable = true;
    attempt.retryAfter = retryAfter;
    attempt.reason = "HTTP 529 overloaded_error";
    return attempt;
}

llm::Attempt goodAttempt()
{
    llm::ModelReply reply;
    reply.complete = true;
    reply.stopReason = "end_turn";
    return {reply, false, std::nullopt, {}};
}

class RecordingObserver : public llm::StreamObserver
{
public:
    void textDelta(int, const std::string &) override {}
    void toolUseStarted(int, const std::string &, const std::string &) override {}
    void retrying(int attempt, Milliseconds wait, const std::string &reason) override
    {
        attempts.push_back(attempt);
        waits.push_back(wait);
        reasons.push_back(reason);
    }

    std::vector<int> attempts;
    std::vector<Milliseconds> waits;
    std::vector<std::string> reasons;
};

} // namespace

class tst_RetryPolicy : public QObject
{
    Q_OBJECT

private slots:
    void parsesRetryAfter_data();
    void parsesRetryAfter();
    void backoffGrowsWithJitterAndCap();
    void retryAfterIsNeverShortened();
    void stopsAfterMaxAttempts();
    void succeedsOnALaterAttempt();
    void tooLongARetryAfterIsNotWaitedFor();
    void cancelEndsTheWaitAtOnce();
    void classifiesStatusesAndErrorTypes();
};

void tst_RetryPolicy::parsesRetryAfter_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<std::optional<Milliseconds>>("expected");

    using Opt = std::optional<Milliseconds>;
    QTest::newRow("whole seconds") << QStringLiteral("2") << Opt(2000ms);
    QTest::newRow("fractional seconds") << QStringLiteral(" 1.5 ") << Opt(1500ms);
    QTest::newRow("zero") << QStringLiteral("0") << Opt(0ms);
    QTest::newRow("HTTP date 7 s ahead")
        << QStringLiteral("Sat, 05 Dec 2026 00:00:07 GMT") << Opt(7000ms);
    QTest::newRow("HTTP date in the past")
        << QStringLiteral("Fri, 04 Dec 2026 23:59:00 GMT") << Opt(0ms);
    QTest::newRow("negative") << QStringLiteral("-3") << Opt();
    QTest::newRow("empty") << QString() << Opt();
    QTest::newRow("garbage") << QStringLiteral("soon") << Opt();
}

void tst_RetryPolicy::parsesRetryAfter()
{
    QFETCH(QString, value);
    QFETCH(std::optional<Milliseconds>, expected);

    const QDateTime now(QDate(2026, 12, 5), QTime(0, 0, 0), Qt::UTC);
    const auto parsed = llm::RetryPolicy::parseRetryAfter(value.toStdString(), now);
    QCOMPARE(parsed.has_value(), expected.has_value());
    if (expected)
        QCOMPARE(parsed->count(), expected->count());
}

void tst_RetryPolicy::backoffGrowsWithJitterAndCap()
{
    llm::RetryPolicy policy;
    policy.baseDelay = 1000ms;
    policy.maxDelay = 8000ms;
    QRandomGenerator random(7);

    // Retry n waits between half and all of min(base * 2^(n-1), cap).
    const QList<qint64> ceilings = {1000, 2000, 4000, 8000, 8000, 8000};
    for (int retry = 1; retry <= ceilings.size(); ++retry) {
        const qint64 ceiling = ceilings[retry - 1];
        QSet<qint64> seen;
        for (int draw = 0; draw < 50; ++draw) {
            const qint64 wait = policy.delayBefore(retry, std::nullopt, random).count();
            QVERIFY2(wait >= ceiling / 2 && wait <= ceiling,
                     qPrintable(QStringLiteral("retry %1 waited %2").arg(retry).arg(wait)));
            seen.insert(wait);
        }
        QVERIFY2(seen.size() > 10, "the waits are not jittered");
    }
}

void tst_RetryPolicy::retryAfterIsNeverShortened()
{
    llm::RetryPolicy policy;
    QRandomGenerator random(1);
    QCOMPARE(policy.delayBefore(1, 3000ms, random).count(), 3000);
    QCOMPARE(policy.delayBefore(4, 250ms, random).count(), 250);
}

void tst_RetryPolicy::stopsAfterMaxAttempts()
{
    llm::RetryPolicy policy;
    policy.maxAttempts = 3;
    policy.baseDelay = 10ms;
    RecordingObserver observer;
    int calls = 0;

    const auto reply = policy.run(
        [&] {
            ++calls;
            return busyAttempt();
        },
        &observer, base::CancelToken());

    QCOMPARE(calls, 3);
    QVERIFY(!reply.has_value());
    QVERIFY2(reply.error().message.contains(QStringLiteral("after 3 attempts")),
             qPrintable(reply.error().message));
    QCOMPARE(observer.attempts, (std::vector<int>{2, 3}));
    QCOMPARE(observer.reasons.front(), std::string("HTTP 529 overloaded_error"));
}

void tst_RetryPolicy::succeedsOnALaterAttempt()
{
    llm::RetryPolicy policy;
    int calls = 0;
    QElapsedTimer clock;
    clock.start();

    const auto reply = policy.run([&] { return ++calls < 3 ? busyAttempt(100ms) : goodAttempt(); },
                                  nullptr, base::CancelToken());

    QVERIFY(reply.has_value());
    QVERIFY(reply->complete);
    QCOMPARE(calls, 3);
    // Two waits of exactly the 100 ms asked for, not the 1 s base delay.
    QVERIFY2(clock.elapsed() >= 200 && clock.elapsed() < 900,
             qPrintable(QString::number(clock.elapsed())));
}

void tst_RetryPolicy::tooLongARetryAfterIsNotWaitedFor()
{
    llm::RetryPolicy policy;
    policy.maxRetryAfter = 10'000ms;
    int calls = 0;
    QElapsedTimer clock;
    clock.start();

    const auto reply = policy.run(
        [&] {
            ++calls;
            return busyAttempt(3'600'000ms);
        },
        nullptr, base::CancelToken());

    QCOMPARE(calls, 1);
    QVERIFY(!reply.has_value());
    QCOMPARE(reply.error().code, QStringLiteral("model_busy"));
    QVERIFY(reply.error().message.contains(QStringLiteral("3600.0 s")));
    QVERIFY(clock.elapsed() < 500);
}

void tst_RetryPolicy::cancelEndsTheWaitAtOnce()
{
    llm::RetryPolicy policy;
    base::CancelToken cancel;
    int calls = 0;
    std::thread stopper([cancel] {
        std::this_thread::sleep_for(150ms);
        cancel.cancel();
    });

    QElapsedTimer clock;
    clock.start();
    const auto reply = policy.run(
        [&] {
            ++calls;
            return busyAttempt(30'000ms);
        },
        nullptr, cancel);
    const qint64 elapsed = clock.elapsed();
    stopper.join();

    QCOMPARE(calls, 1);
    QVERIFY(!reply.has_value());
    QCOMPARE(reply.error().code, QStringLiteral("cancelled"));
    // The 30 s wait ended within a few milliseconds of the cancel at 150 ms.
    QVERIFY2(elapsed >= 140 && elapsed < 250, qPrintable(QString::number(elapsed)));
}

void tst_RetryPolicy::classifiesStatusesAndErrorTypes()
{
    for (long status : {429L, 500L, 502L, 503L, 529L})
        QVERIFY2(llm::RetryPolicy::isRetryableStatus(status), qPrintable(QString::number(status)));
    for (long status : {400L, 401L, 403L, 404L, 413L})
        QVERIFY2(!llm::RetryPolicy::isRetryableStatus(status), qPrintable(QString::number(status)));
    QVERIFY(llm::RetryPolicy::isRetryableErrorType("overloaded_error"));
    QVERIFY(llm::RetryPolicy::isRetryableErrorType("rate_limit_error"));
    QVERIFY(!llm::RetryPolicy::isRetryableErrorType("invalid_request_error"));
    QVERIFY(!llm::RetryPolicy::isRetryableErrorType("incomplete_stream"));
}

QTEST_GUILESS_MAIN(tst_RetryPolicy)
#include "tst_retrypolicy.moc"
