#include "computer/confinementpolicy.h"

#include <QtTest>

using namespace tandem;
using computer::ConfinementPolicy;
using computer::PolicyDecision;
using computer::WindowInfo;
using Verdict = PolicyDecision::Verdict;

Q_DECLARE_METATYPE(Verdict)

namespace {

const WindowInfo editor{1, QStringLiteral("main.py - Code"), QStringLiteral("Code"), 10,
                        QRect(100, 100, 800, 600)};
const WindowInfo popup{2, QStringLiteral("Notification"), QStringLiteral("Notify"), 11,
                       QRect(700, 600, 300, 200)};
const WindowInfo editorMenu{4, QString(), QStringLiteral("Code"), 10, QRect(150, 150, 200, 300)};
const WindowInfo terminal{3, QStringLiteral("bash"), QStringLiteral("XTerm"), 12,
                          QRect(0, 0, 400, 300)};

std::vector<computer::KeyChord> chords(const QString &text)
{
    return computer::parseKeyChords(text).value_or(std::vector<computer::KeyChord>());
}

} // namespace

class tst_ConfinementPolicy : public QObject
{
    Q_OBJECT

private slots:
    void points_data();
    void points();
    void keysNeedTheFocus();
    void riskyChords_data();
    void riskyChords();
    void typingIntoATerminalAsks();
    void parsesKeyText_data();
    void parsesKeyText();
};

void tst_ConfinementPolicy::points_data()
{
    QTest::addColumn<QPoint>("point");
    QTest::addColumn<Verdict>("verdict");
    QTest::newRow("inside") << QPoint(150, 150) << Verdict::Allow;
    QTest::newRow("top-left pixel") << QPoint(100, 100) << Verdict::Allow;
    QTest::newRow("one past the right edge") << QPoint(900, 150) << Verdict::Refuse;
    QTest::newRow("outside") << QPoint(10, 10) << Verdict::Refuse;
    QTest::newRow("under a window above it") << QPoint(750, 650) << Verdict::Refuse;
    QTest::newRow("on the window's own menu") << QPoint(200, 200) << Verdict::Allow;
}

void tst_ConfinementPolicy::points()
{
    QFETCH(QPoint, point);
    QFETCH(Verdict, verdict);
    const ConfinementPolicy policy(editor.id);
    QCOMPARE(policy.checkPoint(point, {editor, popup, editorMenu}).verdict, verdict);

    // Without a chosen window, every point on the screen area is allowed.
    QCOMPARE(ConfinementPolicy().checkPoint(point, {editor, popup}).verdict, Verdict::Allow);
}

void tst_ConfinementPolicy::keysNeedTheFocus()
{
    const ConfinementPolicy policy(editor.id);
    QCOMPARE(policy.checkKeys(chords("ctrl+s"), {editor}, editor.id).verdict, Verdict::Allow);
    const auto elsewhere = policy.checkKeys(chords("ctrl+s"), {editor, popup}, popup.id);
    QCOMPARE(elsewhere.verdict, Verdict::Refuse);
    QVERIFY(elsewhere.reason.contains(QStringLiteral("focus")));
    QCOMPARE(policy.checkTyping({editor}, std::nullopt).verdict, Verdict::Refuse);

    const auto gone = policy.checkPoint(QPoint(150, 150), {popup});
    QCOMPARE(gone.verdict, Verdict::Refuse);
    QVERIFY(gone.reason.contains(QStringLiteral("gone")));
}

void tst_ConfinementPolicy::riskyChords_data()
{
    QTest::addColumn<QString>("keys");
    QTest::addColumn<Verdict>("verdict");
    QTest::newRow("save") << "ctrl+s" << Verdict::Allow;
    QTest::newRow("Return") << "Return" << Verdict::Allow;
    QTest::newRow("quit") << "ctrl+q" << Verdict::NeedsApproval;
    QTest::newRow("close tab") << "ctrl+w" << Verdict::NeedsApproval;
    QTest::newRow("close window") << "alt+F4" << Verdict::NeedsApproval;
    QTest::newRow("switch window") << "alt+Tab" << Verdict::NeedsApproval;
    QTest::newRow("super") << "super" << Verdict::NeedsApproval;
    QTest::newRow("cmd+q") << "cmd+q" << Verdict::NeedsApproval;
    QTest::newRow("console switch") << "ctrl+alt+F2" << Verdict::NeedsApproval;
    QTest::newRow("second of two") << "ctrl+a ctrl+w" << Verdict::NeedsApproval;
}

void tst_ConfinementPolicy::riskyChords()
{
    QFETCH(QString, keys);
    QFETCH(Verdict, verdict);
    QCOMPARE(ConfinementPolicy(editor.id).checkKeys(chords(keys), {editor}, editor.id).verdict,
             verdict);
}

void tst_ConfinementPolicy::typingIntoATerminalAsks()
{
    const ConfinementPolicy policy(terminal.id);
    QVERIFY(ConfinementPolicy::isTerminal(terminal));
    QVERIFY(!ConfinementPolicy::isTerminal(editor));
    QCOMPARE(policy.checkTyping({terminal}, terminal.id).verdict, Verdict::NeedsApproval);
    QCOMPARE(policy.checkKeys(chords("Return"), {terminal}, terminal.id).verdict,
             Verdict::NeedsApproval);
    QCOMPARE(policy.checkKeys(chords("Up"), {terminal}, terminal.id).verdict, Verdict::Allow);
}

void tst_ConfinementPolicy::parsesKeyText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("keys"); // chords joined by '|'
    QTest::newRow("plain") << "Return" << QStringList{"Return"};
    QTest::newRow("friendly names") << "ctrl+shift+t" << QStringList{"Control_L|Shift_L|t"};
    QTest::newRow("case of aliases") << "CTRL+Enter" << QStringList{"Control_L|Return"};
    QTest::newRow("function key") << "f5" << QStringList{"F5"};
    QTest::newRow("sequence") << "ctrl+a Delete" << QStringList{"Control_L|a", "Delete"};
    QTest::newRow("plus key") << "ctrl++" << QStringList{"Control_L|plus"};
    QTest::newRow("plus alone") << "+" << QStringList{"plus"};
    QTest::newRow("keysym passes") << "KP_Enter" << QStringList{"KP_Enter"};
    QTest::newRow("page keys") << "pagedown" << QStringList{"Next"};
}

void tst_ConfinementPolicy::parsesKeyText()
{
    QFETCH(QString, text);
    QFETCH(QStringList, keys);
    const auto parsed = computer::parseKeyChords(text);
    QVERIFY(parsed.has_value());
    QStringList joined;
    for (const auto &chord : *parsed)
        joined << chord.keys.join(u'|');
    QCOMPARE(joined, keys);

    QVERIFY(!computer::parseKeyChords(QStringLiteral("   ")).has_value());
    QVERIFY(!computer::parseKeyChords(QStringLiteral("ctrl+")).has_value());
    QVERIFY(!computer::parseKeyChords(QStringLiteral("ctrl++a")).has_value());
}

QTEST_GUILESS_MAIN(tst_ConfinementPolicy)
#include "tst_confinementpolicy.moc"
