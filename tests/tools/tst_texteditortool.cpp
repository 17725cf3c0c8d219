#include "tools/texteditortool.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace tandem;
using nlohmann::json;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(content);
}

} // namespace

class tst_TextEditorTool : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void edits_data();
    void edits();
    void refusesPathsOutsideTheWorkspace_data();
    void refusesPathsOutsideTheWorkspace();
    void viewListsAFolder();
    void viewShowsNumberedRanges();

private:
    tools::ToolOutput run(const json &input);

    std::unique_ptr<QTemporaryDir> m_workspace;
    std::unique_ptr<QTemporaryDir> m_outside;
};

void tst_TextEditorTool::init()
{
    m_workspace = std::make_unique<QTemporaryDir>();
    m_outside = std::make_unique<QTemporaryDir>();
    writeFile(m_workspace->filePath(QStringLiteral("src/calc.py")),
              "def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n");
    writeFile(m_outside->filePath(QStringLiteral("secret.txt")), "outside\n");
    QFile::link(m_outside->path(), m_workspace->filePath(QStringLiteral("escape")));
    QFile::link(m_outside->filePath(QStringLiteral("secret.txt")),
                m_workspace->filePath(QStringLiteral("secret-link.txt")));
    writeFile(m_workspace->filePath(QStringLiteral(".git/config")), "[core]\n");
    // Links to files that do not exist yet, outside and inside .git.
    QFile::link(m_outside->filePath(QStringLiteral("planted.txt")),
                m_workspace->filePath(QStringLiteral("dangling-link.txt")));
    QFile::link(m_workspace->filePath(QStringLiteral(".git/hooks/post-checkout")),
                m_workspace->filePath(QStringLiteral("hook-link")));
}

tools::ToolOutput tst_TextEditorTool::run(const json &input)
{
    tools::TextEditorTool tool(
        tools::WorkspacePaths(m_workspace->path(), QStringLiteral("/workspace")));
    return tool.run(input, base::CancelToken());
}

void tst_TextEditorTool::edits_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("isError");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content");

    const QByteArray original =
        "def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n";
    QTest::newRow("str_replace, unique")
        << R"({"command":"str_replace","path":"src/calc.py",
               "old_str":"def add(a, b):\n    return a - b",
               "new_str":"def add(a, b):\n    return a + b"})"
        << false << "src/calc.py"
        << QByteArray("def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n");
    QTest::newRow("str_replace, not unique") << R"({"command":"str_replace","path":"src/calc.py",
               "old_str":"return a - b","new_str":"x"})"
                                             << true << "src/calc.py" << original;
    QTest::newRow("str_replace, absent")
        << R"({"command":"str_replace","path":"src/calc.py","old_str":"nope","new_str":"x"})"
        << true << "src/calc.py" << original;
    QTest::newRow("str_replace, sandbox path")
        << R"({"command":"str_replace","path":"/workspace/src/calc.py",
               "old_str":"def sub","new_str":"def subtract"})"
        << false << "src/calc.py"
        << QByteArray(
               "def add(a, b):\n    return a - b\n\n\ndef subtract(a, b):\n    return a - b\n");
    QTest::newRow("create") << R"({"command":"create","path":"src/new.py","file_text":"x = 1\n"})"
                            << false << "src/new.py" << QByteArray("x = 1\n");
    QTest::newRow("create in a missing folder")
        << R"({"command":"create","path":"nowhere/new.py","file_text":"x"})" << true
        << "nowhere/new.py" << QByteArray("<missing>");
    QTest::newRow("insert after line 2")
        << R"({"command":"insert","path":"src/calc.py",
               "insert_line":2,"insert_text":"# end of add"})"
        << false << "src/calc.py"
        << QByteArray("def add(a, b):\n    return a - b\n# end of add\n\n\ndef sub(a, b):\n"
                      "    return a - b\n");
    QTest::newRow("insert past the end")
        << R"({"command":"insert","path":"src/calc.py","insert_line":99,"insert_text":"x"})" << true
        << "src/calc.py" << original;
    QTest::newRow("unknown command")
        << R"({"command":"delete","path":"src/calc.py"})" << true << "src/calc.py" << original;
    QTest::newRow("no path") << R"({"command":"view"})" << true << "src/calc.py" << original;
}

