#pragma once

#include <QString>

#include <chrono>
#include <optional>

namespace tandem::sandbox {

// How policy files write sizes and durations, both ways.
//
// Sizes: a whole number of bytes, or one followed by K, M or G (binary: 1K is 1024 bytes; either
// case, with an optional "B" or "iB": "512M", "4g", "1KiB"). Durations: a whole number followed
// by ms, s, m or h ("500ms", "120s", "10m", "2h"), or a plain number of seconds ("90").
// Anything else, negative numbers, fractions and values that overflow, reads as nothing.
class LimitUnits
{
public:
    static std::optional<qint64> parseSize(const QString &text);
    static std::optional<std::chrono::milliseconds> parseDuration(const QString &text);

    // The shortest exact spelling: 4294967296 is "4G", 1536 is "1536".
    static QString formatSize(qint64 bytes);
    // The largest unit that divides evenly: 120000 ms is "2m", 1500 ms is "1500ms".
    static QString formatDuration(std::chrono::milliseconds duration);
};

} // namespace tandem::sandbox
