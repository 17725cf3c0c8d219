#include "session/messagecodec.h"
#include "session/sessionexporter.h"
#include "session/sessionrecorder.h"
#include "session/sessionschema.h"
#include "session/sessionstore.h"
#include "session/storeconnection.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace tandem;
using llm::ContentBlock;
using llm::Message;
using llm::Role;
using nlohmann::json;

Q_DECLARE_METATYPE(tandem::llm::Message)

namespace {

Message userText(const std::string &text)
{
    return {Role::User, {ContentBlock::makeText(text)}};
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

// A short conversation with a tool call, for search and export.
std::vector<Message> invoiceConversation()
{
    Message reply{
        Role::Assistant,
        {ContentBlock::makeText("Let me run the tests."),
         ContentBlock::makeToolUse("toolu_1", "bash", {{"command", "python3 -m unittest"}})}};
    Message results{Role::User,
                    {ContentBlock::makeToolResult("toolu_1", "FAILED test_discount_total", true)}};
    Message answer{Role::Assistant,
                   {ContentBlock::makeText("The discount is applied after the tax; here is the "
                                           "fix:\n\n```python\ntotal = subtotal * rate\n```")}};
    return {userText("Fix the failing invoice test"), reply, results, answer};
}

} // namespace

class tst_SessionStore : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void roundTripOfEveryBlockKind_data();
    void roundTripOfEveryBlockKind();
    void savingAnIndexAgainReplacesIt();
    void savesFromAnotherThread();
    void search_data();
    void search();
    void deleteRemovesMessagesAndTheirIndex();
    void currentSessionIsRemembered();
    void markdownExport();
    void jsonExportReadsBackAsTheConversation();
    void exportOfAMissingSessionSaysSo();
    void migratesAVersion1Store();
    void newerSchemaIsRefusedUntouched();
    void corruptFileIsRefusedUntouched_data();
    void corruptFileIsRefusedUntouched();
    void lockedStoreFailsClearlyAndLosesNothing();
    void recorderCreatesTheSessionWithATitle();

private:
    QString storePath() const { return m_dir->filePath(QStringLiteral("data/sessions.sqlite")); }
    qint64 sessionWith(session::SessionStore &store, const std::vector<Message> &conversation,
                       const QString &title = QStringLiteral("Invoice fix"));

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_SessionStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

qint64 tst_SessionStore::sessionWith(session::SessionStore &store,
                                     const std::vector<Message> &conversation, const QString &title)
{
    auto id = store.createSession({title, QStringLiteral("/work/space"), QStringLiteral("m:1")});
    if (!id)
        qFatal("createSession: %s", qPrintable(id.error().message));
    for (std::size_t i = 0; i < conversation.size(); ++i) {
        if (auto saved = store.saveMessage(*id, int(i), conversation[i]); !saved)
            qFatal("saveMessage: %s", qPrintable(saved.error().message));
    }
    return *id;
}

void tst_SessionStore::roundTripOfEveryBlockKind_data()
{
    QTest::addColumn<Message>("message");

    QTest::newRow("text") << userText("Grüße, 世界 — \"quoted\"\nsecond line");
    QTest::newRow("tool use") << Message{
        Role::Assistant,
        {ContentBlock::makeText("Looking."),
         ContentBlock::makeToolUse("toolu_01", "str_replace_based_edit_tool",
                                   {{"command", "view"}, {"path", "a/b.py"}})}};

    ContentBlock fromCode = ContentBlock::makeToolUse("toolu_02", "compute_kpis", {{"n", 3}});
    fromCode.caller = {{"type", "code_execution_20250825"}, {"tool_id", "srvtoolu_9"}};
    QTest::newRow("tool use from code") << Message{Role::Assistant, {fromCode}};

    QTest::newRow("tool result") << Message{
        Role::User, {ContentBlock::makeToolResult("toolu_01", "1 passed", false)}};
    QTest::newRow("tool error") << Message{
        Role::User, {ContentBlock::makeToolResult("toolu_01", "No such file", true)}};

    ContentBlock screenshot = ContentBlock::makeToolResult("toolu_03", "clicked", false);
    screenshot.imageBase64 = "iVBORw0KGgo=";
    screenshot.imageMediaType = "image/png";
    QTest::newRow("tool result with image") << Message{Role::User, {screenshot}};
    ContentBlock imageOnly = screenshot;
    imageOnly.text.clear();
    QTest::newRow("image only") << Message{Role::User, {imageOnly}};

    ContentBlock serverUse =
        ContentBlock::makeToolUse("srvtoolu_9", "code_execution", {{"code", "print(1)"}});
    serverUse.type = ContentBlock::Type::ServerToolUse;
    ContentBlock serverResult;
    serverResult.type = ContentBlock::Type::ServerResult;
    serverResult.raw = {{"type", "code_execution_tool_result"},
                        {"tool_use_id", "srvtoolu_9"},
                        {"content", {{"type", "code_execution_result"}, {"stdout", "1\n"}}}};
    QTest::newRow("server tool and result")
        << Message{Role::Assistant, {serverUse, serverResult, ContentBlock::makeText("Done.")}};
}

void tst_SessionStore::roundTripOfEveryBlockKind()
{
    QFETCH(Message, message);

    session::SessionStore store(storePath());
    QVERIFY2(store.open(), "open");
    const qint64 id = sessionWith(store, {message});

    auto loaded = store.conversation(id);
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
    QCOMPARE(loaded->size(), std::size_t(1));
    const Message &back = loaded->front();
    QCOMPARE(back.role, message.role);
    QCOMPARE(back.content.size(), message.content.size());
    for (std::size_t i = 0; i < back.content.size(); ++i) {
        const ContentBlock &a = message.content[i];
        const ContentBlock &b = back.content[i];
        QCOMPARE(int(b.type), int(a.type));
        QCOMPARE(b.text, a.text);
        QCOMPARE(b.id, a.id);
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.toolUseId, a.toolUseId);
        QCOMPARE(b.isError, a.isError);
        QCOMPARE(b.imageBase64, a.imageBase64);
        QCOMPARE(b.imageMediaType, a.imageMediaType);
        QCOMPARE(b.isCalledFromCode(), a.isCalledFromCode());
    }
    // What goes back to the model is exactly what went out.
    QCOMPARE(back.toJson().dump(), message.toJson().dump());
}

