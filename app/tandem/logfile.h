#pragma once

#include <QString>

namespace tandem::app {

// Sends Qt's log messages to a file instead of the terminal, so that `tandem run` keeps stderr
// for the one line a user acts on. The file keeps the details for later.
class LogFile
{
public:
    static void install(const QString &path);
};

} // namespace tandem::app
