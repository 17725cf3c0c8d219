#pragma once

#include "base/error.h"

#include <QString>

namespace tandem::secrets {

// A provider's API key and where it was found.
struct ApiKey
{
    enum class Source { None, Keyring, Environment };

    QString value;
    Source source = Source::None;
    // For the user: where the key came from, or why the keyring could not be asked.
    QString note;

    bool isEmpty() const { return value.isEmpty(); }
};

// API keys in the desktop keyring (the Secret Service, through QtKeychain), with the
// environment (ANTHROPIC_API_KEY, OPENAI_API_KEY) as the fallback. A key is never written to a
// settings file, even when no keyring runs: then storing fails and says so. Blocks while the
// keyring answers (it may ask the user to unlock it), up to a timeout.
//
//     ApiKeyStore keys;
//     ApiKey key = keys.find(QStringLiteral("anthropic"));
//     if (key.isEmpty()) showWhy(key.note);
class ApiKeyStore
{
public:
    explicit ApiKeyStore(QString service = QStringLiteral("Tandem"));

    // The keyring's entry for `provider` ("anthropic", "openai"), else its environment variable.
    ApiKey find(const QString &provider) const;
    base::Status store(const QString &provider, const QString &key) const;
    base::Status forget(const QString &provider) const;

    // "ANTHROPIC_API_KEY" for "anthropic", "OPENAI_API_KEY" for "openai".
    static QString environmentVariable(const QString &provider);

    // How long to wait for the keyring, which may be showing an unlock prompt.
    int timeoutMs = 30'000;

private:
    QString m_service;
};

} // namespace tandem::secrets
