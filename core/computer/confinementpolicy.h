#pragma once

#include "computer/desktop.h"
#include "computer/keychord.h"

#include <QString>

#include <optional>
#include <vector>

namespace tandem::computer {

struct PolicyDecision
{
    enum class Verdict { Allow, NeedsApproval, Refuse };

    Verdict verdict = Verdict::Allow;
    QString reason; // for the model on a refusal, for the user on an approval prompt

    static PolicyDecision allow() { return {}; }
    static PolicyDecision needsApproval(QString reason)
    {
        return {Verdict::NeedsApproval, std::move(reason)};
    }
    static PolicyDecision refuse(QString reason) { return {Verdict::Refuse, std::move(reason)}; }
};

// Keeps the agent to the one window the user chose. Pointer actions must land inside it, keys
// and text go only while it has the focus, and actions that could do harm beyond it (typing
// into a terminal, chords that close, quit or switch windows) need the user's approval.
// Without a target window everything on the screen area is allowed, risky actions still ask.
//
//     ConfinementPolicy policy(editor.id);
//     policy.checkPoint(point, desktop.windows());     // Refuse outside the editor
class ConfinementPolicy
{
public:
    explicit ConfinementPolicy(std::optional<quint64> targetWindow = std::nullopt);

    std::optional<quint64> targetWindow() const { return m_target; }

    PolicyDecision checkPoint(QPoint screen, const std::vector<WindowInfo> &windows) const;
    PolicyDecision checkKeys(const std::vector<KeyChord> &chords,
                             const std::vector<WindowInfo> &windows,
                             std::optional<quint64> focused) const;
    PolicyDecision checkTyping(const std::vector<WindowInfo> &windows,
                               std::optional<quint64> focused) const;

    static bool isTerminal(const WindowInfo &window);
    // Why a chord is risky wherever it is pressed, or an empty string.
    static QString riskOf(const KeyChord &chord);

private:
    const WindowInfo *findTarget(const std::vector<WindowInfo> &windows) const;
    PolicyDecision checkFocus(const std::vector<WindowInfo> &windows,
                              std::optional<quint64> focused) const;

    std::optional<quint64> m_target;
};

} // namespace tandem::computer
