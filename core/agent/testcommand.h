#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace tandem::agent {

// The repository's own test command, as a developer would run it: configured in
// `.tandem/test-command`, or detected from the project's files (npm test, pytest, unittest,
// ctest, cargo test, make test).
struct TestCommand
{
    QStringList argv;
    QString origin; // "configured" or what it was detected from

    static std::optional<TestCommand> find(const QString &workspace);
};

} // namespace tandem::agent
