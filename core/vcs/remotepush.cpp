#include "vcs/remotepush.h"

#include "vcs/gitlibrary.h"
#include "vcs/repositorysource.h"
#include "vcs/vcslogging.h"

#include "base/softassert.h"

#include <QStringList>

namespace tandem::vcs::detail {

namespace {

// Enough of the remote's output to carry a hook's explanation into a one-line message.
constexpr int kMaxOutputInMessage = 400;

// Only review branches are ever a destination: never HEAD, never a user's branch.
bool isReviewBranch(const QByteArray &refName)
{
    return refName.startsWith("refs/heads/tandem/") && !refName.endsWith('/');
}

} // namespace

RemotePush::RemotePush(git_repository *repository, QString remoteName, QByteArray refName,
                       Credentials credentials, PushControl control)
    : m_repository(repository)
    , m_remoteName(std::move(remoteName))
    , m_refName(std::move(refName))
    , m_credentials(std::move(credentials))
    , m_control(std::move(control))
{}

base::Result<PushReport> RemotePush::run()
{
    if (!TANDEM_CHECK(isReviewBranch(m_refName)))
        return base::fail(QStringLiteral("push_refused"),
                          QStringLiteral("Tandem pushes only its review branches, not %1")
                              .arg(QString::fromUtf8(m_refName)));

    auto remote = openRemote();
    if (!remote)
        return std::unexpected(remote.error());

    // No leading '+': the remote must fast-forward or refuse.
    QByteArray refspec = m_refName + ':' + m_refName;
    char *specs[] = {refspec.data()};
    const git_strarray refspecs = {specs, 1};
    git_push_options options = pushOptions();

    qCInfo(lcVcs).noquote() << "pushing" << m_refName << "to" << m_remoteName << m_report.remoteUrl;
    const int code = git_remote_push(remote->get(), &refspecs, &options);
    m_report.remoteOutput = remoteOutput();
    if (code < 0 && cancelled()) {
        const base::Error failure = cancellation();
        qCInfo(lcVcs).noquote() << failure.message;
        return std::unexpected(failure);
    }
    if (code < 0) {
        const base::Error failure = transferFailure(code);
        qCWarning(lcVcs).noquote() << failure.message;
        return std::unexpected(failure);
    }

    m_credentials.confirm();
    completeReport();
    if (!m_report.allAccepted())
        return std::unexpected(rejection());

    qCInfo(lcVcs).noquote() << m_report.summary();
    return m_report;
}

base::Result<RemoteHandle> RemotePush::openRemote()
{
    git_remote *raw = nullptr;
    if (git_remote_lookup(&raw, m_repository, m_remoteName.toUtf8().constData()) < 0)
        return base::fail(QStringLiteral("no_remote"),
                          QStringLiteral("the repository has no remote named \"%1\": add it "
                                         "with git remote add %1 <url>")
                              .arg(m_remoteName));
    RemoteHandle remote(raw);

    const char *url = git_remote_pushurl(raw) ? git_remote_pushurl(raw) : git_remote_url(raw);
    m_rawUrl = QString::fromUtf8(url ? url : "");
    m_report.remoteName = m_remoteName;
    m_report.remoteUrl = RepositorySource::withoutCredentials(m_rawUrl);
    return remote;
}

git_push_options RemotePush::pushOptions()
{
    git_push_options options;
    git_push_options_init(&options, GIT_PUSH_OPTIONS_VERSION);
    options.callbacks.credentials = &RemotePush::onCredentials;
    options.callbacks.push_negotiation = &RemotePush::onNegotiation;
    options.callbacks.push_update_reference = &RemotePush::onUpdateReference;
    options.callbacks.sideband_progress = &RemotePush::onSideband;
    options.callbacks.push_transfer_progress = &RemotePush::onTransferProgress;
    options.callbacks.pack_progress = &RemotePush::onPackProgress;
    options.callbacks.payload = this;
    options.proxy_opts.type = GIT_PROXY_AUTO;
    return options;
}

int RemotePush::onCredentials(git_credential **out, const char *url, const char *usernameFromUrl,
                              unsigned int allowedTypes, void *payload)
{
    auto *push = static_cast<RemotePush *>(payload);
    if (push->cancelled())
        return GIT_EUSER;
    return push->m_credentials.acquire(out, url, usernameFromUrl, allowedTypes);
}

int RemotePush::onNegotiation(const git_push_update **updates, size_t count, void *payload)
{
    auto *push = static_cast<RemotePush *>(payload);
    // The last moment at which stopping leaves the remote untouched for certain.
    if (push->cancelled())
        return GIT_EUSER;
    for (size_t i = 0; i < count; ++i) {
        const git_push_update *update = updates[i];
        push->m_negotiated.push_back(
            {QByteArray(update->dst_refname), git_oid_equal(&update->src, &update->dst) != 0});
    }
    return 0;
}

int RemotePush::onUpdateReference(const char *refname, const char *status, void *payload)
{
    auto *push = static_cast<RemotePush *>(payload);
    PushReport::RefResult result;
    result.ref = QString::fromUtf8(refname);
    result.accepted = status == nullptr;
    result.message = push->m_credentials.scrub(QString::fromUtf8(status ? status : ""));
    push->m_report.refs.push_back(result);
    return 0;
}

int RemotePush::onSideband(const char *text, int length, void *payload)
{
    auto *push = static_cast<RemotePush *>(payload);
    if (length > 0)
        push->m_sideband.append(text, length);
    return push->cancelled() ? GIT_EUSER : 0;
}

int RemotePush::onTransferProgress(unsigned int current, unsigned int total, size_t bytes,
                                   void *payload)
{
    auto *push = static_cast<RemotePush *>(payload);
    if (push->cancelled())
        return GIT_EUSER;
    if (push->m_control.onProgress)
        push->m_control.onProgress({current, total, bytes});
    return 0;
}

int RemotePush::onPackProgress(int, uint32_t, uint32_t, void *payload)
{
    return static_cast<RemotePush *>(payload)->cancelled() ? GIT_EUSER : 0;
}

void RemotePush::completeReport()
{
    const QString ref = QString::fromUtf8(m_refName);
    for (const PushReport::RefResult &result : m_report.refs) {
        if (result.ref == ref)
            return;
    }

    // A remote that already had the commit sends no status for the ref.
    bool upToDate = m_negotiated.empty();
    for (const Negotiated &update : m_negotiated) {
        if (update.ref == m_refName)
            upToDate = update.upToDate;
    }
    PushReport::RefResult result;
    result.ref = ref;
    result.accepted = upToDate;
    result.message = upToDate ? QStringLiteral("already up to date")
                              : QStringLiteral("the remote did not confirm this ref");
    m_report.refs.push_back(result);
}

base::Error RemotePush::transferFailure(int code) const
{
    if (m_credentials.authenticationFailed())
        return base::Error::make(QStringLiteral("auth_failed"),
                                 m_credentials.failureMessage(m_report.remoteUrl));

    const QString ref = QString::fromUtf8(m_refName);
    if (code == GIT_ENONFASTFORWARD)
        return base::Error::make(
            QStringLiteral("push_rejected"),
            QStringLiteral("%1 on %2 has commits that this workspace does not have: fetch, "
                           "rebase the review branch onto it, then push again")
                .arg(ref, m_remoteName));

    QString reason = GitLibrary::lastError();
    if (!m_rawUrl.isEmpty())
        reason.replace(m_rawUrl, m_report.remoteUrl);
    return base::Error::make(
        QStringLiteral("push_failed"),
        m_credentials.scrub(QStringLiteral("cannot push %1 to %2 (%3): %4")
                                .arg(ref, m_remoteName, m_report.remoteUrl, reason)));
}

base::Error RemotePush::cancellation() const
{
    return base::Error::make(
        QStringLiteral("cancelled"),
        QStringLiteral("the push of %1 to %2 was stopped; the commit stays in the workspace")
            .arg(QString::fromUtf8(m_refName), m_remoteName));
}

base::Error RemotePush::rejection() const
{
    QStringList refused;
    for (const PushReport::RefResult &result : m_report.refs) {
        if (!result.accepted)
            refused << QStringLiteral("%1 (%2)").arg(result.ref, result.message);
    }

    QString message =
        QStringLiteral("%1 refused %2").arg(m_remoteName, refused.join(QStringLiteral(", ")));
    if (!m_report.remoteOutput.isEmpty()) {
        QString output = m_report.remoteOutput;
        output.replace(QLatin1Char('\n'), QStringLiteral(" / "));
        if (output.size() > kMaxOutputInMessage)
            output = output.left(kMaxOutputInMessage) + QStringLiteral("…");
        message += QStringLiteral(": remote said: ") + output;
    }
    qCWarning(lcVcs).noquote() << message;
    return base::Error::make(QStringLiteral("push_rejected"), message);
}

QString RemotePush::remoteOutput() const
{
    // Progress lines are redrawn with '\r'; only the last state of each line is worth keeping.
    QStringList lines;
    for (const QByteArray &line : m_sideband.split('\n')) {
        const QList<QByteArray> states = line.split('\r');
        for (auto state = states.crbegin(); state != states.crend(); ++state) {
            if (!state->trimmed().isEmpty()) {
                lines << QString::fromUtf8(state->trimmed());
                break;
            }
        }
    }
    return m_credentials.scrub(lines.join(QLatin1Char('\n')));
}

} // namespace tandem::vcs::detail
