#pragma once

#include "sandbox/policyfile.h"

#include "base/error.h"

#include <QByteArray>
#include <QString>

namespace tandem::sandbox {

// Reads and checks one sandbox.json. Anything it does not understand is an error, never
// skipped: a misspelt key that was ignored would leave the sandbox weaker than its author
// meant. Every error names the file, the line and the key path and says what was expected:
//
//     /repo/.tandem/sandbox.json:7: limits.memory: expected a size such as "512M" ..., got true
//
//     auto user = PolicyFileReader::read(PolicyFileReader::userFilePath(),
//                                        PolicyFile::Origin::User);
//     if (!user)
//         return std::unexpected(user.error());
class PolicyFileReader
{
public:
    // $XDG_CONFIG_HOME/tandem/sandbox.json (~/.config/tandem/sandbox.json when it is unset).
    static QString userFilePath();
    // <repository>/.tandem/sandbox.json.
    static QString repositoryFilePath(const QString &repository);

    // A file that does not exist is no error: it comes back with present == false. One that
    // exists but cannot be read is, and so is, for a repository, a file or .tandem folder that
    // is a symbolic link (it could point anywhere on the host).
    static base::Result<PolicyFile> read(const QString &path, PolicyFile::Origin origin);

    // Checks text as the content of path; path only names the file in errors and notes.
    static base::Result<PolicyFile> parse(const QByteArray &text, const QString &path,
                                          PolicyFile::Origin origin);

    // A policy is a few hundred bytes; a file far larger is a mistake or a trap.
    static constexpr qint64 kMaxFileBytes = qint64(1) << 20;
};

} // namespace tandem::sandbox
