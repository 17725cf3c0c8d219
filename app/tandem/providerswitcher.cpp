#include "providerswitcher.h"

#include "agent/projectinstructions.h"
#include "ui/agentrunner.h"
#include "ui/mainwindow.h"
#include "ui/modelbanner.h"
#include "ui/projectinstructionsdialog.h"
#include "ui/settingsdialog.h"
#include "ui/windowmenus.h"

#include <QAction>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace tandem::app {

Q_DECLARE_LOGGING_CATEGORY(lcApp)

namespace {

QString fileList(const std::vector<agent::ProjectInstructions::File> &files)
{
    QStringList names;
    for (const auto &file : files)
        names << file.name;
    return names.join(QStringLiteral(" and "));
}

} // namespace

ProviderSwitcher::ProviderSwitcher(std::shared_ptr<ModelSetup> initial, QObject *parent)
    : QObject(parent)
    , m_switch(ModelSetup::share(initial))
    , m_current(std::move(initial))
{}

void ProviderSwitcher::attach(ui::MainWindow &window, agent::ProjectInstructions *instructions)
{
    m_window = &window;
    m_instructions = instructions;

    // The window's Edit menu holds Settings (Ctrl+,) for this to enable.
    QAction *settings = window.menus()->action(QStringLiteral("settingsAction"));
    settings->setEnabled(true);
    connect(settings, &QAction::triggered, this, &ProviderSwitcher::openSettings);
    QAction *shown =
        window.menus()->addAction(ui::WindowMenus::View, QStringLiteral("instructionsAction"),
                                  tr("&Project Instructions\u2026"));
    connect(shown, &QAction::triggered, this, &ProviderSwitcher::openInstructions);
    shown->setEnabled(instructions != nullptr);

    connect(window.runner(), &ui::AgentRunner::runningChanged, this, [this](bool running) {
        if (!running)
            apply();
    });
    if (!instructions)
        return;
    connect(instructions, &agent::ProjectInstructions::changed, this,
            &ProviderSwitcher::instructionsChanged);
    const auto files = instructions->files();
    if (!files.empty()) {
        window.statusBar()->showMessage(
            tr("The repository's %1 is part of every request (View > Project Instructions).")
                .arg(fileList(files)));
    }
}

void ProviderSwitcher::openSettings()
{
    auto file = llm::ProviderSettings::open();
    ui::SettingsDialog dialog(llm::ProviderSettings::load(*file), m_keys, m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;

    const llm::ProviderSettings chosen = dialog.settings();
    chosen.save(*file);
    auto next = ModelSetup::create(QString(), chosen, m_keys);
    if (!next) {
        QMessageBox::warning(m_window, tr("Tandem"),
                             tr("The settings are saved, but the model cannot be used: %1")
                                 .arg(next.error().message));
        return;
    }
    useWhenIdle(std::move(*next));
}

void ProviderSwitcher::useWhenIdle(std::shared_ptr<ModelSetup> next)
{
    m_pending = std::move(next);
    const bool busy = m_window && m_window->runner()->isRunning();
    if (!busy) {
        apply();
        return;
    }
    m_window->statusBar()->showMessage(
        tr("%1 takes over when this task ends.").arg(m_pending->label()));
}

void ProviderSwitcher::apply()
{
    if (!m_pending)
        return;
    m_current = std::move(m_pending);
    m_switch.replace(ModelSetup::share(m_current));
    qCInfo(lcApp, "model for the next task: %s", qPrintable(m_current->label()));
    if (!m_window)
        return;
    if (auto *banner = m_window->findChild<ui::ModelBanner *>())
        banner->setModel(m_current->label(), m_current->isDemo());
    m_window->statusBar()->showMessage(tr("The next task goes to %1.").arg(m_current->label()),
                                       8000);
}

void ProviderSwitcher::openInstructions()
{
    if (!m_instructions)
        return;
    auto *dialog = new ui::ProjectInstructionsDialog(*m_instructions, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void ProviderSwitcher::instructionsChanged()
{
    const auto files = m_instructions->files();
    const QString what = files.empty()
                             ? tr("Project instructions removed")
                             : tr("Project instructions reloaded: %1").arg(fileList(files));
    m_window->statusBar()->showMessage(what + tr("; the next request uses them."), 8000);
}

} // namespace tandem::app
