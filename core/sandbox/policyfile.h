#pragma once

#include "sandbox/jsonkeylines.h"

#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace tandem::sandbox {

// What one sandbox.json asks for, checked but not yet combined with anything: what a file
// leaves out stays empty, so PolicyResolver can tell "says nothing" from "asks for this".
// PolicyFileReader makes these; README.md in this folder describes the format.
struct PolicyFile
{
    // The user's own file may bind host paths; the repository's arrives with the code and is
    // not trusted to.
    enum class Origin { User, Repository };

    struct Limits
    {
        std::optional<std::chrono::milliseconds> wallTime;
        std::optional<std::chrono::seconds> cpuTime;
        std::optional<qint64> memoryBytes;
        std::optional<int> processes;
        std::optional<qint64> outputBytes;
        std::optional<qint64> diskBytes;

        friend bool operator==(const Limits &, const Limits &) = default;
    };

    QString path;
    Origin origin = Origin::User;
    bool present = false; // false: there is no such file, and it asks for nothing

    QStringList readOnlyPaths; // absolute host paths that exist (the user's file only)
    QStringList readWritePaths; // likewise
    QStringList deniedPaths; // relative to the workspace, without "." or ".." parts
    std::optional<QStringList> allowedHosts; // empty optional: the file does not say
    Limits limits;

    JsonKeyLines keyLines;

    // "path:line" of a key such as "limits.memory", or the path alone when the file has no
    // such key: notes point at the very line that asked.
    QString where(const QString &keyPath) const;
};

} // namespace tandem::sandbox