void tst_SessionStore::savingAnIndexAgainReplacesIt()
{
    session::SessionStore store(storePath());
    QVERIFY(store.open());
    const qint64 id = sessionWith(store, {userText("first")});

    Message merged = userText("first");
    merged.content.push_back(ContentBlock::makeText("and a follow-up"));
    QVERIFY(store.saveMessage(id, 0, merged));
    QVERIFY(store.saveMessage(id, 1, {Role::Assistant, {ContentBlock::makeText("ok")}}));

    auto loaded = store.conversation(id);
    QVERIFY(loaded);
    QCOMPARE(loaded->size(), std::size_t(2));
    QCOMPARE(loaded->front().text(), std::string("firstand a follow-up"));
    auto found = store.sessions(QStringLiteral("follow"));
    QVERIFY(found);
    QCOMPARE(found->size(), std::size_t(1));
    QCOMPARE(found->front().messageCount, 2);
}

void tst_SessionStore::savesFromAnotherThread()
{
    session::SessionStore store(storePath());
    QVERIFY(store.open());
    const qint64 id = sessionWith(store, {userText("from the window")});

    base::Status saved;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        saved = store.saveMessage(id, 1, {Role::Assistant, {ContentBlock::makeText("worker")}});
    }));
    worker->start();
    QVERIFY(worker->wait(10000));
    QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().message));

    auto loaded = store.conversation(id);
    QVERIFY(loaded);
    QCOMPARE(loaded->size(), std::size_t(2));
    QCOMPARE(loaded->back().text(), std::string("worker"));
}

