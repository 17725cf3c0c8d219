#include "x11/x11keyboard.h"

#include "x11/x11connection.h"

#include <QLoggingCategory>

#include "x11/xlib.h"
#include <xkbcommon/xkbcommon.h>

#include <algorithm>
#include <optional>
#include <set>
#include <thread>

namespace tandem::x11 {

Q_DECLARE_LOGGING_CATEGORY(lcX11)

namespace {

// Clients re-read the keymap when it changes; a key must reach them while its binding still
// holds, so bindings are given this long before the first key and after the last one.
constexpr auto bindingSettle = std::chrono::milliseconds(40);
// Binding a keycode again in one go is slower to reach clients (Xlib ones were seen reading
// the old binding 40 ms later), so text with more distinct odd characters than spare keycodes
// pauses longer between batches.
constexpr auto rebindingSettle = std::chrono::milliseconds(250);
constexpr size_t maxSpareKeycodes = 64;

bool reachedWithShiftOnly(XkbKeyTypePtr type, int level)
{
    for (int i = 0; i < type->map_count; ++i) {
        const XkbKTMapEntryRec &entry = type->map[i];
        if (entry.active && entry.level == level && entry.mods.mask == ShiftMask)
            return true;
    }
    return false;
}

KeySym symbolForCharacter(char32_t character)
{
    if (character == U'\n' || character == U'\r')
        return XK_Return;
    if (character == U'\t')
        return XK_Tab;
    return xkb_utf32_to_keysym(character);
}

} // namespace

X11Keyboard::X11Keyboard(X11Connection &connection)
    : m_connection(connection)
    , m_shiftKeycode(XKeysymToKeycode(connection.display(), XK_Shift_L))
{}

X11Keyboard::ActiveLayout X11Keyboard::readActiveLayout() const
{
    Display *display = m_connection.display();
    XkbStateRec state{};
    XkbGetState(display, XkbUseCoreKbd, &state);
    XkbDescPtr keyboard = XkbGetMap(display, XkbKeyTypesMask | XkbKeySymsMask, XkbUseCoreKbd);
    ActiveLayout layout;
    if (!keyboard)
        return layout;

    // Unshifted levels first, so a symbol on two keys is typed without Shift where it can be.
    for (int level = 0; level < 2; ++level) {
        for (int code = keyboard->min_key_code; code <= keyboard->max_key_code; ++code) {
            const int groups = XkbKeyNumGroups(keyboard, code);
            if (groups == 0)
                continue;
            // XKB wraps a group past a key's own groups back into range.
            const int group = state.group < groups ? state.group : state.group % groups;
            if (XkbKeyGroupWidth(keyboard, code, group) <= level)
                continue;
            if (level == 1 && !reachedWithShiftOnly(XkbKeyKeyType(keyboard, code, group), 1))
                continue;
            const KeySym symbol = XkbKeySymEntry(keyboard, code, level, group);
            if (symbol == NoSymbol)
                continue;
            const Stroke stroke{static_cast<unsigned char>(code), level == 1};
            layout.bySymbol.try_emplace(symbol, stroke);
            if (const char32_t character = xkb_keysym_to_utf32(xkb_keysym_t(symbol)))
                layout.byCharacter.try_emplace(character, stroke);
        }
    }
    XkbFreeKeyboard(keyboard, 0, True);
    return layout;
}

std::vector<unsigned char> X11Keyboard::spareKeycodes() const
{
    Display *display = m_connection.display();
    int first = 0, last = 0, perKeycode = 0;
    XDisplayKeycodes(display, &first, &last);
    KeySym *symbols = XGetKeyboardMapping(display, KeyCode(first), last - first + 1, &perKeycode);
    std::vector<unsigned char> spare;
    if (!symbols)
        return spare;

    // From the top: low keycodes are the ones real keyboards have.
    for (int code = last; code >= first && spare.size() < maxSpareKeycodes; --code) {
        const KeySym *row = symbols + size_t(code - first) * size_t(perKeycode);
        if (std::all_of(row, row + perKeycode, [](KeySym s) { return s == NoSymbol; }))
            spare.push_back(static_cast<unsigned char>(code));
    }
    XFree(symbols);
    return spare;
}

base::Result<std::vector<X11Keyboard::Plan>>
X11Keyboard::plan(const std::vector<char32_t> &characters) const
{
    const ActiveLayout layout = readActiveLayout();
    const std::vector<unsigned char> spare = spareKeycodes();

    std::vector<Plan> plans(1);
    std::unordered_map<KeySym, unsigned char> bound;
    for (const char32_t character : characters) {
        const KeySym symbol = symbolForCharacter(character);
        if (symbol == NoSymbol)
            return base::fail(QStringLiteral("untypable"),
                              QStringLiteral("Character U+%1 cannot be typed.")
                                  .arg(uint(character), 4, 16, QLatin1Char('0')));

        // Control characters (Return, Tab) are found by key; the rest by what the key types.
        std::optional<Stroke> onLayout;
        if (character < 0x20) {
            if (const auto it = layout.bySymbol.find(symbol); it != layout.bySymbol.end())
                onLayout = it->second;
        } else if (const auto it = layout.byCharacter.find(character);
                   it != layout.byCharacter.end()) {
            onLayout = it->second;
        }

        const auto earlier = m_boundSymbols.find(symbol);
        if (onLayout) {
            plans.back().strokes.push_back(*onLayout);
        } else if (earlier != m_boundSymbols.end()) {
            plans.back().strokes.push_back({earlier->second, false});
        } else {
            if (spare.empty())
                return base::fail(QStringLiteral("no_spare_keycode"),
                                  QStringLiteral("The keyboard map has no free keycode to type "
                                                 "characters the layout lacks."));
            if (!bound.contains(symbol) && bound.size() == spare.size()) {
                plans.emplace_back();
                bound.clear();
            }
            auto [slot, added] = bound.try_emplace(symbol, spare[bound.size()]);
            if (added)
                plans.back().bindings.emplace_back(slot->second, symbol);
            plans.back().strokes.push_back({slot->second, false});
        }
    }
    return plans;
}

void X11Keyboard::bind(const std::vector<std::pair<unsigned char, unsigned long>> &bindings)
{
    for (const auto &[keycode, symbol] : bindings) {
        // Both levels carry the symbol, so a held Shift cannot turn it into something else.
        KeySym row[2] = {symbol, symbol};
        XChangeKeyboardMapping(m_connection.display(), keycode, 2, row, 1);
        if (std::find(m_bound.begin(), m_bound.end(), keycode) == m_bound.end())
            m_bound.push_back(keycode);
        std::erase_if(m_boundSymbols, [&](const auto &entry) { return entry.second == keycode; });
        m_boundSymbols[symbol] = keycode;
    }
    m_connection.syncAndTakeError();
}

void X11Keyboard::unbindAll()
{
    if (m_bound.empty())
        return;
    KeySym empty = NoSymbol;
    for (const unsigned char keycode : m_bound)
        XChangeKeyboardMapping(m_connection.display(), keycode, 1, &empty, 1);
    m_bound.clear();
    m_boundSymbols.clear();
    m_connection.syncAndTakeError();
}

void X11Keyboard::send(unsigned char keycode, bool down)
{
    XTestFakeKeyEvent(m_connection.display(), keycode, down ? True : False, CurrentTime);
    if (down) {
        m_pressed.push_back(keycode);
    } else {
        const auto it = std::find(m_pressed.rbegin(), m_pressed.rend(), keycode);
        if (it != m_pressed.rend())
            m_pressed.erase(std::next(it).base());
    }
    XFlush(m_connection.display());
}

void X11Keyboard::strike(const Stroke &stroke)
{
    if (stroke.shift)
        send(m_shiftKeycode, true);
    send(stroke.keycode, true);
    send(stroke.keycode, false);
    if (stroke.shift)
        send(m_shiftKeycode, false);
}

base::Status X11Keyboard::typeText(const QString &text)
{
    const QList<uint> ucs4 = text.toUcs4();
    const std::vector<char32_t> characters(ucs4.begin(), ucs4.end());
    auto plans = plan(characters);
    if (!plans && plans.error().code == QStringLiteral("no_spare_keycode") && !m_bound.empty()) {
        // Earlier bindings hold every spare keycode: give them back once the keys typed on
        // them have been read, and start again.
        std::this_thread::sleep_for(rebindingSettle);
        unbindAll();
        plans = plan(characters);
    }
    if (!plans)
        return std::unexpected(plans.error());

    for (const Plan &step : *plans) {
        if (!step.bindings.empty()) {
            // The previous step's keys must be read under their bindings before these change.
            if (!m_bound.empty())
                std::this_thread::sleep_for(rebindingSettle);
            bind(step.bindings);
            std::this_thread::sleep_for(bindingSettle);
        }
        for (const Stroke &stroke : step.strokes)
            strike(stroke);
        m_connection.syncAndTakeError();
    }

    // Bindings stay until releaseAll(): the computer tool calls it after the screen settled,
    // that is after the application has read the keys under them, even when it is slow.
    return {};
}

base::Status X11Keyboard::setKey(const QString &keysymName, bool down)
{
    KeySym symbol = XStringToKeysym(keysymName.toLatin1().constData());
    if (symbol == NoSymbol && keysymName.toUcs4().size() == 1)
        symbol = symbolForCharacter(keysymName.toUcs4().front());
    if (symbol == NoSymbol)
        return base::fail(QStringLiteral("unknown_key"),
                          QStringLiteral("\"%1\" is not a key name; use X keysym names such as "
                                         "Return, Tab, ctrl, alt, shift, F5, a.")
                              .arg(keysymName));

    const ActiveLayout layout = readActiveLayout();
    Stroke stroke;
    if (const auto it = layout.bySymbol.find(symbol); it != layout.bySymbol.end()) {
        stroke = it->second;
    } else if (const auto bound = m_boundSymbols.find(symbol); bound != m_boundSymbols.end()) {
        stroke.keycode = bound->second;
    } else if (const KeyCode anyGroup = XKeysymToKeycode(m_connection.display(), symbol);
               anyGroup && IsModifierKey(symbol)) {
        stroke.keycode = anyGroup;
    } else {
        const auto spare = spareKeycodes();
        if (!down || spare.empty())
            return base::fail(QStringLiteral("unknown_key"),
                              QStringLiteral("No key produces \"%1\".").arg(keysymName));
        bind({{spare.front(), symbol}});
        std::this_thread::sleep_for(bindingSettle);
        stroke.keycode = spare.front();
    }

    if (down) {
        if (stroke.shift)
            send(m_shiftKeycode, true);
        send(stroke.keycode, true);
    } else {
        send(stroke.keycode, false);
        if (stroke.shift)
            send(m_shiftKeycode, false);
    }
    m_connection.syncAndTakeError();
    return {};
}

void X11Keyboard::releaseAll()
{
    while (!m_pressed.empty())
        send(m_pressed.back(), false);
    m_connection.syncAndTakeError();
    if (!m_bound.empty()) {
        std::this_thread::sleep_for(bindingSettle);
        unbindAll();
    }
}

} // namespace tandem::x11
