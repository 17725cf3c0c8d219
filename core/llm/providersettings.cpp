#include "llm/providersettings.h"

#include <QSettings>

#include <algorithm>

namespace tandem::llm {

namespace {

constexpr char kProvider[] = "model/provider";
constexpr char kModel[] = "model/name";
constexpr char kBaseUrl[] = "model/baseUrl";
constexpr char kMaxTokens[] = "model/maxTokens";

} // namespace

QString ProviderSettings::keyOf(Provider provider)
{
    switch (provider) {
    case Provider::Anthropic:
        return QStringLiteral("anthropic");
    case Provider::OpenAiCompatible:
        return QStringLiteral("openai");
    case Provider::ScriptedDemo:
        break;
    }
    return QStringLiteral("demo");
}

std::optional<ProviderSettings::Provider> ProviderSettings::providerOf(const QString &key)
{
    for (Provider provider :
         {Provider::ScriptedDemo, Provider::Anthropic, Provider::OpenAiCompatible}) {
        if (keyOf(provider) == key)
            return provider;
    }
    return std::nullopt;
}

std::unique_ptr<QSettings> ProviderSettings::open()
{
    // $XDG_CONFIG_HOME/tandem/Tandem.conf (an INI file on Linux), whatever the application's
    // own name is set to.
    return std::make_unique<QSettings>(QSettings::NativeFormat, QSettings::UserScope,
                                       QStringLiteral("tandem"), QStringLiteral("Tandem"));
}

ProviderSettings ProviderSettings::load(QSettings &settings)
{
    ProviderSettings loaded;
    const auto provider = providerOf(settings.value(kProvider).toString());
    if (!provider)
        return loaded;
    loaded.configured = true;
    loaded.provider = *provider;
    loaded.model = settings.value(kModel).toString().trimmed();
    loaded.baseUrl = settings.value(kBaseUrl).toString().trimmed();
    loaded.maxTokens = std::max(0, settings.value(kMaxTokens, 0).toInt());
    return loaded;
}

void ProviderSettings::save(QSettings &settings) const
{
    settings.setValue(kProvider, keyOf(provider));
    settings.setValue(kModel, model);
    settings.setValue(kBaseUrl, baseUrl);
    settings.setValue(kMaxTokens, maxTokens);
    settings.sync();
}

} // namespace tandem::llm
