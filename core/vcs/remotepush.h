#pragma once

#include "vcs/credentialprovider.h"
#include "vcs/githandle.h"
#include "vcs/pushcontrol.h"
#include "vcs/pushreport.h"
#include "vcs/reviewworkspace.h"

#include "base/error.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace tandem::vcs::detail {

// One push of one branch to a remote named in the repository's config. Success is decided
// from what the remote said of the ref, never from libgit2's return value alone, and the
// refspec never forces.
class RemotePush
{
public:
    RemotePush(git_repository *repository, QString remoteName, QByteArray refName,
               Credentials credentials, PushControl control = {});

    base::Result<PushReport> run();
    // What the remote said of each ref so far, also when run() failed.
    const PushReport &report() const { return m_report; }

private:
    struct Negotiated
    {
        QByteArray ref;
        bool upToDate = false;
    };

    static int onCredentials(git_credential **out, const char *url, const char *usernameFromUrl,
                             unsigned int allowedTypes, void *payload);
    static int onNegotiation(const git_push_update **updates, size_t count, void *payload);
    static int onUpdateReference(const char *refname, const char *status, void *payload);
    static int onSideband(const char *text, int length, void *payload);
    static int onTransferProgress(unsigned int current, unsigned int total, size_t bytes,
                                  void *payload);
    static int onPackProgress(int stage, uint32_t current, uint32_t total, void *payload);

    base::Result<RemoteHandle> openRemote();
    git_push_options pushOptions();
    void completeReport();
    base::Error transferFailure(int code) const;
    base::Error rejection() const;
    base::Error cancellation() const;
    bool cancelled() const { return m_control.cancel.isCancelled(); }
    QString remoteOutput() const;

    git_repository *m_repository;
    QString m_remoteName;
    QByteArray m_refName;
    QString m_rawUrl;
    CredentialProvider m_credentials;
    PushControl m_control;
    PushReport m_report;
    QByteArray m_sideband;
    std::vector<Negotiated> m_negotiated;
};

} // namespace tandem::vcs::detail
