#pragma once

#include "llm/modelclient.h"
#include "llm/providersettings.h"

#include "base/error.h"

#include <QProcess>

#include <memory>

namespace tandem::secrets {
class ApiKeyStore;
}

namespace tandem::app {

// Turns the --model option, or else the provider chosen in Settings, into a model client.
// `anthropic:NAME` talks to the Anthropic API (key from the keyring or ANTHROPIC_API_KEY,
// address from ANTHROPIC_BASE_URL); `openai:NAME` to an OpenAI-compatible server (address from
// OPENAI_BASE_URL or Settings, optional key from the keyring or OPENAI_API_KEY);
// `scripted:FILE` starts Tandem's scripted model server on loopback with that scenario. With
// neither option nor settings: Claude when a key is found, the scripted demo model otherwise.
class ModelSetup
{
public:
    ~ModelSetup();

    // The settings from Tandem's settings file, keys from the keyring or the environment.
    static base::Result<std::unique_ptr<ModelSetup>> create(const QString &spec);
    static base::Result<std::unique_ptr<ModelSetup>> create(const QString &spec,
                                                            const llm::ProviderSettings &settings,
                                                            const secrets::ApiKeyStore &keys);

    llm::ModelClient &client() const { return *m_client; }
    QString label() const { return m_label; }
    bool isScripted() const { return m_scripted; }
    bool isDemo() const { return m_demo; }

    static constexpr char kDefaultModel[] = "claude-sonnet-4-5";
    static constexpr char kDefaultOpenAiUrl[] = "http://127.0.0.1:11434/v1";

    // Hands the client to a llm::ModelSwitch; the setup (and its server) lives as long as it.
    static std::shared_ptr<llm::ModelClient> share(std::shared_ptr<ModelSetup> setup);

private:
    ModelSetup() = default;
    base::Status setUpFromSettings(const llm::ProviderSettings &settings,
                                   const secrets::ApiKeyStore &keys);
    base::Status setUpAnthropic(const QString &model, const llm::ProviderSettings &settings,
                                const secrets::ApiKeyStore &keys);
    base::Status setUpOpenAi(const QString &model, const llm::ProviderSettings &settings,
                             const secrets::ApiKeyStore &keys);
    base::Status setUpScripted(const QString &scenario);
    base::Result<QString> startServer(const QStringList &arguments);

    std::shared_ptr<llm::ModelClient> m_client;
    std::unique_ptr<QProcess> m_server;
    QString m_label;
    bool m_scripted = false;
    bool m_demo = false;
};

} // namespace tandem::app
