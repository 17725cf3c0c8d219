#include "ui/editorlauncher.h"
#include "ui/testgate.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem::ui;
using namespace Qt::Literals::StringLiterals;

class TestEditorLauncher : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void command_data();
    void command();
    void gate_data();
    void gate();

private:
    QTemporaryDir m_withCode;
    QTemporaryDir m_withoutCode;
};

void TestEditorLauncher::initTestCase()
{
    QVERIFY(m_withCode.isValid() && m_withoutCode.isValid());
    QFile code(m_withCode.filePath(u"code"_s));
    QVERIFY(code.open(QIODevice::WriteOnly));
    code.write("#!/bin/sh\n");
    code.close();
    QVERIFY(code.setPermissions(code.permissions() | QFileDevice::ExeOwner));
}

void TestEditorLauncher::command_data()
{
    QTest::addColumn<bool>("codeOnPath");
    QTest::addColumn<QString>("visual");
    QTest::addColumn<QString>("editor");
    QTest::addColumn<QStringList>("command"); // program first; empty: no editor

    const QString file = u"/ws/src/a b.py"_s;
    QTest::newRow("VS Code first") << true << "gvim"
                                   << "vi" << QStringList{u"CODE"_s, u"-g"_s, file + u":42"_s};
    QTest::newRow("VISUAL with its own arguments")
        << false << "emacsclient -c -a \"/opt/my editor\""
        << "vi"
        << QStringList{u"emacsclient"_s, u"-c"_s, u"-a"_s, u"/opt/my editor"_s, u"+42"_s, file};
    QTest::newRow("EDITOR when VISUAL is empty")
        << false << "  "
        << "nano" << QStringList{u"nano"_s, u"+42"_s, file};
    QTest::newRow("a shell's syntax is not a shell")
        << false << "vi; rm -rf ~"
        << "" << QStringList{u"vi;"_s, u"rm"_s, u"-rf"_s, u"~"_s, u"+42"_s, file};
    QTest::newRow("nothing") << false << ""
                             << "" << QStringList{};
}

void TestEditorLauncher::command()
{
    QFETCH(bool, codeOnPath);
    QFETCH(QString, visual);
    QFETCH(QString, editor);
    QFETCH(QStringList, command);

    QProcessEnvironment environment;
    environment.insert(u"PATH"_s, codeOnPath ? m_withCode.path() : m_withoutCode.path());
    environment.insert(u"VISUAL"_s, visual);
    environment.insert(u"EDITOR"_s, editor);
    const auto found = EditorLauncher::commandFor(u"/ws/src/a b.py"_s, 42, environment);

    if (command.isEmpty()) {
        QVERIFY(!found);
        QCOMPARE(found.error().code, u"no_editor"_s);
        QVERIFY(found.error().message.contains(u"VISUAL"_s));
        return;
    }
    QVERIFY(found);
    if (command.front() == u"CODE"_s)
        command.front() = m_withCode.filePath(u"code"_s);
    QCOMPARE(QStringList{found->program} + found->arguments, command);
}

void TestEditorLauncher::gate_data()
{
    QTest::addColumn<TestGate::State>("state");
    QTest::addColumn<bool>("override");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<bool>("needsOverride");

    QTest::newRow("passed") << TestGate::State::Passed << false << true << false;
    QTest::newRow("failed") << TestGate::State::Failed << false << false << true;
    QTest::newRow("not run") << TestGate::State::NotRun << false << false << true;
    QTest::newRow("failed, overridden") << TestGate::State::Failed << true << true << true;
    QTest::newRow("not run, overridden") << TestGate::State::NotRun << true << true << true;
    QTest::newRow("running, overridden") << TestGate::State::Running << true << false << true;
}

void TestEditorLauncher::gate()
{
    QFETCH(TestGate::State, state);
    QFETCH(bool, override);
    QFETCH(bool, allowed);
    QFETCH(bool, needsOverride);

    TestGate gate;
    gate.setState(state);
    gate.setOverride(override);
    QCOMPARE(gate.pushAllowed(), allowed);
    QCOMPARE(gate.pushNeedsOverride(), needsOverride);
}

QTEST_GUILESS_MAIN(TestEditorLauncher)
#include "tst_editorlauncher.moc"
