#include "xvfbserver.h"

#include "agent/agentloop.h"
#include "computer/computertool.h"
#include "tools/toolregistry.h"
#include "x11/x11desktop.h"

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgproc.hpp>

using namespace tandem;
using nlohmann::json;

namespace {

struct RequestSeen
{
    int images = 0;
    QSize largest;
    size_t bodyBytes = 0;
};

// A model that looks: it finds the red square in the newest screenshot it is sent (OpenCV)
// and clicks its centre, turn after turn, then ends. It also records what every request
// carried, as the API would receive it.
class LookingModel : public llm::ModelClient
{
public:
    explicit LookingModel(int turns)
        : m_turns(turns)
    {}

    base::Result<llm::ModelReply> send(const llm::ModelRequest &request, llm::StreamObserver *,
                                       const base::CancelToken &) override
    {
        std::optional<QImage> newest;
        RequestSeen seen;
        for (const llm::Message &message : request.messages) {
            const json wire = message.toJson();
            seen.bodyBytes += wire.dump().size();
            for (const llm::ContentBlock &block : message.content) {
                if (block.imageBase64.empty())
                    continue;
                const QImage image = QImage::fromData(
                    QByteArray::fromBase64(QByteArray::fromStdString(block.imageBase64)), "PNG");
                ++seen.images;
                seen.largest = seen.largest.expandedTo(image.size());
                newest = image;
            }
        }
        requests.push_back(seen);

        llm::ModelReply reply;
        reply.complete = true;
        const auto target = newest ? redSquareIn(*newest) : std::nullopt;
        if (int(requests.size()) > m_turns || (newest && !target)) {
            reply.stopReason = "end_turn";
            reply.message.content.push_back(llm::ContentBlock::makeText("Done."));
            return reply;
        }
        reply.stopReason = "tool_use";
        const json input =
            target ? json{{"action", "left_click"}, {"coordinate", {target->x(), target->y()}}}
                   : json{{"action", "screenshot"}};
        reply.message.content.push_back(llm::ContentBlock::makeToolUse(
            "toolu_" + std::to_string(requests.size()), "computer", input));
        return reply;
    }

    QString describe() const override { return QStringLiteral("test:looking"); }

    std::vector<RequestSeen> requests;

private:
    static std::optional<QPoint> redSquareIn(const QImage &screenshot)
    {
        const QImage rgb = screenshot.convertToFormat(QImage::Format_RGB888);
        const cv::Mat image(rgb.height(), rgb.width(), CV_8UC3,
                            const_cast<uchar *>(rgb.constBits()), size_t(rgb.bytesPerLine()));
        cv::Mat mask;
        cv::inRange(image, cv::Scalar(200, 0, 0), cv::Scalar(255, 80, 80), mask);
        const cv::Rect box = cv::boundingRect(mask);
        if (box.empty())
            return std::nullopt;
        return QPoint(box.x + box.width / 2, box.y + box.height / 2);
    }

    int m_turns;
};

} // namespace

// Case 13's long session: 30 look-and-click turns on a 4K screen through the real agent loop.
class tst_ComputerSession : public QObject
{
    Q_OBJECT

private slots:
    void thirtyTurnsOnA4kScreen();
};

void tst_ComputerSession::thirtyTurnsOnA4kScreen()
{
    QTemporaryDir dir;
    computertesting::XvfbServer server;
    QString error;
    QVERIFY2(server.start(QSize(3840, 2160), &error), qPrintable(error));
    computertesting::ProbeWindow probe(dir.path(), QStringLiteral("probe"));
    const QRect square(2901, 1733, 24, 24);
    QVERIFY2(probe.start(server, QRect(0, 0, 3840, 2160), square, &error), qPrintable(error));
    auto desktop = x11::X11Desktop::open(server.display());
    QVERIFY(desktop.has_value());

    tools::ToolRegistry registry;
    registry.add(
        std::make_unique<computer::ComputerTool>(**desktop, computer::ComputerToolOptions{}));
    LookingModel model(30);
    agent::AgentConfig config;
    agent::AgentLoop loop(model, registry, nullptr, config);
    const auto outcome = loop.run(QStringLiteral("Click the red square, again and again."));
    QVERIFY(outcome.has_value());
    QCOMPARE(outcome->stop, agent::AgentOutcome::Stop::EndTurn);

    // Every request stayed within the limits, however long the session grew.
    QCOMPARE(int(model.requests.size()), 31);
    size_t largestBody = 0;
    for (const RequestSeen &seen : model.requests) {
        QVERIFY(seen.images <= config.maxImages);
        QVERIFY(seen.largest.width() <= 1568 && seen.largest.height() <= 1568);
        QVERIFY(double(seen.largest.width()) * seen.largest.height() / 750.0 <= 1600.0);
        largestBody = std::max(largestBody, seen.bodyBytes);
    }
    QCOMPARE(model.requests.back().images, config.maxImages);
    // Pruned: the last request is about as large as the fourth, not ten times larger.
    QVERIFY2(model.requests.back().bodyBytes < model.requests[3].bodyBytes * 2,
             qPrintable(QStringLiteral("%1 vs %2")
                            .arg(model.requests.back().bodyBytes)
                            .arg(model.requests[3].bodyBytes)));

    // And every click the model aimed from a screenshot landed on the square.
    const QStringList clicks = probe.waitForClicks(29);
    QCOMPARE(clicks.size(), 29);
    for (const QString &click : clicks) {
        const QStringList parts = click.split(u' ');
        const QPoint landed(parts[1].toInt(), parts[2].toInt());
        QVERIFY2(square.adjusted(-3, -3, 3, 3).contains(landed), qPrintable(click));
    }
}

QTEST_GUILESS_MAIN(tst_ComputerSession)
#include "tst_computersession.moc"
