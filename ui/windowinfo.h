#pragma once

#include <QString>

namespace tandem::ui {

// What the window tells the user about the session it belongs to.
struct WindowInfo
{
    QString modelLabel; // e.g. "anthropic:claude-sonnet-4-5"
    bool demoModel = false; // the scripted demo model answers, not a real one
    QString workspace; // the folder the agent works in
    QString sandbox; // the sandbox's backend and rules, in one line
};

} // namespace tandem::ui