void tst_SessionStore::search_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<QStringList>("titles");

    QTest::newRow("empty lists all") << QString() << QStringList{"Dashboard", "Invoice fix"};
    QTest::newRow("title substring") << "oice f" << QStringList{"Invoice fix"};
    QTest::newRow("message word") << "discount" << QStringList{"Invoice fix"};
    QTest::newRow("word prefix") << "disc" << QStringList{"Invoice fix"};
    QTest::newRow("tool result") << "test_discount_total" << QStringList{"Invoice fix"};
    QTest::newRow("tool input") << "unittest" << QStringList{"Invoice fix"};
    QTest::newRow("case and accents") << "RÉSUMÉ" << QStringList{"Dashboard"};
    QTest::newRow("all words needed") << "discount dashboard" << QStringList{};
    QTest::newRow("both sessions") << "the" << QStringList{"Dashboard", "Invoice fix"};
    QTest::newRow("no match") << "kubernetes" << QStringList{};
    QTest::newRow("syntax is text") << "\"AND OR * (" << QStringList{};
    QTest::newRow("like wildcards are text") << "%_" << QStringList{};
}

void tst_SessionStore::search()
{
    QFETCH(QString, search);
    QFETCH(QStringList, titles);

    session::SessionStore store(storePath());
    QVERIFY(store.open());
    sessionWith(store, invoiceConversation());
    sessionWith(store,
                {userText("Build the sales dashboard"),
                 {Role::Assistant, {ContentBlock::makeText("A resume of the sales: done.")}}},
                QStringLiteral("Dashboard"));

    auto found = store.sessions(search);
    QVERIFY2(found, qPrintable(found ? QString() : found.error().message));
    QStringList got;
    for (const session::SessionSummary &summary : *found)
        got.append(summary.title);
    QCOMPARE(got, titles);
    if (!search.isEmpty() && !found->empty() && search != QLatin1String("oice f"))
        QVERIFY2(found->front().excerpt.contains(u'['), qPrintable(found->front().excerpt));
}

void tst_SessionStore::deleteRemovesMessagesAndTheirIndex()
{
    session::SessionStore store(storePath());
    QVERIFY(store.open());
    const qint64 id = sessionWith(store, invoiceConversation());
    QVERIFY(store.setCurrentSession(id));

    QVERIFY(store.deleteSession(id));
    auto found = store.sessions(QStringLiteral("discount"));
    QVERIFY(found);
    QVERIFY(found->empty());
    auto loaded = store.conversation(id);
    QVERIFY(loaded);
    QVERIFY(loaded->empty());
    auto current = store.currentSession();
    QVERIFY(current);
    QVERIFY(!current->has_value());

    auto again = store.deleteSession(id);
    QVERIFY(!again);
    QCOMPARE(again.error().code, QStringLiteral("session_not_found"));
}

void tst_SessionStore::currentSessionIsRemembered()
{
    qint64 id = 0;
    {
        session::SessionStore store(storePath());
        QVERIFY(store.open());
        id = sessionWith(store, {userText("remember me")});
        QVERIFY(store.setCurrentSession(id));
    }
    session::SessionStore reopened(storePath());
    QVERIFY(reopened.open());
    auto current = reopened.currentSession();
    QVERIFY(current);
    QCOMPARE(current->value_or(0), id);

    QVERIFY(reopened.setCurrentSession(std::nullopt));
    current = reopened.currentSession();
    QVERIFY(current && !current->has_value());
}

void tst_SessionStore::markdownExport()
{
    session::SessionStore store(storePath());
    QVERIFY(store.open());
    const qint64 id = sessionWith(store, invoiceConversation());

    auto exported = session::SessionExporter::exportSession(
        store, id, session::SessionExporter::Format::Markdown);
    QVERIFY(exported);
    const QString text = QString::fromUtf8(*exported);
    QVERIFY(text.startsWith(QStringLiteral("# Invoice fix\n")));
    QVERIFY(text.contains(QStringLiteral("- Workspace: /work/space")));
    QVERIFY(text.contains(QStringLiteral("## You\n\nFix the failing invoice test")));
    QVERIFY(text.contains(QStringLiteral("**Tool call** `bash` (toolu_1)")));
    QVERIFY(text.contains(QStringLiteral("\"command\": \"python3 -m unittest\"")));
    QVERIFY(text.contains(QStringLiteral("**Tool error** for toolu_1")));
    // The reply's own code block stays whole inside the text, not cut by a fence of ours.
    QVERIFY(text.contains(QStringLiteral("```python\ntotal = subtotal * rate\n```")));
    // A message of tool results is not shown as the user speaking.
    QCOMPARE(text.count(QStringLiteral("## You")), 1);
    QCOMPARE(text.count(QStringLiteral("## Tandem")), 2);
}

