#include "approval/approvaldesk.h"
#include "approval/standinganswer.h"

#include "audit/auditlog.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <deque>

using namespace tandem;
using approval::ApprovalAnswer;
using approval::ApprovalDesk;
using approval::ApprovalPolicy;
using Choice = approval::ApprovalAnswer::Choice;
using nlohmann::json;

namespace {

// Gives the answers it was handed, in order, and keeps the questions.
class ScriptedApprover : public approval::Approver
{
public:
    std::deque<ApprovalAnswer> answers;
    std::vector<approval::ApprovalRequest> asked;

    ApprovalAnswer ask(const approval::ApprovalRequest &request, const base::CancelToken &) override
    {
        asked.push_back(request);
        if (answers.empty())
            return {Choice::Deny, QStringLiteral("no answer left")};
        ApprovalAnswer next = answers.front();
        answers.pop_front();
        return next;
    }
};

// Waits for an answer that never comes, as a person away from the window would.
class AbsentApprover : public approval::Approver
{
public:
    ApprovalAnswer ask(const approval::ApprovalRequest &, const base::CancelToken &cancel) override
    {
        QElapsedTimer waited;
        waited.start();
        while (!cancel.isCancelled() && waited.elapsed() < 10000)
            QThread::msleep(5);
        return {cancel.isCancelled() ? Choice::Cancelled : Choice::AllowOnce, {}};
    }
};

const json sudo = {{"command", "sudo make install"}};

QString text(const json &line, const char *key)
{
    return QString::fromStdString(line.value(key, std::string()));
}

} // namespace

class tst_ApprovalDesk : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void callsOutsideThePolicyRunUnasked();
    void allowOnceAsksAgain();
    void allowForSessionCoversTheSameRule();
    void denialCarriesTheUsersReason();
    void stopEndsTheWait();
    void headlessDeniesWithItsMessage();
    void nobodyToAskDenies();
    void askForEveryToolCanBeSwitchedOn();

private:
    std::vector<json> auditLines() const;

    QTemporaryDir m_dir;
    std::unique_ptr<audit::AuditLog> m_audit;
    std::unique_ptr<ApprovalDesk> m_desk;
    ScriptedApprover m_approver;
};

void tst_ApprovalDesk::init()
{
    m_desk.reset();
    m_audit = std::make_unique<audit::AuditLog>(
        m_dir.filePath(QStringLiteral("%1.jsonl").arg(QTest::currentTestFunction())));
    QVERIFY(m_audit->open().has_value());
    m_desk = std::make_unique<ApprovalDesk>(ApprovalPolicy(), m_audit.get());
    m_approver = {};
    m_desk->setApprover(&m_approver);
}

std::vector<json> tst_ApprovalDesk::auditLines() const
{
    QFile file(m_dir.filePath(QStringLiteral("%1.jsonl").arg(QTest::currentTestFunction())));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    std::vector<json> lines;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        json entry = json::parse(line.toStdString());
        if (entry.value("kind", std::string()) == "approval")
            lines.push_back(std::move(entry));
    }
    return lines;
}

void tst_ApprovalDesk::callsOutsideThePolicyRunUnasked()
{
    base::CancelToken cancel;
    QVERIFY(!m_desk->reviewToolCall(QStringLiteral("c1"), QStringLiteral("bash"),
                                    {{"command", "ls"}}, cancel));
    QVERIFY(m_approver.asked.empty());
    QVERIFY(auditLines().empty());
}

void tst_ApprovalDesk::allowOnceAsksAgain()
{
    m_approver.answers = {{Choice::AllowOnce, {}}, {Choice::AllowOnce, {}}};
    base::CancelToken cancel;
    QVERIFY(!m_desk->reviewToolCall(QStringLiteral("c1"), QStringLiteral("bash"), sudo, cancel));
    QVERIFY(!m_desk->reviewToolCall(QStringLiteral("c2"), QStringLiteral("bash"), sudo, cancel));
    QCOMPARE(m_approver.asked.size(), size_t(2));

    const auto lines = auditLines();
    QCOMPARE(lines.size(), size_t(2));
    QCOMPARE(text(lines[0], "id"), QStringLiteral("c1"));
    QCOMPARE(text(lines[0], "decision"), QStringLiteral("allow_once"));
    QCOMPARE(text(lines[0], "summary"), QStringLiteral("sudo make install"));
    QCOMPARE(text(lines[1], "id"), QStringLiteral("c2"));
}

