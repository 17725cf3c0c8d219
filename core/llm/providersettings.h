#pragma once

#include <QString>

#include <memory>
#include <optional>

class QSettings;

namespace tandem::llm {

// Which model the user chose in Settings, kept with QSettings in Tandem's XDG configuration
// folder ($XDG_CONFIG_HOME/tandem/Tandem.conf). It holds no API key: keys live in the keyring
// or the environment (secrets::ApiKeyStore).
struct ProviderSettings
{
    enum class Provider { ScriptedDemo, Anthropic, OpenAiCompatible };

    bool configured = false; // false until the user saves the dialog once
    Provider provider = Provider::ScriptedDemo;
    QString model; // empty: the provider's default
    QString baseUrl; // empty: the provider's default
    int maxTokens = 0; // 0: Tandem's default

    static ProviderSettings load(QSettings &settings);
    void save(QSettings &settings) const;

    // Tandem's own settings file.
    static std::unique_ptr<QSettings> open();

    // "demo", "anthropic", "openai": the names the settings file and the key store use.
    static QString keyOf(Provider provider);
    static std::optional<Provider> providerOf(const QString &key);
};

} // namespace tandem::llm
