#include "secrets/apikeystore.h"

#include <QEventLoop>
#include <QLoggingCategory>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <memory>

namespace tandem::secrets {

Q_DECLARE_LOGGING_CATEGORY(lcSecrets)

namespace {

struct JobResult
{
    QKeychain::Error error = QKeychain::OtherError;
    QString message;
    QString text;
};

// QtKeychain answers asynchronously; a local loop makes it a plain call. Without a session
// bus there is nobody to ask, and QtKeychain would only find that out slowly.
JobResult runJob(QKeychain::Job &job, int timeoutMs)
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return {QKeychain::NoBackendAvailable, QStringLiteral("no D-Bus session bus"), {}};

    // Never let QtKeychain write a secret into a plain file when the keyring is missing.
    job.setInsecureFallback(false);
    job.setAutoDelete(false);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    job.start();
    loop.exec();
    if (!timer.isActive())
        return {QKeychain::OtherError, QStringLiteral("the keyring did not answer in time"), {}};

    JobResult result{job.error(), job.errorString(), {}};
    if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(&job))
        result.text = read->textData();
    return result;
}

QString keyringMissing(const QString &why)
{
    return QStringLiteral("No desktop keyring is running (%1)").arg(why);
}

} // namespace

ApiKeyStore::ApiKeyStore(QString service)
    : m_service(std::move(service))
{}

QString ApiKeyStore::environmentVariable(const QString &provider)
{
    return provider.toUpper() + QStringLiteral("_API_KEY");
}

ApiKey ApiKeyStore::find(const QString &provider) const
{
    QKeychain::ReadPasswordJob job(m_service);
    job.setKey(provider);
    const JobResult result = runJob(job, timeoutMs);

    ApiKey key;
    if (result.error == QKeychain::NoError && !result.text.isEmpty()) {
        key.value = result.text;
        key.source = ApiKey::Source::Keyring;
        key.note = QStringLiteral("The %1 key comes from the desktop keyring.").arg(provider);
        qCInfo(lcSecrets, "%s key from the keyring", qPrintable(provider));
        return key;
    }

    const QString variable = environmentVariable(provider);
    QString keyring = result.error == QKeychain::EntryNotFound
                          ? QStringLiteral("The desktop keyring holds no %1 key").arg(provider)
                          : keyringMissing(result.message);
    if (result.error != QKeychain::EntryNotFound)
        qCWarning(lcSecrets, "%s: using the environment", qPrintable(keyring));

    key.value = qEnvironmentVariable(qPrintable(variable));
    if (!key.value.isEmpty()) {
        key.source = ApiKey::Source::Environment;
        key.note = QStringLiteral("%1; the key comes from %2.").arg(keyring, variable);
    } else {
        key.note = QStringLiteral("%1, and %2 is not set.").arg(keyring, variable);
    }
    return key;
}

base::Status ApiKeyStore::store(const QString &provider, const QString &key) const
{
    if (key.isEmpty())
        return forget(provider);

    QKeychain::WritePasswordJob job(m_service);
    job.setKey(provider);
    job.setTextData(key);
    const JobResult result = runJob(job, timeoutMs);
    if (result.error == QKeychain::NoError) {
        qCInfo(lcSecrets, "%s key stored in the keyring", qPrintable(provider));
        return {};
    }
    return base::fail(
        "keyring_unavailable",
        QStringLiteral("%1, so the key was not saved (Tandem never writes keys to its "
                       "settings file). Start your desktop's keyring, or set %2 in "
                       "the environment.")
            .arg(keyringMissing(result.message), environmentVariable(provider)));
}

base::Status ApiKeyStore::forget(const QString &provider) const
{
    QKeychain::DeletePasswordJob job(m_service);
    job.setKey(provider);
    const JobResult result = runJob(job, timeoutMs);
    if (result.error == QKeychain::NoError || result.error == QKeychain::EntryNotFound)
        return {};
    return base::fail("keyring_unavailable",
                      QStringLiteral("%1: the stored key could not be removed.")
                          .arg(keyringMissing(result.message)));
}

} // namespace tandem::secrets