void tst_SessionStore::jsonExportReadsBackAsTheConversation()
{
    session::SessionStore store(storePath());
    QVERIFY(store.open());
    const std::vector<Message> conversation = invoiceConversation();
    const qint64 id = sessionWith(store, conversation);

    auto exported =
        session::SessionExporter::exportSession(store, id, session::SessionExporter::Format::Json);
    QVERIFY(exported);
    const json document = json::parse(exported->toStdString());
    QCOMPARE(document["format"].get<std::string>(), std::string("tandem-session"));
    QCOMPARE(document["session"]["id"].get<qint64>(), id);
    QCOMPARE(document["session"]["title"].get<std::string>(), std::string("Invoice fix"));
    QCOMPARE(document["messages"].size(), conversation.size());
    for (std::size_t i = 0; i < conversation.size(); ++i) {
        auto message = session::MessageCodec::fromJson(document["messages"][i]);
        QVERIFY(message);
        QCOMPARE(message->toJson().dump(), conversation[i].toJson().dump());
    }
}

void tst_SessionStore::exportOfAMissingSessionSaysSo()
{
    session::SessionStore store(storePath());
    QVERIFY(store.open());
    auto exported =
        session::SessionExporter::exportSession(store, 42, session::SessionExporter::Format::Json);
    QVERIFY(!exported);
    QCOMPARE(exported.error().code, QStringLiteral("session_not_found"));
    QVERIFY(exported.error().message.contains(QStringLiteral("tandem session list")));
}

// A store written before search existed: its messages become searchable, nothing is lost.
void tst_SessionStore::migratesAVersion1Store()
{
    QDir().mkpath(QFileInfo(storePath()).absolutePath());
    {
        session::StoreConnection old(storePath(), 1000);
        QVERIFY(old.isOpen());
        QVERIFY(session::SessionSchema::createVersion1(old.database(), storePath()));
        QSqlQuery query(old.database());
        QVERIFY(query.exec(
            QStringLiteral("INSERT INTO sessions (title, created, updated) VALUES ('Old one',"
                           " '2026-11-01T10:00:00.000Z', '2026-11-01T10:05:00.000Z')")));
        const QString json =
            QString::fromStdString(userText("An old question about quaternions").toJson().dump());
        query.prepare(QStringLiteral("INSERT INTO messages (session_id, seq, role, content, saved)"
                                     " VALUES (1, 0, 'user', ?, '2026-11-01T10:00:00.000Z')"));
        query.addBindValue(json);
        QVERIFY(query.exec());
    }

    session::SessionStore store(storePath());
    auto opened = store.open();
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
    {
        session::StoreConnection check(storePath(), 1000);
        QSqlQuery version(check.database());
        QVERIFY(version.exec(QStringLiteral("PRAGMA user_version")) && version.next());
        QCOMPARE(version.value(0).toInt(), session::SessionSchema::kVersion);
    }
    auto found = store.sessions(QStringLiteral("quaternion"));
    QVERIFY(found);
    QCOMPARE(found->size(), std::size_t(1));
    QCOMPARE(found->front().title, QStringLiteral("Old one"));
    auto loaded = store.conversation(found->front().id);
    QVERIFY(loaded);
    QCOMPARE(loaded->front().text(), std::string("An old question about quaternions"));
}

void tst_SessionStore::newerSchemaIsRefusedUntouched()
{
    {
        session::SessionStore store(storePath());
        QVERIFY(store.open());
        sessionWith(store, {userText("from the future")});
        session::StoreConnection raw(storePath(), 1000);
        QSqlQuery query(raw.database());
        QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = 99")));
    }
    const QByteArray before = fileHash(storePath());

    session::SessionStore store(storePath());
    auto opened = store.open();
    QVERIFY(!opened);
    QCOMPARE(opened.error().code, QStringLiteral("session_store_newer"));
    QVERIFY(opened.error().message.contains(QStringLiteral("newer Tandem")));
    QCOMPARE(fileHash(storePath()), before);
}

void tst_SessionStore::corruptFileIsRefusedUntouched_data()
{
    QTest::addColumn<bool>("wholeFile");
    QTest::newRow("not a database") << true;
    QTest::newRow("damaged pages") << false;
}

