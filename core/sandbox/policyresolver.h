#pragma once

#include "sandbox/policyfile.h"
#include "sandbox/sandboxpolicy.h"

#include "base/error.h"

#include <QString>
#include <QStringList>

namespace tandem::sandbox {

// The policy a session runs under, with a line for each thing that was asked for and not
// granted in full.
struct ResolvedPolicy
{
    SandboxPolicy policy;
    // Each note says what a file asked for, what applies instead, and which file to edit to
    // allow it. Nothing is narrowed without one.
    QStringList notes;
    // The policy files that existed and were applied, the user's first.
    QStringList files;
};

// Combines the user's sandbox.json and the repository's .tandem/sandbox.json over a base
// policy. The user's file speaks for the person at the machine; the repository's arrives with
// the code and may only ask for less, or for hosts the user already allows:
//
// - limits: the user's value (or the base's, when the user says nothing), lowered to the
//   repository's where it asks for less; a repository asking for more gets a note.
// - hosts: when the repository asks, those of its hosts the user's allowlist covers, each
//   dropped one with a note; when it does not ask, the user's list. With no user's list (or
//   no file) the base's hosts stand for it, normally none: no network.
// - denied paths: the base's, SandboxPolicy::defaultDeniedPaths(), the user's and the
//   repository's together.
// - read-only and read-write binds: the base's and the user's.
//
//     SandboxPolicy base;
//     base.workspace = worktree;
//     auto resolved = PolicyResolver::resolve(base, repository);
//     if (!resolved)
//         return std::unexpected(resolved.error()); // names file, line and key
//     for (const QString &note : resolved->notes)
//         show(note);
class PolicyResolver
{
public:
    // Reads both files (an empty repository: the user's file alone) and combines them.
    static base::Result<ResolvedPolicy> resolve(const SandboxPolicy &base,
                                                const QString &repository);

    // Combines files already read; one with present == false asks for nothing.
    static base::Result<ResolvedPolicy> combine(const SandboxPolicy &base, const PolicyFile &user,
                                                const PolicyFile &repository);
};

} // namespace tandem::sandbox
