#pragma once

#include "llm/providersettings.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace tandem::secrets {
class ApiKeyStore;
}

namespace tandem::ui {

// Settings > Model: which provider answers (the scripted demo, Anthropic, or an
// OpenAI-compatible server), the model, the server's address, the API key and the reply length.
// The key goes to the keyring through `keys`, never to the settings; when no keyring runs the
// dialog says so and keeps the rest. The caller saves settings() and applies them to the next
// task.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const llm::ProviderSettings &settings, const secrets::ApiKeyStore &keys,
                   QWidget *parent = nullptr);

    llm::ProviderSettings settings() const;

    void accept() override;

private:
    void buildForm();
    void showProvider();
    llm::ProviderSettings::Provider provider() const;
    QString providerKey() const;

    const secrets::ApiKeyStore &m_keys;
    llm::ProviderSettings m_initial;
    QComboBox *m_provider = nullptr;
    QComboBox *m_model = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_key = nullptr;
    QLabel *m_keyNote = nullptr;
    QSpinBox *m_maxTokens = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace tandem::ui
