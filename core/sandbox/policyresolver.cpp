#include "sandbox/policyresolver.h"

#include "sandbox/hostallowlist.h"
#include "sandbox/limitunits.h"
#include "sandbox/policyfilereader.h"

#include <QLoggingCategory>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

void appendNew(QStringList &list, const QStringList &more)
{
    for (const QString &item : more) {
        if (!list.contains(item))
            list << item;
    }
}

QString quoted(const QString &text)
{
    return u'"' + text + u'"';
}

// One combination of a base policy and the two files; it collects the notes as it goes.
class Combiner
{
public:
    Combiner(const SandboxPolicy &base, const PolicyFile &user, const PolicyFile &repository)
        : m_user(user)
        , m_repository(repository)
        , m_userPath(user.path.isEmpty() ? PolicyFileReader::userFilePath() : user.path)
    {
        m_resolved.policy = base;
    }

    base::Result<ResolvedPolicy> run()
    {
        for (const PolicyFile *file : {&m_user, &m_repository}) {
            if (file->present)
                m_resolved.files << file->path;
        }

        binds();
        deniedPaths();
        if (auto status = hosts(); !status)
            return std::unexpected(status.error());
        limits();

        for (const QString &note : std::as_const(m_resolved.notes))
            qCInfo(lcSandbox, "%s", qPrintable(note));
        return m_resolved;
    }

private:
    void binds()
    {
        appendNew(m_resolved.policy.readOnlyPaths, m_user.readOnlyPaths);
        appendNew(m_resolved.policy.readWritePaths, m_user.readWritePaths);
    }

    void deniedPaths()
    {
        QStringList &denied = m_resolved.policy.deniedPaths;
        appendNew(denied, SandboxPolicy::defaultDeniedPaths());
        appendNew(denied, m_user.deniedPaths);
        appendNew(denied, m_repository.deniedPaths);
    }

    // The repository names the hosts it needs; the user's allowlist decides which of them it
    // gets. Neither side alone can open the network wider than the other agreed to.
    base::Status hosts()
    {
        const QStringList userHosts = m_user.allowedHosts.value_or(m_resolved.policy.allowedHosts);
        const auto allowlist = HostAllowlist::parse(userHosts);
        if (!allowlist)
            return std::unexpected(allowlist.error());
        if (!m_repository.allowedHosts) {
            m_resolved.policy.allowedHosts = allowlist->patterns();
            return {};
        }

        QStringList granted;
        const QStringList &asked = *m_repository.allowedHosts;
        for (qsizetype i = 0; i < asked.size(); ++i) {
            const auto wanted = HostAllowlist::parse({asked.at(i)});
            if (!wanted)
                return std::unexpected(wanted.error());
            if (allowlist->covers(asked.at(i)))
                appendNew(granted, wanted->patterns());
            else
                hostRefused(asked.at(i), i);
        }
        m_resolved.policy.allowedHosts = granted;
        return {};
    }

    void hostRefused(const QString &host, qsizetype index)
    {
        const QString asker = m_repository.where(QStringLiteral("network.allow[%1]").arg(index));
        if (!m_user.present) {
            m_resolved.notes << QStringLiteral(
                                    "%1 asks for network access to %2, which is not allowed: "
                                    "without a sandbox file of your own the sandbox has no "
                                    "network. To allow it, create %3 with "
                                    "{\"network\": {\"allow\": [%2]}}.")
                                    .arg(asker, quoted(host), m_userPath);
            return;
        }
        m_resolved.notes << QStringLiteral("%1 asks for network access to %2, which your "
                                           "allowlist does not cover, so it is not allowed. To "
                                           "allow it, add %2 to network.allow in %3.")
                                .arg(asker, quoted(host), m_userPath);
    }

    void limits()
    {
        using std::chrono::milliseconds;
        ResourceLimits &effective = m_resolved.policy.limits;
        const PolicyFile::Limits &user = m_user.limits;
        const PolicyFile::Limits &repository = m_repository.limits;

        const auto duration = [](milliseconds value) {
            return quoted(LimitUnits::formatDuration(value));
        };
        const auto seconds = [](std::chrono::seconds value) {
            return quoted(LimitUnits::formatDuration(value));
        };
        const auto size = [](qint64 value) { return quoted(LimitUnits::formatSize(value)); };
        const auto number = [](int value) { return QString::number(value); };

        limit("wallTime", effective.wallTime, user.wallTime, repository.wallTime, duration);
        limit("cpuTime", effective.cpuTime, user.cpuTime, repository.cpuTime, seconds);
        limit("memory", effective.memoryBytes, user.memoryBytes, repository.memoryBytes, size);
        limit("processes", effective.processes, user.processes, repository.processes, number);
        limit("output", effective.outputBytes, user.outputBytes, repository.outputBytes, size);
        limit("disk", effective.diskBytes, user.diskBytes, repository.diskBytes, size);
    }

    // The user's value replaces the default, up or down; the repository's can only lower what
    // that leaves. A zero in the base means no limit, which any request lowers.
    template <typename T, typename Spell>
    void limit(const char *key, T &effective, const std::optional<T> &user,
               const std::optional<T> &repository, Spell spell)
    {
        if (user)
            effective = *user;
        if (!repository)
            return;

        const bool unlimited = effective == T{};
        if (unlimited || *repository <= effective) {
            effective = *repository;
            return;
        }

        const QString keyPath = QStringLiteral("limits.") + QLatin1String(key);
        const QString source =
            user ? QStringLiteral("your limit") : QStringLiteral("Tandem's default");
        m_resolved.notes << QStringLiteral("%1 asks for %2 %3; %4 applies (%5). To allow it, "
                                           "set %2 to %3 in %6.")
                                .arg(m_repository.where(keyPath), keyPath, spell(*repository),
                                     spell(effective), source, m_userPath);
    }

    const PolicyFile &m_user;
    const PolicyFile &m_repository;
    const QString m_userPath;
    ResolvedPolicy m_resolved;
};

} // namespace

base::Result<ResolvedPolicy> PolicyResolver::resolve(const SandboxPolicy &base,
                                                     const QString &repository)
{
    const auto user =
        PolicyFileReader::read(PolicyFileReader::userFilePath(), PolicyFile::Origin::User);
    if (!user)
        return std::unexpected(user.error());

    PolicyFile repositoryFile;
    repositoryFile.origin = PolicyFile::Origin::Repository;
    if (!repository.isEmpty()) {
        auto read = PolicyFileReader::read(PolicyFileReader::repositoryFilePath(repository),
                                           PolicyFile::Origin::Repository);
        if (!read)
            return std::unexpected(read.error());
        repositoryFile = std::move(*read);
    }
    return combine(base, *user, repositoryFile);
}

base::Result<ResolvedPolicy> PolicyResolver::combine(const SandboxPolicy &base,
                                                     const PolicyFile &user,
                                                     const PolicyFile &repository)
{
    return Combiner(base, user, repository).run();
}

} // namespace tandem::sandbox
