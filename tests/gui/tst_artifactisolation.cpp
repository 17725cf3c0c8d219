#include "pagescript.h"
#include "ui/artifactpane.h"
#include "ui/previewpage.h"
#include "ui/webenginesetup.h"

#include "artifacts/artifact.h"

#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QVBoxLayout>
#include <QWebEnginePage>
#include <QWebEngineView>

#include <memory>

using namespace tandem;

namespace {

constexpr int renderTimeoutMs = 20000;
const QString canary = QStringLiteral("sk-ant-TEST-CANARY-7f3a");

} // namespace

// Case 11: an artifact's page must not reach the app, the user's files, loopback services or
// the network, must not navigate away, and must not find what another artifact stored.
class TestArtifactIsolation : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void probeFindsEverythingContained();
    void anchorScrollsInsideThePreview();
    void storageDoesNotCarryOverToTheNextArtifact();
    void clickedLinkIsOfferedNotFollowed();

private:
    QWebEngineView *show(const QString &html);
    QString probeHtml() const;

    QTcpServer m_logger; // a loopback service the page must never reach
    int m_requests = 0;
    std::unique_ptr<QWidget> m_window;
    ui::ArtifactPane *m_pane = nullptr;
    int m_nextId = 1;
};

void TestArtifactIsolation::initTestCase()
{
    qputenv("ANTHROPIC_API_KEY", canary.toUtf8());
    QVERIFY(m_logger.listen(QHostAddress::LocalHost, 0));
    connect(&m_logger, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_logger.nextPendingConnection()) {
            ++m_requests;
            socket->close();
            socket->deleteLater();
        }
    });

    m_window = std::make_unique<QWidget>();
    m_window->resize(1200, 800);
    auto *layout = new QVBoxLayout(m_window.get());
    m_pane = new ui::ArtifactPane;
    layout->addWidget(m_pane);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

