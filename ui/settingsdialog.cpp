#include "ui/settingsdialog.h"

#include "ui/logging.h"

#include "llm/anthropicclient.h"
#include "secrets/apikeystore.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tandem::ui {

using Provider = llm::ProviderSettings::Provider;

namespace {

// Models Ollama and llama.cpp users commonly pull; any other name works.
const QStringList kOpenAiExamples = {QStringLiteral("qwen2.5-coder:14b"),
                                     QStringLiteral("llama3.1:8b"),
                                     QStringLiteral("mistral-small")};

} // namespace

SettingsDialog::SettingsDialog(const llm::ProviderSettings &settings,
                               const secrets::ApiKeyStore &keys, QWidget *parent)
    : QDialog(parent)
    , m_keys(keys)
    , m_initial(settings)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Tandem Settings"));
    buildForm();

    m_provider->setCurrentIndex(m_provider->findData(llm::ProviderSettings::keyOf(
        settings.configured ? settings.provider : Provider::ScriptedDemo)));
    showProvider();
    if (!settings.model.isEmpty())
        m_model->setCurrentText(settings.model);
    m_baseUrl->setText(settings.baseUrl);
    m_maxTokens->setValue(settings.maxTokens);
    connect(m_provider, &QComboBox::currentIndexChanged, this, &SettingsDialog::showProvider);
}

void SettingsDialog::buildForm()
{
    m_provider = new QComboBox(this);
    m_provider->setObjectName(QStringLiteral("providerBox"));
    m_provider->addItem(tr("Scripted demo model"), QStringLiteral("demo"));
    m_provider->addItem(tr("Anthropic"), QStringLiteral("anthropic"));
    m_provider->addItem(tr("OpenAI-compatible server (Ollama, llama.cpp, vLLM)"),
                        QStringLiteral("openai"));

    m_model = new QComboBox(this);
    m_model->setObjectName(QStringLiteral("modelBox"));
    m_model->setEditable(true); // any id the provider knows, not only the listed ones
    m_baseUrl = new QLineEdit(this);
    m_baseUrl->setObjectName(QStringLiteral("baseUrlEdit"));
    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("keyEdit"));
    m_key->setEchoMode(QLineEdit::Password);
    m_keyNote = new QLabel(this);
    m_keyNote->setObjectName(QStringLiteral("keyNote"));
    m_keyNote->setWordWrap(true);
    m_maxTokens = new QSpinBox(this);
    m_maxTokens->setObjectName(QStringLiteral("maxTokensBox"));
    m_maxTokens->setRange(0, 1'000'000);
    m_maxTokens->setSingleStep(1024);
    m_maxTokens->setSpecialValueText(tr("Tandem's default (8192)"));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b91c1c;"));
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Provider"), m_provider);
    form->addRow(tr("Model"), m_model);
    form->addRow(tr("Base URL"), m_baseUrl);
    form->addRow(tr("API key"), m_key);
    form->addRow(QString(), m_keyNote);
    form->addRow(tr("Max tokens per reply"), m_maxTokens);

    auto *applies = new QLabel(tr("Changes apply from the next task you send."), this);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(applies);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setMinimumWidth(520);
}

Provider SettingsDialog::provider() const
{
    return llm::ProviderSettings::providerOf(providerKey()).value_or(Provider::ScriptedDemo);
}

QString SettingsDialog::providerKey() const
{
    return m_provider->currentData().toString();
}

// Each provider has its own models, address and key; the demo has none of them.
void SettingsDialog::showProvider()
{
    const Provider chosen = provider();
    const bool demo = chosen == Provider::ScriptedDemo;
    const QString typed = m_model->currentText();
    m_model->clear();
    if (chosen == Provider::Anthropic) {
        m_model->addItems(llm::AnthropicClient::suggestedModels());
        m_baseUrl->setPlaceholderText(QStringLiteral("https://api.anthropic.com"));
    } else if (chosen == Provider::OpenAiCompatible) {
        m_model->addItems(kOpenAiExamples);
        m_baseUrl->setPlaceholderText(QStringLiteral("http://127.0.0.1:11434/v1"));
    }
    const bool sameProvider = m_initial.configured && m_initial.provider == chosen;
    if (sameProvider && !m_initial.model.isEmpty())
        m_model->setCurrentText(m_initial.model);
    else if (!typed.isEmpty() && m_model->findText(typed) >= 0)
        m_model->setCurrentText(typed);

    for (QWidget *field : {static_cast<QWidget *>(m_model), static_cast<QWidget *>(m_baseUrl),
                           static_cast<QWidget *>(m_key)})
        field->setEnabled(!demo);
    m_key->clear();
    if (demo) {
        m_key->setPlaceholderText(QString());
        m_keyNote->setText(tr("The demo model needs no key and sends nothing anywhere."));
        return;
    }
    m_key->setPlaceholderText(tr("Leave empty to keep the current key"));
    m_keyNote->setText(m_keys.find(providerKey()).note);
}

llm::ProviderSettings SettingsDialog::settings() const
{
    llm::ProviderSettings chosen;
    chosen.configured = true;
    chosen.provider = provider();
    if (chosen.provider != Provider::ScriptedDemo) {
        chosen.model = m_model->currentText().trimmed();
        chosen.baseUrl = m_baseUrl->text().trimmed();
    }
    chosen.maxTokens = m_maxTokens->value();
    return chosen;
}

void SettingsDialog::accept()
{
    const llm::ProviderSettings chosen = settings();
    if (chosen.provider == Provider::OpenAiCompatible && chosen.model.isEmpty()) {
        m_error->setText(tr("Name the model the server should run."));
        m_error->show();
        return;
    }

    const QString key = m_key->text().trimmed();
    m_key->clear(); // the typed key leaves the widget whatever happens next
    if (!key.isEmpty()) {
        if (auto stored = m_keys.store(providerKey(), key); !stored) {
            qCWarning(lcUi, "the API key was not stored: %s", qPrintable(stored.error().code));
            m_error->setText(stored.error().message + QLatin1Char(' ')
                             + tr("Press OK again to save the other settings without it."));
            m_error->show();
            return;
        }
    }
    QDialog::accept();
}

} // namespace tandem::ui
