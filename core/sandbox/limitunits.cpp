#include "sandbox/limitunits.h"

#include <QRegularExpression>

#include <limits>

namespace tandem::sandbox {

namespace {

struct Unit
{
    const char *suffix;
    qint64 factor;
};

const Unit kSizeUnits[] = {{"G", qint64(1) << 30}, {"M", qint64(1) << 20}, {"K", qint64(1) << 10}};

const Unit kDurationUnits[] = {{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}};

std::optional<qint64> multiply(const QString &digits, qint64 factor)
{
    bool ok = false;
    const qint64 number = digits.toLongLong(&ok);
    if (!ok || number > std::numeric_limits<qint64>::max() / factor)
        return std::nullopt;
    return number * factor;
}

} // namespace

std::optional<qint64> LimitUnits::parseSize(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^([0-9]+)(?:([KMG])(?:I?B)?|B)?$"),
                                            QRegularExpression::CaseInsensitiveOption);
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;

    const QString unit = match.captured(2).toUpper();
    for (const Unit &candidate : kSizeUnits) {
        if (unit == QLatin1String(candidate.suffix))
            return multiply(match.captured(1), candidate.factor);
    }
    return multiply(match.captured(1), 1);
}

std::optional<std::chrono::milliseconds> LimitUnits::parseDuration(const QString &text)
{
    // Units are lower case only: "M" could as well mean months or mebibytes.
    static const QRegularExpression pattern(QStringLiteral("^([0-9]+)(ms|s|m|h)?$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;

    const QString unit = match.captured(2).isEmpty() ? QStringLiteral("s") : match.captured(2);
    for (const Unit &candidate : kDurationUnits) {
        if (unit == QLatin1String(candidate.suffix)) {
            const auto ms = multiply(match.captured(1), candidate.factor);
            if (!ms)
                return std::nullopt;
            return std::chrono::milliseconds(*ms);
        }
    }
    return std::nullopt;
}

QString LimitUnits::formatSize(qint64 bytes)
{
    for (const Unit &unit : kSizeUnits) {
        if (bytes != 0 && bytes % unit.factor == 0)
            return QString::number(bytes / unit.factor) + QLatin1String(unit.suffix);
    }
    return QString::number(bytes);
}

QString LimitUnits::formatDuration(std::chrono::milliseconds duration)
{
    for (const Unit &unit : kDurationUnits) {
        if (duration.count() != 0 && duration.count() % unit.factor == 0)
            return QString::number(duration.count() / unit.factor) + QLatin1String(unit.suffix);
    }
    return QString::number(duration.count()) + QStringLiteral("ms");
}

} // namespace tandem::sandbox