QString TestArtifactIsolation::probeHtml() const
{
    QFile file(QStringLiteral(TANDEM_SOURCE_DIR "/tests/artifacts/data/isolation-probe.html"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll())
        .replace(QStringLiteral("127.0.0.1:8770"),
                 QStringLiteral("127.0.0.1:%1").arg(m_logger.serverPort()));
}

QWebEngineView *TestArtifactIsolation::show(const QString &html)
{
    m_pane->beginArtifact();
    const QString id = QStringLiteral("artifact-%1").arg(m_nextId++);
    m_pane->completeArtifact({id, QStringLiteral("html"), QStringLiteral("Probe"), html});
    return m_pane->webView();
}

void TestArtifactIsolation::probeFindsEverythingContained()
{
    QWebEngineView *view = show(probeHtml());
    const QUrl pageUrl = view->page()->requestedUrl();
    QString out;
    QTRY_VERIFY_WITH_TIMEOUT(
        !(out = evaluate(view, QStringLiteral("document.getElementById('out').textContent"))
                    .toString())
             .isEmpty(),
        renderTimeoutMs);

    const QJsonObject result = QJsonDocument::fromJson(out.toUtf8()).object();
    QVERIFY2(!result.isEmpty(), qPrintable(out));
    QVERIFY2(result.value(u"origin").toString().startsWith(
                 QStringLiteral("tandem-artifact://artifact-1-r")),
             qPrintable(out));
    QCOMPARE(result.value(u"cookie").toString(), QStringLiteral("EMPTY"));
    QCOMPARE(result.value(u"parentDom").toString(), QStringLiteral("NONE"));
    QCOMPARE(result.value(u"qtBridge").toString(), QStringLiteral("ABSENT"));
    QCOMPARE(result.value(u"canaryInTop").toString(), QStringLiteral("NO"));
    QCOMPARE(result.value(u"file").toString(), QStringLiteral("BLOCKED"));
    QCOMPARE(result.value(u"loopback").toString(), QStringLiteral("BLOCKED"));
    QCOMPARE(result.value(u"remote").toString(), QStringLiteral("BLOCKED"));

    // The beacon, the two navigations and the pop-up come within a second of the result.
    QTest::qWait(2000);
    QCOMPARE(m_requests, 0);
    QCOMPARE(view->page()->url().adjusted(QUrl::RemoveFragment), pageUrl);
    QCOMPARE(
        evaluate(view, QStringLiteral("document.getElementById('out').textContent")).toString(),
        out);
    const QString everything =
        evaluate(view, QStringLiteral("document.documentElement.outerHTML"
                                      " + JSON.stringify(Object.keys(window))"))
            .toString();
    QVERIFY(!everything.isEmpty());
    QVERIFY(!everything.contains(canary));
}

void TestArtifactIsolation::anchorScrollsInsideThePreview()
{
    QWebEngineView *view = m_pane->webView();
    const QUrl before = view->page()->url().adjusted(QUrl::RemoveFragment);
    evaluate(view, QStringLiteral("document.getElementById('toc').click()"));
    // "Two" sits below 2500 px of filler: the jump must bring it into the view.
    QTRY_VERIFY_WITH_TIMEOUT(
        evaluate(view, QStringLiteral("window.scrollY > 1500 && document.getElementById('s2')"
                                      ".getBoundingClientRect().top < innerHeight"))
            .toBool(),
        5000);
    QCOMPARE(view->page()->url().adjusted(QUrl::RemoveFragment), before);
    QCOMPARE(m_requests, 0);
}

void TestArtifactIsolation::storageDoesNotCarryOverToTheNextArtifact()
{
    QWebEngineView *view = show(probeHtml());
    QTRY_VERIFY_WITH_TIMEOUT(
        !evaluate(view, QStringLiteral("document.getElementById('out').textContent"))
             .toString()
             .isEmpty(),
        renderTimeoutMs);
    // Delivered again, the probe is a new version of the same artifact: it wrote "1" itself on
    // load, and what the first delivery wrote is not there to find.
    QCOMPARE(evaluate(view, QStringLiteral("localStorage.length")).toInt(), 1);
    QVERIFY(evaluate(view, QStringLiteral("location.origin"))
                .toString()
                .startsWith(QStringLiteral("tandem-artifact://artifact-")));

    QWebEngineView *third = show(QStringLiteral("<!doctype html><p id=\"p\">plain</p>\n"));
    QTRY_COMPARE_WITH_TIMEOUT(
        evaluate(third, QStringLiteral("document.getElementById('p') ? "
                                       "localStorage.getItem('probe') : 'wait'")),
        QVariant(), renderTimeoutMs);
    QTest::qWait(1500);
    QCOMPARE(m_requests, 0);
}

void TestArtifactIsolation::clickedLinkIsOfferedNotFollowed()
{
    const QString link = QStringLiteral("http://127.0.0.1:%1/clicked").arg(m_logger.serverPort());
    QWebEngineView *view =
        show(QStringLiteral("<!doctype html><a id=\"out\" href=\"%1\">docs</a>\n").arg(link));
    QTRY_VERIFY_WITH_TIMEOUT(
        evaluate(view, QStringLiteral("!!document.getElementById('out')")).toBool(),
        renderTimeoutMs);
    const QUrl before = view->page()->url();

    evaluate(view, QStringLiteral("document.getElementById('out').click()"));
    auto *notice = m_pane->findChild<QLabel *>(QStringLiteral("previewNoticeText"));
    QVERIFY(notice);
    QTRY_VERIFY_WITH_TIMEOUT(notice->isVisible(), 5000);
    QVERIFY2(notice->text().contains(link), qPrintable(notice->text()));
    QCOMPARE(m_pane->findChild<QPushButton *>(QStringLiteral("previewNoticeAction"))->text(),
             QStringLiteral("Open in browser"));
    QTest::qWait(500);
    QCOMPARE(view->page()->url(), before);
    QCOMPARE(m_requests, 0);
}

int main(int argc, char *argv[])
{
    ui::disableChromiumSandboxIfRoot();
    ui::registerUrlSchemes();
    QApplication app(argc, argv);
    TestArtifactIsolation test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_artifactisolation.moc"
