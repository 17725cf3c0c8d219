#include "computer/confinementpolicy.h"

namespace tandem::computer {

namespace {

bool hasAny(const KeyChord &chord, std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        if (chord.hasModifier(QString::fromLatin1(name)))
            return true;
    }
    return false;
}

bool keyIs(const KeyChord &chord, std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        if (chord.key().compare(QString::fromLatin1(name), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

ConfinementPolicy::ConfinementPolicy(std::optional<quint64> targetWindow)
    : m_target(targetWindow)
{}

const WindowInfo *ConfinementPolicy::findTarget(const std::vector<WindowInfo> &windows) const
{
    for (const WindowInfo &window : windows) {
        if (m_target && window.id == *m_target)
            return &window;
    }
    return nullptr;
}

PolicyDecision ConfinementPolicy::checkPoint(QPoint screen,
                                             const std::vector<WindowInfo> &windows) const
{
    if (!m_target)
        return PolicyDecision::allow();

    const WindowInfo *target = findTarget(windows);
    if (!target)
        return PolicyDecision::refuse(QStringLiteral("The window the user allowed is gone (it "
                                                     "was closed or hidden)."));

    // The point must be on the target and not on another window stacked above it there.
    if (!target->geometry.contains(screen))
        return PolicyDecision::refuse(QStringLiteral("That point is outside the window the user "
                                                     "allowed (\"%1\"). Act only inside it.")
                                          .arg(target->title));
    // Menus and pop-ups are top-level windows of their own; those of the target's process
    // belong to it.
    for (auto it = windows.rbegin(); it != windows.rend() && it->id != target->id; ++it) {
        const bool sameProgram = target->pid != 0 && it->pid == target->pid;
        if (it->geometry.contains(screen) && !sameProgram)
            return PolicyDecision::refuse(QStringLiteral("That point is covered by another "
                                                         "window (\"%1\").")
                                              .arg(it->title));
    }
    return PolicyDecision::allow();
}

PolicyDecision ConfinementPolicy::checkFocus(const std::vector<WindowInfo> &windows,
                                             std::optional<quint64> focused) const
{
    if (!m_target)
        return PolicyDecision::allow();

    const WindowInfo *target = findTarget(windows);
    if (!target)
        return PolicyDecision::refuse(QStringLiteral("The window the user allowed is gone (it "
                                                     "was closed or hidden)."));
    if (focused != target->id)
        return PolicyDecision::refuse(QStringLiteral("The window the user allowed (\"%1\") does "
                                                     "not have the keyboard focus; click inside "
                                                     "it first.")
                                          .arg(target->title));
    return PolicyDecision::allow();
}

PolicyDecision ConfinementPolicy::checkKeys(const std::vector<KeyChord> &chords,
                                            const std::vector<WindowInfo> &windows,
                                            std::optional<quint64> focused) const
{
    if (PolicyDecision focus = checkFocus(windows, focused);
        focus.verdict != PolicyDecision::Verdict::Allow)
        return focus;

    for (const KeyChord &chord : chords) {
        if (QString risk = riskOf(chord); !risk.isEmpty())
            return PolicyDecision::needsApproval(risk);
    }

    const WindowInfo *target = findTarget(windows);
    const bool entersCommand = std::any_of(chords.begin(), chords.end(), [](const KeyChord &c) {
        return keyIs(c, {"Return", "KP_Enter"});
    });
    if (target && isTerminal(*target) && entersCommand)
        return PolicyDecision::needsApproval(QStringLiteral("Pressing Enter in a terminal runs "
                                                            "a command."));
    return PolicyDecision::allow();
}

PolicyDecision ConfinementPolicy::checkTyping(const std::vector<WindowInfo> &windows,
                                              std::optional<quint64> focused) const
{
    if (PolicyDecision focus = checkFocus(windows, focused);
        focus.verdict != PolicyDecision::Verdict::Allow)
        return focus;

    const WindowInfo *target = findTarget(windows);
    if (target && isTerminal(*target))
        return PolicyDecision::needsApproval(QStringLiteral("Typing into a terminal can run "
                                                            "commands."));
    return PolicyDecision::allow();
}

bool ConfinementPolicy::isTerminal(const WindowInfo &window)
{
    static const QStringList terminals = {
        QStringLiteral("xterm"),      QStringLiteral("terminal"),    QStringLiteral("konsole"),
        QStringLiteral("alacritty"),  QStringLiteral("kitty"),       QStringLiteral("rxvt"),
        QStringLiteral("terminator"), QStringLiteral("tilix"),       QStringLiteral("wezterm"),
        QStringLiteral("foot"),       QStringLiteral("st-256color"), QStringLiteral("guake"),
        QStringLiteral("yakuake")};
    const QString windowClass = window.windowClass.toLower();
    return std::any_of(terminals.begin(), terminals.end(),
                       [&](const QString &name) { return windowClass.contains(name); });
}

QString ConfinementPolicy::riskOf(const KeyChord &chord)
{
    const bool ctrl = hasAny(chord, {"Control_L", "Control_R"});
    const bool alt = hasAny(chord, {"Alt_L", "Alt_R", "Meta_L", "Meta_R"});
    const bool super = hasAny(chord, {"Super_L", "Super_R", "Hyper_L", "Hyper_R"})
                       || keyIs(chord, {"Super_L", "Super_R"});

    if (super)
        return QStringLiteral("The Super key drives the desktop itself, not the window.");
    if (alt && keyIs(chord, {"Tab", "Escape", "F4"}))
        return QStringLiteral("This chord switches or closes windows.");
    if (ctrl && alt)
        return QStringLiteral("Ctrl+Alt chords switch consoles or control the desktop.");
    if (ctrl && keyIs(chord, {"q", "w", "F4"}))
        return QStringLiteral("This chord closes or quits the program.");
    return {};
}

} // namespace tandem::computer
