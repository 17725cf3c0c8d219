#pragma once

#include "modelsetup.h"

#include "llm/modelswitch.h"
#include "secrets/apikeystore.h"

#include <QObject>

#include <memory>

namespace tandem::agent {
class ProjectInstructions;
}

namespace tandem::ui {
class MainWindow;
}

namespace tandem::app {

// The window's model, which the user may change in Settings (Ctrl+,): the agent loop talks to
// client(), and a new choice takes over from the next task (a task under way finishes with the
// model it started with). Also the window's menu for Settings and the project instructions.
class ProviderSwitcher : public QObject
{
    Q_OBJECT

public:
    explicit ProviderSwitcher(std::shared_ptr<ModelSetup> initial, QObject *parent = nullptr);

    llm::ModelClient &client() { return m_switch; }
    const ModelSetup &current() const { return *m_current; }

    // Adds the Tandem menu to the window and tells it when the instructions change.
    void attach(ui::MainWindow &window, agent::ProjectInstructions *instructions);
    void openSettings();
    void openInstructions();

private:
    void useWhenIdle(std::shared_ptr<ModelSetup> next);
    void apply();
    void instructionsChanged();

    llm::ModelSwitch m_switch;
    std::shared_ptr<ModelSetup> m_current;
    std::shared_ptr<ModelSetup> m_pending;
    secrets::ApiKeyStore m_keys;
    ui::MainWindow *m_window = nullptr;
    agent::ProjectInstructions *m_instructions = nullptr;
};

} // namespace tandem::app
