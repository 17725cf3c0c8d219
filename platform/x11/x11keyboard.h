#pragma once

#include "base/error.h"

#include <QString>

#include <unordered_map>
#include <vector>

namespace tandem::x11 {

class X11Connection;

// Sends keys through XTEST as characters, whatever the active layout and group. A character
// the layout reaches at its first or shifted level is typed on that key (with Shift when
// needed); any other character (é on a US layout, '@' behind AltGr, ж, €, emoji) is typed on
// a spare keycode that is bound to its keysym for the moment and unbound again by
// releaseAll(), so the user's keymap ends as it began.
class X11Keyboard
{
public:
    explicit X11Keyboard(X11Connection &connection);

    base::Status setKey(const QString &keysymName, bool down);
    base::Status typeText(const QString &text);
    // Releases every key this object pressed and unbinds spare keycodes still bound.
    void releaseAll();

private:
    struct Stroke
    {
        unsigned char keycode = 0;
        bool shift = false;
    };
    struct ActiveLayout
    {
        std::unordered_map<unsigned long, Stroke> bySymbol;
        std::unordered_map<char32_t, Stroke> byCharacter;
    };
    struct Plan
    {
        std::vector<Stroke> strokes;
        std::vector<std::pair<unsigned char, unsigned long>> bindings;
    };

    ActiveLayout readActiveLayout() const;
    std::vector<unsigned char> spareKeycodes() const;
    base::Result<std::vector<Plan>> plan(const std::vector<char32_t> &characters) const;
    void bind(const std::vector<std::pair<unsigned char, unsigned long>> &bindings);
    void unbindAll();
    void send(unsigned char keycode, bool down);
    void strike(const Stroke &stroke);

    X11Connection &m_connection;
    unsigned char m_shiftKeycode = 0;
    std::vector<unsigned char> m_pressed;
    std::vector<unsigned char> m_bound;
    std::unordered_map<unsigned long, unsigned char> m_boundSymbols; // symbol -> spare keycode
};

} // namespace tandem::x11
