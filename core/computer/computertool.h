#pragma once

#include "computer/confinementpolicy.h"
#include "computer/desktop.h"
#include "computer/displayscaling.h"
#include "computer/screensettledetector.h"

#include "tools/tool.h"

#include <QImage>
#include <QString>

#include <functional>
#include <optional>

namespace tandem::audit {
class AuditLog;
}

namespace tandem::computer {

class ApprovalGate;

struct ComputerToolOptions
{
    // "computer_20250124" or "computer_20251124" (which adds zoom).
    QString version = QStringLiteral("computer_20250124");
    // The one window the agent may touch; none means the whole screen area.
    std::optional<quint64> targetWindow;
    // The monitor to work on; empty means the one holding the target window, else the primary.
    QString monitor;
    ImageLimits limits;
    // Applications on a busy machine can start to repaint a few hundred ms after an action.
    SettleOptions settle{.reactionWindow = std::chrono::milliseconds(300)};
    // After this many refusals in a row the tool stops the loop.
    int maxRefusalsInARow = 5;
};

// One finished step, for the monitor pane: what was asked, where it landed (in the declared
// space of `screenshot`), and the screenshot taken after it.
struct ComputerStep
{
    nlohmann::json input;
    QList<QPoint> points;
    bool isError = false;
    QString message;
    QImage screenshot;
};

// The Anthropic computer tool on a Desktop: the model's actions in the declared coordinate
// space, carried out on the real screen area, confined by a ConfinementPolicy, followed by a
// settled screenshot. Every action is written to the audit log with a thumbnail.
//
//     ComputerToolOptions options;
//     options.targetWindow = editor.id;
//     ComputerTool tool(desktop, options, &audit, &approvals);
//     tool.run({{"action", "left_click"}, {"coordinate", {640, 400}}}, cancel);
class ComputerTool : public tools::Tool
{
public:
    ComputerTool(Desktop &desktop, ComputerToolOptions options, audit::AuditLog *audit = nullptr,
                 ApprovalGate *approvals = nullptr);

    llm::ToolSpec spec() const override;
    tools::ToolOutput run(const nlohmann::json &input, const base::CancelToken &cancel) override;

    const DisplayScaling &scaling() const { return m_scaling; }
    void setStepObserver(std::function<void(const ComputerStep &)> observer);
    // Confines the tool to another window (the user picked one), on the monitor holding it.
    // Call it only between runs.
    void setTargetWindow(quint64 window);

private:
    struct Outcome;

    Outcome dispatch(const QString &action, const nlohmann::json &input,
                     const base::CancelToken &cancel);
    Outcome click(const QString &action, const nlohmann::json &input,
                  const base::CancelToken &cancel);
    Outcome drag(const nlohmann::json &input, const base::CancelToken &cancel);
    Outcome scroll(const nlohmann::json &input, const base::CancelToken &cancel);
    Outcome pressKeys(const nlohmann::json &input, bool hold, const base::CancelToken &cancel);
    Outcome type(const nlohmann::json &input, const base::CancelToken &cancel);
    Outcome buttonOnly(MouseButton button, bool down, const nlohmann::json &input,
                       const base::CancelToken &cancel);
    Outcome moveTo(const nlohmann::json &input, const base::CancelToken &cancel);
    Outcome zoom(const nlohmann::json &input);
    Outcome cursorPosition();
    void rememberTargetTitle();
    bool targetIsGone();
    Outcome windowGone(const base::CancelToken &cancel);
    Outcome wait(const nlohmann::json &input, const base::CancelToken &cancel);

    base::Result<QPoint> targetPoint(const nlohmann::json &input, const char *field, bool required,
                                     const base::CancelToken &cancel, Outcome &outcome);
    base::Status allowed(const PolicyDecision &decision, const QString &action,
                         const base::CancelToken &cancel);
    base::Status withModifiers(const nlohmann::json &input,
                               const std::function<base::Status()> &act);
    Outcome settledScreenshot(const base::CancelToken &cancel);
    Outcome settledAfter(const Outcome &action, const base::CancelToken &cancel);
    Outcome screenshot();
    tools::ToolOutput finish(const nlohmann::json &input, Outcome outcome,
                             const base::CancelToken &cancel);

    Desktop &m_desktop;
    ComputerToolOptions m_options;
    audit::AuditLog *m_audit;
    ApprovalGate *m_approvals;
    DisplayScaling m_scaling;
    ConfinementPolicy m_policy;
    ScreenSettleDetector m_settle;
    std::function<void(const ComputerStep &)> m_observer;
    int m_refusalsInARow = 0;
    QString m_targetTitle; // for the message when the window goes
    cv::Mat m_lastFrame; // the screen after the previous step, to tell an early reaction
};

} // namespace tandem::computer
