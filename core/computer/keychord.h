#pragma once

#include "base/error.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace tandem::computer {

// One key combination as X keysym names, modifiers first and the key last: "ctrl+shift+t"
// becomes {"Control_L", "Shift_L", "t"}.
struct KeyChord
{
    QStringList keys;

    QString key() const { return keys.isEmpty() ? QString() : keys.last(); }
    QStringList modifiers() const { return keys.mid(0, keys.size() - 1); }
    bool hasModifier(const QString &keysymName) const { return modifiers().contains(keysymName); }
};

// Parses the computer tool's `text` for key and hold_key, in xdotool's syntax: chords joined by
// '+', several chords separated by spaces ("ctrl+a Delete"). Friendly names (ctrl, alt, cmd,
// super, enter, esc, pageup) become keysym names; anything else is passed on as a keysym name
// for the desktop to resolve.
base::Result<std::vector<KeyChord>> parseKeyChords(const QString &text);

// The keysym name for one friendly key name, or the name itself when it is not an alias.
QString keysymNameFor(const QString &name);

} // namespace tandem::computer
