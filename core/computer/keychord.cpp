#include "computer/keychord.h"

#include <QHash>

namespace tandem::computer {

namespace {

const QHash<QString, QString> &aliases()
{
    static const QHash<QString, QString> table = {{"ctrl", "Control_L"},
                                                  {"control", "Control_L"},
                                                  {"shift", "Shift_L"},
                                                  {"alt", "Alt_L"},
                                                  {"option", "Alt_L"},
                                                  {"altgr", "ISO_Level3_Shift"},
                                                  {"super", "Super_L"},
                                                  {"cmd", "Super_L"},
                                                  {"command", "Super_L"},
                                                  {"win", "Super_L"},
                                                  {"meta", "Super_L"},
                                                  {"enter", "Return"},
                                                  {"return", "Return"},
                                                  {"esc", "Escape"},
                                                  {"escape", "Escape"},
                                                  {"backspace", "BackSpace"},
                                                  {"del", "Delete"},
                                                  {"delete", "Delete"},
                                                  {"tab", "Tab"},
                                                  {"space", "space"},
                                                  {"pageup", "Prior"},
                                                  {"page_up", "Prior"},
                                                  {"pagedown", "Next"},
                                                  {"page_down", "Next"},
                                                  {"up", "Up"},
                                                  {"down", "Down"},
                                                  {"left", "Left"},
                                                  {"right", "Right"},
                                                  {"home", "Home"},
                                                  {"end", "End"},
                                                  {"insert", "Insert"},
                                                  {"menu", "Menu"},
                                                  {"minus", "minus"},
                                                  {"plus", "plus"},
                                                  {"capslock", "Caps_Lock"},
                                                  {"printscreen", "Print"}};
    return table;
}

bool isFunctionKey(const QString &lower)
{
    bool ok = false;
    const int number = lower.mid(1).toInt(&ok);
    return lower.startsWith(u'f') && ok && number >= 1 && number <= 35;
}

} // namespace

QString keysymNameFor(const QString &name)
{
    const QString lower = name.toLower();
    if (const auto it = aliases().constFind(lower); it != aliases().constEnd())
        return *it;
    if (isFunctionKey(lower))
        return lower.toUpper();
    return name;
}

base::Result<std::vector<KeyChord>> parseKeyChords(const QString &text)
{
    const QStringList chords = text.split(u' ', Qt::SkipEmptyParts);
    if (chords.isEmpty())
        return base::fail(QStringLiteral("empty_key"),
                          QStringLiteral("`text` must name a key, for example \"Return\" or "
                                         "\"ctrl+s\"."));

    std::vector<KeyChord> parsed;
    for (const QString &chord : chords) {
        KeyChord keys;
        // "ctrl++" means ctrl and the plus key, "+" the plus key alone.
        QStringList parts;
        if (chord == QStringLiteral("+"))
            parts = {QStringLiteral("plus")};
        else if (chord.endsWith(QStringLiteral("++")))
            parts = chord.chopped(2).split(u'+') << QStringLiteral("plus");
        else
            parts = chord.split(u'+');
        for (const QString &part : parts) {
            if (part.isEmpty())
                return base::fail(QStringLiteral("bad_key"),
                                  QStringLiteral("\"%1\" is not a key combination; join keys with "
                                                 "'+', as in \"ctrl+shift+t\".")
                                      .arg(chord));
            keys.keys.append(part == QStringLiteral("+") ? QStringLiteral("plus")
                                                         : keysymNameFor(part));
        }
        parsed.push_back(std::move(keys));
    }
    return parsed;
}

} // namespace tandem::computer
