#pragma once

#include "base/error.h"
#include "computer/desktop.h"

#include <QString>

#include <functional>
#include <memory>

namespace tandem::audit {
class AuditLog;
}
namespace tandem::computer {
class ApprovalGate;
class ComputerTool;
class Desktop;
class StopHotKey;
struct ComputerStep;
} // namespace tandem::computer
namespace tandem::tools {
class ToolRegistry;
}

namespace tandem::app {

// Computer use for `tandem run --computer-window TITLE` and the window: the X11 desktop on
// $DISPLAY and the window the computer tool is confined to, found by its title or picked by
// the user.
class ComputerSetup
{
public:
    // The desktop and the topmost window whose title contains `windowTitle`.
    static base::Result<std::unique_ptr<ComputerSetup>> open(const QString &windowTitle,
                                                             audit::AuditLog &audit);
    // The desktop alone; setWindow() before addTo().
    static base::Result<std::unique_ptr<ComputerSetup>> openDesktop(audit::AuditLog &audit);
    ~ComputerSetup();

    computer::Desktop &desktop() { return *m_desktop; }
    quint64 window() const { return m_window; }
    bool hasTool() const { return m_tool != nullptr; }
    // Confines computer use (and the tool, once added) to another window; only between runs.
    void setWindow(const computer::WindowInfo &window);

    // `observer` receives each step (the window's monitor pane); it may be empty.
    void addTo(tools::ToolRegistry &registry,
               std::function<void(const computer::ComputerStep &)> observer = {});
    // Where risky actions ask for approval; without a gate they are refused. Set before addTo.
    void setApprovalGate(computer::ApprovalGate *gate) { m_gate = gate; }
    // Grabs the desktop-wide stop key; returns what to tell the user (how to stop, or why
    // the key is not available).
    QString watchStopKey(std::function<void()> onStop);
    QString describe() const { return m_description; }

private:
    ComputerSetup(std::unique_ptr<computer::Desktop> desktop, audit::AuditLog &audit);

    std::unique_ptr<computer::Desktop> m_desktop;
    std::unique_ptr<computer::StopHotKey> m_stopKey;
    computer::ComputerTool *m_tool = nullptr; // owned by the registry it was added to
    quint64 m_window = 0;
    computer::ApprovalGate *m_gate = nullptr;
    audit::AuditLog &m_audit;
    QString m_description;
};

} // namespace tandem::app
