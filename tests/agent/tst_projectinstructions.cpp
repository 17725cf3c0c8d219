#include "agent/agentloop.h"
#include "agent/projectinstructions.h"
#include "llm/anthropicclient.h"
#include "tools/toolregistry.h"

#include "../support/replayserver.h"
#include "../support/sseevents.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace tandem;
using nlohmann::json;

namespace {

void write(const QString &path, const QByteArray &text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
}

// A save as editors do it: a new file renamed over the old one.
void replace(const QString &path, const QByteArray &text)
{
    write(path + QStringLiteral(".new"), text);
    QFile::remove(path);
    QVERIFY(QFile::rename(path + QStringLiteral(".new"), path));
}

std::string systemOf(const QByteArray &body)
{
    const json request = json::parse(body.toStdString());
    std::string system;
    for (const json &block : request.value("system", json::array()))
        system += block.value("text", "");
    return system;
}

} // namespace

class tst_ProjectInstructions : public QObject
{
    Q_OBJECT

private slots:
    void readsBothFiles();
    void noFilesNoSection();
    void bigFileIsCutWithANote();
    void changesAreSeenAndSignalled();
    void nextRequestUsesTheNewText();
};

void tst_ProjectInstructions::readsBothFiles()
{
    QTemporaryDir root;
    write(root.filePath(QStringLiteral("CLAUDE.md")), "Run `make check` before you finish.\n");
    write(root.filePath(QStringLiteral("AGENTS.md")), "Never touch vendor/.\n");
    agent::ProjectInstructions instructions(root.path());

    const auto files = instructions.files();
    QCOMPARE(files.size(), size_t(2));
    QCOMPARE(files[0].name, QStringLiteral("CLAUDE.md"));
    QCOMPARE(files[1].name, QStringLiteral("AGENTS.md"));
    const std::string section = instructions.promptSection();
    QVERIFY(section.find("<project_instructions file=\"CLAUDE.md\">\nRun `make check`")
            != std::string::npos);
    QVERIFY(section.find("Never touch vendor/.") != std::string::npos);
    QVERIFY(section.find("Never touch") > section.find("make check"));
}

void tst_ProjectInstructions::noFilesNoSection()
{
    QTemporaryDir root;
    write(root.filePath(QStringLiteral("claude.md.txt")), "not this one");
    agent::ProjectInstructions instructions(root.path());
    QVERIFY(instructions.files().empty());
    QVERIFY(instructions.promptSection().empty());
}

void tst_ProjectInstructions::bigFileIsCutWithANote()
{
    QTemporaryDir root;
    // A multi-byte character straddles the cut: it is dropped whole.
    QByteArray text(agent::ProjectInstructions::kMaxBytes - 1, 'a');
    text += "é and more past the limit";
    write(root.filePath(QStringLiteral("AGENTS.md")), text);
    agent::ProjectInstructions instructions(root.path());

    const auto files = instructions.files();
    QCOMPARE(files.size(), size_t(1));
    QVERIFY(files[0].truncated);
    QCOMPARE(files[0].text.size(), agent::ProjectInstructions::kMaxBytes - 1);
    QVERIFY(!files[0].text.contains(QChar::ReplacementCharacter));
    QCOMPARE(agent::ProjectInstructions::truncationNote(files[0]),
             QStringLiteral("AGENTS.md is 32.0 KB; only its first 32 KB are used."));
    QVERIFY(instructions.promptSection().find("[AGENTS.md is 32.0 KB; only its first 32 KB")
            != std::string::npos);
}

void tst_ProjectInstructions::changesAreSeenAndSignalled()
{
    QTemporaryDir root;
    const QString claude = root.filePath(QStringLiteral("CLAUDE.md"));
    write(claude, "first");
    agent::ProjectInstructions instructions(root.path());
    QSignalSpy changed(&instructions, &agent::ProjectInstructions::changed);

    write(claude, "second, written in place");
    QVERIFY(changed.wait(5000));
    QCOMPARE(instructions.files().at(0).text, QStringLiteral("second, written in place"));

    replace(claude, "third, renamed over it");
    QTRY_COMPARE_WITH_TIMEOUT(instructions.files().at(0).text,
                              QStringLiteral("third, renamed over it"), 5000);
    const int before = int(changed.size());
    write(claude, "fourth: the watch survived the rename");
    QTRY_VERIFY_WITH_TIMEOUT(changed.size() > before, 5000);

    write(root.filePath(QStringLiteral("AGENTS.md")), "a new file");
    QTRY_COMPARE_WITH_TIMEOUT(instructions.files().size(), size_t(2), 5000);
    QFile::remove(claude);
    QTRY_COMPARE_WITH_TIMEOUT(instructions.files().size(), size_t(1), 5000);
}

void tst_ProjectInstructions::nextRequestUsesTheNewText()
{
    QTemporaryDir root;
    const QString claude = root.filePath(QStringLiteral("CLAUDE.md"));
    write(claude, "Answer in English.");
    agent::ProjectInstructions instructions(root.path());

    ReplayServer server(QList<ReplayServer::Response>{{"200 OK", {sseevents::textReply("one")}},
                                                      {"200 OK", {sseevents::textReply("two")}}});
    llm::AnthropicClient::Config clientConfig;
    clientConfig.baseUrl = server.baseUrl();
    clientConfig.apiKey = QStringLiteral("k");
    clientConfig.model = QStringLiteral("m");
    llm::AnthropicClient client(clientConfig);
    tools::ToolRegistry registry;
    agent::AgentConfig config;
    config.systemPrompt = "You are Tandem.";
    config.projectContext = [&instructions] { return instructions.promptSection(); };
    agent::AgentLoop loop(client, registry, nullptr, config);

    QVERIFY(loop.run(QStringLiteral("hello")).has_value());
    // No event loop runs between these: the request reads the file itself.
    write(claude, "Answer in French.");
    QVERIFY(loop.run(QStringLiteral("again")).has_value());

    const std::string first = systemOf(server.requestBodies().value(0));
    const std::string second = systemOf(server.requestBodies().value(1));
    QVERIFY(first.starts_with("You are Tandem."));
    QVERIFY(first.find("Answer in English.") != std::string::npos);
    QVERIFY(second.find("Answer in French.") != std::string::npos);
    QVERIFY(second.find("English") == std::string::npos);
}

QTEST_GUILESS_MAIN(tst_ProjectInstructions)
#include "tst_projectinstructions.moc"
