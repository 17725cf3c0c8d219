#pragma once

#include "computersetup.h"

#include <QObject>

#include <functional>
#include <memory>

class QAction;

namespace tandem::audit {
class AuditLog;
}
namespace tandem::computer {
class ApprovalGate;
struct ComputerStep;
} // namespace tandem::computer
namespace tandem::tools {
class ToolRegistry;
}
namespace tandem::ui {
class MainWindow;
}

namespace tandem::app {

// The window's Computer menu: "Choose Window…" lets the user pick the window the agent may
// touch (ui::WindowPickerDialog), adds the computer tool to the session the first time and
// shows the monitor pane. `--computer-window TITLE` arrives here with its window already set.
// The choice is offered only while no task runs, since the tool reads it during a run.
class ComputerUseMenu : public QObject
{
    Q_OBJECT

public:
    ComputerUseMenu(ui::MainWindow &window, audit::AuditLog &audit,
                    std::unique_ptr<ComputerSetup> &setup, tools::ToolRegistry &registry,
                    computer::ApprovalGate *gate);

    // Shows the monitor pane and grabs the stop key for a setup whose tool exists already.
    void attachMonitor();
    QAction *chooseAction() const { return m_choose; }

    // Steps of the tool go here; safe to call from the tool's thread.
    void showStep(const computer::ComputerStep &step) const;

private:
    void choose();
    bool ensureDesktop();

    ui::MainWindow &m_window;
    audit::AuditLog &m_audit;
    std::unique_ptr<ComputerSetup> &m_setup;
    tools::ToolRegistry &m_registry;
    computer::ApprovalGate *m_gate; // asks the user before risky actions
    QAction *m_choose;
    std::function<void(const computer::ComputerStep &)> m_showStep;
};

} // namespace tandem::app
