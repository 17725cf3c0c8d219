#include "computerusemenu.h"

#include "computer/computertool.h"
#include "ui/agentrunner.h"
#include "ui/chatview.h"
#include "ui/computermonitor.h"
#include "ui/mainwindow.h"
#include "ui/windowpickerdialog.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>

namespace tandem::app {

ComputerUseMenu::ComputerUseMenu(ui::MainWindow &window, audit::AuditLog &audit,
                                 std::unique_ptr<ComputerSetup> &setup,
                                 tools::ToolRegistry &registry, computer::ApprovalGate *gate)
    : QObject()
    , m_window(window)
    , m_audit(audit)
    , m_setup(setup)
    , m_registry(registry)
    , m_gate(gate)
    , m_choose(new QAction(tr("Choose &Window for Computer Use…"), this))
{
    m_choose->setObjectName(QStringLiteral("chooseComputerWindow"));
    m_choose->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    m_choose->setStatusTip(tr("Pick the one window the agent may click and type in"));
    QMenu *menu = window.menuBar()->addMenu(tr("&Computer"));
    menu->addAction(m_choose);

    connect(m_choose, &QAction::triggered, this, &ComputerUseMenu::choose);
    connect(window.runner(), &ui::AgentRunner::runningChanged, m_choose,
            [this](bool running) { m_choose->setEnabled(!running); });
}

void ComputerUseMenu::showStep(const computer::ComputerStep &step) const
{
    if (m_showStep)
        m_showStep(step);
}

void ComputerUseMenu::attachMonitor()
{
    if (m_showStep || !m_setup)
        return;

    ui::ComputerMonitor *monitor = m_window.addComputerMonitor();
    m_showStep = monitor->observer();
    // The key is seen on a thread of its own; the window stops the task on its thread.
    const QString stopHint = m_setup->watchStopKey([monitor] {
        QMetaObject::invokeMethod(monitor, &ui::ComputerMonitor::stopRequested,
                                  Qt::QueuedConnection);
    });
    m_window.chatView()->addNotice(m_setup->describe() + QStringLiteral(". ") + stopHint);
}

bool ComputerUseMenu::ensureDesktop()
{
    if (m_setup)
        return true;
    auto opened = ComputerSetup::openDesktop(m_audit);
    if (!opened) {
        QMessageBox::warning(&m_window, tr("Computer use"), opened.error().message);
        return false;
    }
    m_setup = std::move(*opened);
    m_setup->setApprovalGate(m_gate);
    return true;
}

void ComputerUseMenu::choose()
{
    if (!ensureDesktop())
        return;

    const std::optional<quint64> current =
        m_setup->window() != 0 ? std::optional(m_setup->window()) : std::nullopt;
    ui::WindowPickerDialog picker(m_setup->desktop(), &m_window, current);
    if (picker.exec() != QDialog::Accepted || !picker.chosen())
        return;

    m_setup->setWindow(*picker.chosen());
    if (!m_setup->hasTool()) {
        m_setup->addTo(m_registry, [this](const computer::ComputerStep &step) { showStep(step); });
    }
    if (m_showStep)
        m_window.chatView()->addNotice(m_setup->describe() + QStringLiteral("."));
    attachMonitor();
}

} // namespace tandem::app