void tst_TextEditorTool::edits()
{
    QFETCH(QString, input);
    QFETCH(bool, isError);
    QFETCH(QString, file);
    QFETCH(QByteArray, content);

    const tools::ToolOutput output = run(json::parse(input.toStdString()));
    QVERIFY2(output.isError == isError, output.text.c_str());
    QCOMPARE(readAll(m_workspace->filePath(file)), content);
}

void tst_TextEditorTool::refusesPathsOutsideTheWorkspace_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("command");

    QTest::newRow("dot-dot view") << QStringLiteral("../secret.txt") << QStringLiteral("view");
    QTest::newRow("dot-dot deep") << QStringLiteral("src/../../x") << QStringLiteral("create");
    QTest::newRow("absolute host path") << QStringLiteral("/etc/passwd") << QStringLiteral("view");
    QTest::newRow("symlinked folder")
        << QStringLiteral("escape/secret.txt") << QStringLiteral("view");
    QTest::newRow("symlinked folder, create")
        << QStringLiteral("escape/planted.txt") << QStringLiteral("create");
    QTest::newRow("symlinked file")
        << QStringLiteral("secret-link.txt") << QStringLiteral("str_replace");
    QTest::newRow(".git config") << QStringLiteral(".git/config") << QStringLiteral("create");
    QTest::newRow("dangling link, create")
        << QStringLiteral("dangling-link.txt") << QStringLiteral("create");
    QTest::newRow("dangling link into .git, create")
        << QStringLiteral("hook-link") << QStringLiteral("create");
}

void tst_TextEditorTool::refusesPathsOutsideTheWorkspace()
{
    QFETCH(QString, path);
    QFETCH(QString, command);

    const tools::ToolOutput output = run({{"command", command.toStdString()},
                                          {"path", path.toStdString()},
                                          {"file_text", "planted\n"},
                                          {"old_str", "outside"},
                                          {"new_str", "changed"}});
    QVERIFY(output.isError);
    QVERIFY2(output.text.find("outside") != std::string::npos
                 || output.text.find(".git") != std::string::npos
                 || output.text.find("does not exist") != std::string::npos,
             output.text.c_str());
    QVERIFY(!QFile::exists(m_workspace->filePath(QStringLiteral(".git/hooks/post-checkout"))));
    QCOMPARE(readAll(m_outside->filePath(QStringLiteral("secret.txt"))), QByteArray("outside\n"));
    QVERIFY(!QFile::exists(m_outside->filePath(QStringLiteral("planted.txt"))));
    QCOMPARE(readAll(m_workspace->filePath(QStringLiteral(".git/config"))), QByteArray("[core]\n"));
}

void tst_TextEditorTool::viewListsAFolder()
{
    const tools::ToolOutput output = run({{"command", "view"}, {"path", "."}});
    QVERIFY(!output.isError);
    QVERIFY(output.text.find("src/calc.py") != std::string::npos);
    QVERIFY(output.text.find(".git") == std::string::npos);
}

void tst_TextEditorTool::viewShowsNumberedRanges()
{
    const tools::ToolOutput output =
        run({{"command", "view"}, {"path", "src/calc.py"}, {"view_range", {5, 6}}});
    QVERIFY(!output.isError);
    QVERIFY(output.text.find("     5\tdef sub(a, b):\n     6\t    return a - b")
            != std::string::npos);
    QVERIFY(output.text.find("def add") == std::string::npos);

    const tools::ToolOutput wrong =
        run({{"command", "view"}, {"path", "src/calc.py"}, {"view_range", {5, 60}}});
    QVERIFY(wrong.isError);
}

QTEST_GUILESS_MAIN(tst_TextEditorTool)
#include "tst_texteditortool.moc"