void tst_ApprovalDesk::allowForSessionCoversTheSameRule()
{
    m_approver.answers = {{Choice::AllowForSession, {}}, {Choice::Deny, {}}};
    base::CancelToken cancel;
    const QString bash = QStringLiteral("bash");
    QVERIFY(!m_desk->reviewToolCall(QStringLiteral("c1"), bash, sudo, cancel));
    QVERIFY(!m_desk->reviewToolCall(QStringLiteral("c2"), bash, {{"command", "sudo -k"}}, cancel));
    QCOMPARE(m_approver.asked.size(), size_t(1));

    // Another rule still asks, and a new session starts over.
    QVERIFY(m_desk->reviewToolCall(QStringLiteral("c3"), bash, {{"command", "git push"}}, cancel));
    m_desk->session().forget();
    m_approver.answers = {{Choice::Deny, {}}};
    QVERIFY(m_desk->reviewToolCall(QStringLiteral("c4"), bash, sudo, cancel));
    QCOMPARE(m_approver.asked.size(), size_t(3));

    const auto lines = auditLines();
    QCOMPARE(lines.size(), size_t(4));
    QCOMPARE(text(lines[0], "decision"), QStringLiteral("allow_session"));
    QVERIFY(!lines[0]["remembered"].get<bool>());
    QCOMPARE(text(lines[1], "decision"), QStringLiteral("allow_session"));
    QVERIFY(lines[1]["remembered"].get<bool>());
    QCOMPARE(text(lines[2], "decision"), QStringLiteral("deny"));
    QCOMPARE(text(lines[3], "id"), QStringLiteral("c4"));
}

void tst_ApprovalDesk::denialCarriesTheUsersReason()
{
    m_approver.answers = {{Choice::Deny, QStringLiteral("use the staging box")}};
    base::CancelToken cancel;
    const auto refusal =
        m_desk->reviewToolCall(QStringLiteral("c1"), QStringLiteral("bash"), sudo, cancel);
    QVERIFY(refusal);
    QVERIFY(QString::fromStdString(*refusal).contains(QStringLiteral("use the staging box")));
    QCOMPARE(text(auditLines().at(0), "user_reason"), QStringLiteral("use the staging box"));
}

void tst_ApprovalDesk::stopEndsTheWait()
{
    AbsentApprover absent;
    m_desk->setApprover(&absent);
    base::CancelToken cancel;
    QThread *stopper = QThread::create([cancel] {
        QThread::msleep(100);
        cancel.cancel();
    });
    stopper->start();

    QElapsedTimer waited;
    waited.start();
    const auto refusal =
        m_desk->reviewToolCall(QStringLiteral("c1"), QStringLiteral("bash"), sudo, cancel);
    QVERIFY(stopper->wait(5000));
    delete stopper;

    QVERIFY(refusal);
    QVERIFY(QString::fromStdString(*refusal).contains(QStringLiteral("stopped")));
    QVERIFY2(waited.elapsed() < 2000, qPrintable(QString::number(waited.elapsed())));
    QCOMPARE(text(auditLines().at(0), "decision"), QStringLiteral("cancelled"));
}

void tst_ApprovalDesk::headlessDeniesWithItsMessage()
{
    approval::StandingAnswer headless(false, QStringLiteral("pass --approve-all to allow it."));
    m_desk->setApprover(&headless);
    base::CancelToken cancel;
    const auto refusal =
        m_desk->reviewToolCall(QStringLiteral("c1"), QStringLiteral("bash"), sudo, cancel);
    QVERIFY(refusal);
    QCOMPARE(QString::fromStdString(*refusal),
             QStringLiteral("Not run: pass --approve-all to allow it."));
    QCOMPARE(text(auditLines().at(0), "by"), QStringLiteral("rule"));

    approval::StandingAnswer allowing(true, {});
    m_desk->setApprover(&allowing);
    QVERIFY(!m_desk->reviewToolCall(QStringLiteral("c2"), QStringLiteral("bash"), sudo, cancel));
}

void tst_ApprovalDesk::nobodyToAskDenies()
{
    m_desk->setApprover(nullptr);
    base::CancelToken cancel;
    QString refusal;
    QVERIFY(!m_desk->decide(ApprovalPolicy::computerAction(QStringLiteral("key alt+F4"),
                                                           QStringLiteral("Closes a window.")),
                            cancel, &refusal));
    QVERIFY(refusal.contains(QStringLiteral("no one to ask")));
}

void tst_ApprovalDesk::askForEveryToolCanBeSwitchedOn()
{
    base::CancelToken cancel;
    const QString editor = QStringLiteral("str_replace_based_edit_tool");
    const json view = {{"command", "view"}, {"path", "a.txt"}};
    QVERIFY(!m_desk->reviewToolCall(QStringLiteral("c1"), editor, view, cancel));

    m_desk->setAskForEveryTool(true);
    m_approver.answers = {{Choice::Deny, {}}};
    QVERIFY(m_desk->reviewToolCall(QStringLiteral("c2"), editor, view, cancel));
    QCOMPARE(m_approver.asked.size(), size_t(1));
    QCOMPARE(m_approver.asked[0].tool, editor);
}

QTEST_GUILESS_MAIN(tst_ApprovalDesk)

#include "tst_approvaldesk.moc"
