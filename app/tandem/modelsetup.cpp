#include "modelsetup.h"

#include "datadirectory.h"

#include "llm/anthropicclient.h"
#include "llm/openaicompatibleclient.h"
#include "secrets/apikeystore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSettings>

namespace tandem::app {

Q_DECLARE_LOGGING_CATEGORY(lcApp)

namespace {

constexpr int kServerStartMs = 10'000;

// The server's complaints go to a file: the terminal keeps the one line the user acts on.
QString serverLogPath()
{
    return dataDirectory() + QStringLiteral("/model-server.log");
}

QString lastLineOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    return QString::fromUtf8(lines.last()).trimmed();
}

QString serverProgram()
{
    const QString configured = qEnvironmentVariable("TANDEM_MODEL_SERVER");
    if (!configured.isEmpty())
        return configured;
    return QDir(QCoreApplication::applicationDirPath())
        .filePath(QStringLiteral("tandem-model-server"));
}

} // namespace

ModelSetup::~ModelSetup()
{
    if (m_server && m_server->state() != QProcess::NotRunning) {
        m_server->kill();
        m_server->waitForFinished(2000);
    }
}

base::Result<std::unique_ptr<ModelSetup>> ModelSetup::create(const QString &spec)
{
    const auto file = llm::ProviderSettings::open();
    return create(spec, llm::ProviderSettings::load(*file), secrets::ApiKeyStore());
}

base::Result<std::unique_ptr<ModelSetup>> ModelSetup::create(const QString &spec,
                                                             const llm::ProviderSettings &settings,
                                                             const secrets::ApiKeyStore &keys)
{
    std::unique_ptr<ModelSetup> setup(new ModelSetup);

    // The command line wins over the settings file; the default model over nothing.
    base::Status ready;
    if (spec.isEmpty())
        ready = setup->setUpFromSettings(settings, keys);
    else if (spec.startsWith(QLatin1String("anthropic:")) && spec.size() > 10)
        ready = setup->setUpAnthropic(spec.mid(10), settings, keys);
    else if (spec.startsWith(QLatin1String("openai:")) && spec.size() > 7)
        ready = setup->setUpOpenAi(spec.mid(7), settings, keys);
    else if (spec.startsWith(QLatin1String("scripted:")) && spec.size() > 9)
        ready = setup->setUpScripted(spec.mid(9));
    else
        ready = base::fail("bad_model",
                           QStringLiteral("--model %1 is not understood: use anthropic:NAME (for "
                                          "example anthropic:%2), openai:NAME or scripted:FILE.")
                               .arg(spec, QString::fromLatin1(kDefaultModel)));

    if (!ready)
        return std::unexpected(ready.error());
    return setup;
}

std::shared_ptr<llm::ModelClient> ModelSetup::share(std::shared_ptr<ModelSetup> setup)
{
    llm::ModelClient *client = setup->m_client.get();
    return std::shared_ptr<llm::ModelClient>(std::move(setup), client);
}

base::Status ModelSetup::setUpFromSettings(const llm::ProviderSettings &settings,
                                           const secrets::ApiKeyStore &keys)
{
    using Provider = llm::ProviderSettings::Provider;
    if (!settings.configured) {
        const bool haveKey = !keys.find(QStringLiteral("anthropic")).isEmpty();
        return haveKey ? setUpAnthropic(QString::fromLatin1(kDefaultModel), settings, keys)
                       : setUpScripted(QString());
    }
    switch (settings.provider) {
    case Provider::Anthropic:
        return setUpAnthropic(settings.model.isEmpty() ? QString::fromLatin1(kDefaultModel)
                                                       : settings.model,
                              settings, keys);
    case Provider::OpenAiCompatible:
        return setUpOpenAi(settings.model, settings, keys);
    case Provider::ScriptedDemo:
        break;
    }
    return setUpScripted(QString());
}

