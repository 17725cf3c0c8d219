#include "vcs/gitlibrary.h"

#include "vcs/vcslogging.h"

#include <git2.h>

#include <mutex>

namespace tandem::vcs::detail {

namespace {

// git reads no system config under GIT_CONFIG_NOSYSTEM; libgit2 does not know the variable.
// Following it keeps the identity and helpers libgit2 sees equal to what `git` sees, which
// matters because credentials come from `git credential fill`.
void followGitConfigEnvironment()
{
    const QByteArray noSystem = qgetenv("GIT_CONFIG_NOSYSTEM").trimmed().toLower();
    if (noSystem.isEmpty() || noSystem == "0" || noSystem == "false" || noSystem == "no")
        return;

    if (git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, "") < 0)
        qCWarning(lcVcs) << "cannot skip the system git config:" << GitLibrary::lastError();
}

} // namespace

void GitLibrary::ensureInitialized()
{
    static std::once_flag once;
    std::call_once(once, [] {
        git_libgit2_init();
        followGitConfigEnvironment();
        int major = 0;
        int minor = 0;
        int revision = 0;
        git_libgit2_version(&major, &minor, &revision);
        qCInfo(lcVcs, "libgit2 %d.%d.%d ready", major, minor, revision);
    });
}

QString GitLibrary::lastError(const QString &fallback)
{
    const git_error *error = git_error_last();
    if (!error || !error->message || !*error->message)
        return fallback;
    return QString::fromUtf8(error->message).trimmed();
}

QByteArray GitLibrary::oidToHex(const git_oid &oid)
{
    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, &oid);
    return QByteArray(hex);
}

} // namespace tandem::vcs::detail
