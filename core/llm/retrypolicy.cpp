#include "llm/retrypolicy.h"

#include <QLocale>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace tandem::llm {

Q_DECLARE_LOGGING_CATEGORY(lcLlm)

namespace {

QString describeWait(std::chrono::milliseconds wait)
{
    return QString::number(double(wait.count()) / 1000.0, 'f', 1);
}

base::Result<ModelReply> withAttemptCount(base::Result<ModelReply> reply, int attempts)
{
    if (attempts < 2)
        return reply;
    if (!reply) {
        reply.error().message += QStringLiteral(" (after %1 attempts)").arg(attempts);
    } else if (!reply->complete) {
        reply->errorMessage += " (after " + std::to_string(attempts) + " attempts)";
    }
    return reply;
}

} // namespace

base::Result<ModelReply> RetryPolicy::run(const std::function<Attempt()> &attempt,
                                          StreamObserver *observer,
                                          const base::CancelToken &cancel) const
{
    QRandomGenerator &random = *QRandomGenerator::global();
    for (int number = 1;; ++number) {
        Attempt outcome = attempt();
        if (cancel.isCancelled())
            return base::fail("cancelled", QStringLiteral("Stopped by the user."));
        if (!outcome.retryable || number >= maxAttempts)
            return withAttemptCount(std::move(outcome.reply), number);

        if (outcome.retryAfter && *outcome.retryAfter > maxRetryAfter) {
            return base::fail("model_busy",
                              QStringLiteral("The model service is busy (%1) and asks Tandem to "
                                             "wait %2 s before trying again: try later.")
                                  .arg(QString::fromStdString(outcome.reason),
                                       describeWait(*outcome.retryAfter)));
        }

        const Milliseconds wait = delayBefore(number, outcome.retryAfter, random);
        qCInfo(lcLlm, "attempt %d failed (%s); retrying in %s s", number, outcome.reason.c_str(),
               qPrintable(describeWait(wait)));
        if (observer)
            observer->retrying(number + 1, wait, outcome.reason);
        if (cancel.waitFor(wait))
            return base::fail("cancelled", QStringLiteral("Stopped by the user."));
    }
}

RetryPolicy::Milliseconds RetryPolicy::delayBefore(int retry,
                                                   std::optional<Milliseconds> retryAfter,
                                                   QRandomGenerator &random) const
{
    // The server knows its own load best: never sooner than it asked.
    if (retryAfter)
        return std::max(*retryAfter, Milliseconds(0));

    const double doubled = double(baseDelay.count()) * std::pow(2.0, std::max(retry - 1, 0));
    const auto capped = Milliseconds(qint64(std::min(doubled, double(maxDelay.count()))));
    // Half fixed, half random, so that clients failed by one outage do not return in step.
    const qint64 half = capped.count() / 2;
    return Milliseconds(half + qint64(random.bounded(double(half + 1))));
}

std::optional<RetryPolicy::Milliseconds> RetryPolicy::parseRetryAfter(std::string_view value,
                                                                      const QDateTime &now)
{
    const QString text = QString::fromUtf8(value.data(), qsizetype(value.size())).trimmed();
    if (text.isEmpty())
        return std::nullopt;

    bool isNumber = false;
    const double seconds = text.toDouble(&isNumber);
    if (isNumber)
        return seconds < 0 || !std::isfinite(seconds)
                   ? std::nullopt
                   : std::optional(Milliseconds(qint64(std::ceil(seconds * 1000.0))));

    // IMF-fixdate, the form HTTP servers send: "Sun, 06 Nov 1994 08:49:37 GMT".
    QDateTime date =
        QLocale::c().toDateTime(text, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
    if (!date.isValid())
        return std::nullopt;
    date.setTimeZone(QTimeZone::utc());
    return Milliseconds(std::max<qint64>(now.msecsTo(date), 0));
}

bool RetryPolicy::isRetryableStatus(long status)
{
    // 408 request timeout, 409 (the API's lock conflict), 429 rate limit, 5xx and 529 overload.
    return status == 408 || status == 409 || status == 429 || status >= 500;
}

bool RetryPolicy::isRetryableErrorType(const std::string &type)
{
    // The second line: OpenAI-compatible servers' names for the same.
    return type == "overloaded_error" || type == "rate_limit_error" || type == "api_error"
           || type == "timeout_error" || type == "server_error" || type == "rate_limit_exceeded";
}

} // namespace tandem::llm
