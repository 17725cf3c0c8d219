#include "llm/modelswitch.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace tandem;

namespace {

// Answers with its own name; holds its reply until released, to be replaced mid-request.
class NamedClient : public llm::ModelClient
{
public:
    explicit NamedClient(std::string name, bool hold = false)
        : m_name(std::move(name))
        , m_hold(hold)
    {}

    base::Result<llm::ModelReply> send(const llm::ModelRequest &, llm::StreamObserver *,
                                       const base::CancelToken &) override
    {
        started = true;
        while (m_hold && !released)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        llm::ModelReply reply;
        reply.message.content.push_back(llm::ContentBlock::makeText(m_name));
        reply.complete = true;
        return reply;
    }
    QString describe() const override { return QString::fromStdString(m_name); }

    std::atomic<bool> started{false};
    std::atomic<bool> released{false};

private:
    std::string m_name;
    bool m_hold;
};

std::string answerOf(llm::ModelClient &client)
{
    auto reply = client.send({}, nullptr, base::CancelToken());
    return reply ? reply->message.text() : std::string();
}

} // namespace

class tst_ModelSwitch : public QObject
{
    Q_OBJECT

private slots:
    void nextRequestGoesToTheNewClient();
    void requestUnderWayKeepsItsClient();
};

void tst_ModelSwitch::nextRequestGoesToTheNewClient()
{
    llm::ModelSwitch model(std::make_shared<NamedClient>("demo"));
    QCOMPARE(answerOf(model), std::string("demo"));
    QCOMPARE(model.describe(), QStringLiteral("demo"));

    model.replace(std::make_shared<NamedClient>("claude"));
    QCOMPARE(answerOf(model), std::string("claude"));
    QCOMPARE(model.describe(), QStringLiteral("claude"));
}

void tst_ModelSwitch::requestUnderWayKeepsItsClient()
{
    auto first = std::make_shared<NamedClient>("first", true);
    std::weak_ptr<NamedClient> watch = first;
    NamedClient &held = *first;
    llm::ModelSwitch model(first);
    first.reset();

    std::string answer;
    std::thread request([&] { answer = answerOf(model); });
    QTRY_VERIFY(held.started);
    model.replace(std::make_shared<NamedClient>("second"));
    // Replaced, yet alive while its request runs.
    QVERIFY(!watch.expired());
    held.released = true;
    request.join();

    QCOMPARE(answer, std::string("first"));
    QVERIFY(watch.expired());
    QCOMPARE(answerOf(model), std::string("second"));
}

QTEST_GUILESS_MAIN(tst_ModelSwitch)
#include "tst_modelswitch.moc"