base::Status ModelSetup::setUpAnthropic(const QString &model, const llm::ProviderSettings &settings,
                                        const secrets::ApiKeyStore &keys)
{
    const secrets::ApiKey key = keys.find(QStringLiteral("anthropic"));
    if (key.isEmpty()) {
        return base::fail("no_api_key",
                          QStringLiteral("No Anthropic API key: %1 Save one in Settings (Ctrl+,) "
                                         "or export ANTHROPIC_API_KEY, or use --model "
                                         "scripted:FILE to run without one.")
                              .arg(key.note));
    }
    qCInfo(lcApp, "%s", qPrintable(key.note));

    llm::AnthropicClient::Config config;
    const QString baseUrl = qEnvironmentVariable("ANTHROPIC_BASE_URL", settings.baseUrl);
    if (!baseUrl.isEmpty())
        config.baseUrl = baseUrl;
    config.apiKey = key.value;
    config.model = model;
    config.maxTokens = settings.maxTokens;
    m_client = std::make_shared<llm::AnthropicClient>(config);
    m_label = QStringLiteral("anthropic:%1").arg(model);
    return {};
}

base::Status ModelSetup::setUpOpenAi(const QString &model, const llm::ProviderSettings &settings,
                                     const secrets::ApiKeyStore &keys)
{
    if (model.isEmpty()) {
        return base::fail("bad_model",
                          QStringLiteral("No model is named for the OpenAI-compatible server: "
                                         "choose one in Settings (Ctrl+,) or pass "
                                         "--model openai:NAME."));
    }

    llm::OpenAiCompatibleClient::Config config;
    QString baseUrl = qEnvironmentVariable("OPENAI_BASE_URL", settings.baseUrl);
    config.baseUrl = baseUrl.isEmpty() ? QString::fromLatin1(kDefaultOpenAiUrl) : baseUrl;
    // Local servers rarely want a key: none found is not an error.
    config.apiKey = keys.find(QStringLiteral("openai")).value;
    config.model = model;
    config.maxTokens = settings.maxTokens;
    m_label = QStringLiteral("openai:%1 at %2").arg(model, config.baseUrl);
    config.label = m_label;
    m_client = std::make_shared<llm::OpenAiCompatibleClient>(config);
    return {};
}

base::Status ModelSetup::setUpScripted(const QString &scenario)
{
    QStringList arguments;
    if (scenario.isEmpty()) {
        arguments << QStringLiteral("--demo");
        m_demo = true;
    } else if (!QFileInfo(scenario).isFile()) {
        return base::fail("bad_model", QStringLiteral("The scenario file %1 does not exist: pass "
                                                      "--model scripted:FILE with a scenario.")
                                           .arg(scenario));
    } else {
        arguments << QStringLiteral("--scenario") << QFileInfo(scenario).absoluteFilePath();
    }

    auto url = startServer(arguments);
    if (!url)
        return std::unexpected(url.error());

    llm::AnthropicClient::Config config;
    config.baseUrl = *url;
    // The scripted server wants a key like the real API does; it never sees the user's.
    config.apiKey = QStringLiteral("scripted");
    config.model = QStringLiteral("scripted");
    m_label = m_demo ? QStringLiteral("scripted demo model")
                     : QStringLiteral("scripted:%1").arg(QFileInfo(scenario).fileName());
    config.label = m_label;
    m_client = std::make_shared<llm::AnthropicClient>(config);
    m_scripted = true;
    return {};
}

base::Result<QString> ModelSetup::startServer(const QStringList &arguments)
{
    const QString program = serverProgram();
    m_server = std::make_unique<QProcess>();
    QDir().mkpath(QFileInfo(serverLogPath()).absolutePath());
    QFile::remove(serverLogPath());
    m_server->setStandardErrorFile(serverLogPath());
    m_server->start(program, arguments
                                 + QStringList{QStringLiteral("--port"), QStringLiteral("0"),
                                               QStringLiteral("--exit-with-parent")});
    if (!m_server->waitForStarted(kServerStartMs)) {
        return base::fail("model_server",
                          QStringLiteral("Cannot start the scripted model server %1: %2")
                              .arg(program, m_server->errorString()));
    }

    static const QRegularExpression listening(QStringLiteral("listening on (http://\\S+)"));
    QByteArray firstLine;
    while (!firstLine.contains('\n') && m_server->waitForReadyRead(kServerStartMs))
        firstLine += m_server->readAllStandardOutput();

    const auto match = listening.match(QString::fromUtf8(firstLine));
    if (!match.hasMatch()) {
        m_server->waitForFinished(kServerStartMs);
        return base::fail("model_server",
                          QStringLiteral("The scripted model server did not start: %1")
                              .arg(lastLineOf(serverLogPath())));
    }
    qCInfo(lcApp, "scripted model server at %s", qPrintable(match.captured(1)));
    return match.captured(1);
}

} // namespace tandem::app