void tst_SessionStore::corruptFileIsRefusedUntouched()
{
    QFETCH(bool, wholeFile);

    QDir().mkpath(QFileInfo(storePath()).absolutePath());
    if (wholeFile) {
        QFile file(storePath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
    } else {
        {
            session::SessionStore store(storePath());
            QVERIFY(store.open());
            for (int i = 0; i < 40; ++i)
                sessionWith(store, invoiceConversation());
        }
        // Garbage over the pages after the first, where the tables' b-trees live.
        QFile file(storePath());
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.size() > 16384);
        file.seek(4096);
        file.write(QByteArray(8192, '\x5a'));
    }
    QVERIFY(!QFile::exists(storePath() + QStringLiteral("-wal"))
            || QFileInfo(storePath() + QStringLiteral("-wal")).size() == 0);
    const QByteArray before = fileHash(storePath());

    session::SessionStore store(storePath());
    auto opened = store.open();
    QVERIFY(!opened);
    QCOMPARE(opened.error().code, QStringLiteral("session_store_damaged"));
    QVERIFY2(opened.error().message.contains(QStringLiteral("left the file as it is")),
             qPrintable(opened.error().message));
    QCOMPARE(fileHash(storePath()), before);
}

// Another program holds the write lock: the save fails at once with a message that says so,
// the recorder keeps the message, and saves it with the next one once the lock is gone.
void tst_SessionStore::lockedStoreFailsClearlyAndLosesNothing()
{
    session::SessionStore store(storePath(), 200);
    QVERIFY(store.open());
    session::SessionRecorder recorder(store, {{}, QStringLiteral("/w"), QStringLiteral("m")});
    QSignalSpy failed(&recorder, &session::SessionRecorder::saveFailed);
    recorder.record(0, userText("before the lock"));
    QVERIFY(recorder.session());
    const qint64 id = *recorder.session();

    auto locker = std::make_unique<session::StoreConnection>(storePath(), 200);
    QSqlQuery hold(locker->database());
    QVERIFY(hold.exec(QStringLiteral("BEGIN IMMEDIATE")));

    auto direct = store.saveMessage(id, 1, {Role::Assistant, {ContentBlock::makeText("x")}});
    QVERIFY(!direct);
    QCOMPARE(direct.error().code, QStringLiteral("session_store_locked"));
    QVERIFY(direct.error().message.contains(QStringLiteral("nothing saved so far is lost")));

    recorder.record(1, {Role::Assistant, {ContentBlock::makeText("during the lock")}});
    QCOMPARE(failed.size(), 1);
    QVERIFY(failed.first().first().toString().contains(QStringLiteral("lock")));

    QVERIFY(hold.exec(QStringLiteral("ROLLBACK")));
    hold = QSqlQuery();
    locker.reset();
    recorder.record(2, userText("after the lock"));
    QCOMPARE(failed.size(), 1);

    auto loaded = store.conversation(id);
    QVERIFY(loaded);
    QCOMPARE(loaded->size(), std::size_t(3));
    QCOMPARE(loaded->at(1).text(), std::string("during the lock"));
}

void tst_SessionStore::recorderCreatesTheSessionWithATitle()
{
    session::SessionStore store(storePath());
    QVERIFY(store.open());
    session::SessionRecorder recorder(store, {{}, QStringLiteral("/w"), QStringLiteral("m:2")});
    QSignalSpy created(&recorder, &session::SessionRecorder::sessionCreated);

    recorder.record(0, userText("  Explain the   module\nin detail please"));
    QCOMPARE(created.size(), 1);
    auto summary = store.session(created.first().first().toLongLong());
    QVERIFY(summary);
    QCOMPARE(summary->title, QStringLiteral("Explain the module"));
    QCOMPARE(summary->model, QStringLiteral("m:2"));
    auto current = store.currentSession();
    QVERIFY(current);
    QCOMPARE(current->value_or(0), summary->id);

    const QString longTitle = session::SessionRecorder::titleFor(userText(std::string(200, 'a')));
    QCOMPARE(longTitle.size(), 60);
    QVERIFY(longTitle.endsWith(QChar(0x2026)));
}

QTEST_GUILESS_MAIN(tst_SessionStore)
#include "tst_sessionstore.moc"
