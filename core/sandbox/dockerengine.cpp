#include "sandbox/dockerengine.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QUrl>

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

constexpr char kDockerSocket[] = "/var/run/docker.sock";
constexpr char kPodmanSocket[] = "/run/podman/podman.sock";
constexpr int kPollMs = 10;

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter
{
    void operator()(CURL *easy) const { curl_easy_cleanup(easy); }
};

struct MultiDeleter
{
    void operator()(CURLM *multi) const { curl_multi_cleanup(multi); }
};

struct ListDeleter
{
    void operator()(curl_slist *list) const { curl_slist_free_all(list); }
};

size_t writeToHandler(char *data, size_t size, size_t count, void *user)
{
    (*static_cast<DockerEngine::DataHandler *>(user))(data, qint64(size * count));
    return size * count;
}

// How one transfer ended.
struct Transfer
{
    CURLcode code = CURLE_OK;
    long status = 0;
    bool stopped = false;
    bool timedOut = false;
};

// Runs one transfer on a multi handle, so that it can be given up at any moment: the caller's
// stop check and the deadline are looked at every few milliseconds, whatever the engine sends.
Transfer perform(CURL *easy, const DockerEngine::StopCheck &shouldStop,
                 std::chrono::milliseconds timeout)
{
    std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
    curl_multi_add_handle(multi.get(), easy);

    Transfer transfer;
    QElapsedTimer clock;
    clock.start();
    int running = 1;
    while (running > 0) {
        if (curl_multi_perform(multi.get(), &running) != CURLM_OK)
            break;
        if (running == 0)
            break;
        if (shouldStop && shouldStop()) {
            transfer.stopped = true;
            break;
        }
        if (clock.elapsed() > timeout.count()) {
            transfer.timedOut = true;
            break;
        }
        curl_multi_poll(multi.get(), nullptr, 0, kPollMs, nullptr);
    }

    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(multi.get(), &left)) {
        if (message->msg == CURLMSG_DONE)
            transfer.code = message->data.result;
    }
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &transfer.status);
    curl_multi_remove_handle(multi.get(), easy);
    return transfer;
}

QString engineMessage(const QByteArray &body)
{
    const auto json = nlohmann::json::parse(body.toStdString(), nullptr, false);
    if (json.is_object() && json.contains("message") && json["message"].is_string())
        return QString::fromStdString(json["message"].get<std::string>());
    return QString::fromUtf8(body.left(300)).trimmed();
}

} // namespace

QString EngineEndpoint::url() const
{
    if (!isRemote())
        return QStringLiteral("unix://") + socketPath;
    return QStringLiteral("tcp://%1:%2").arg(host).arg(port);
}

base::Result<EngineEndpoint> EngineEndpoint::parse(const QString &url)
{
    EngineEndpoint endpoint;
    if (url.startsWith(QStringLiteral("unix://"))) {
        endpoint.socketPath = url.mid(7);
        if (!endpoint.socketPath.startsWith(QLatin1Char('/')))
            return base::fail("engine_address",
                              QStringLiteral("DOCKER_HOST %1 names no absolute socket path: use "
                                             "unix:///path/to/socket.")
                                  .arg(url));
        return endpoint;
    }

    const QUrl parsed(url);
    if (parsed.scheme() == QStringLiteral("tcp") && !parsed.host().isEmpty() && parsed.port() > 0) {
        endpoint.host = parsed.host();
        endpoint.port = parsed.port();
        return endpoint;
    }
    return base::fail("engine_address",
                      QStringLiteral("DOCKER_HOST %1 is not understood: use unix:///path/to/socket "
                                     "or tcp://host:port.")
                          .arg(url));
}

base::Result<EngineEndpoint> EngineEndpoint::fromEnvironment()
{
    const QString configured = qEnvironmentVariable("DOCKER_HOST");
    if (!configured.isEmpty())
        return parse(configured);

    if (!QFileInfo::exists(QString::fromLatin1(kDockerSocket))
        && QFileInfo::exists(QString::fromLatin1(kPodmanSocket)))
        return parse(QStringLiteral("unix://") + QString::fromLatin1(kPodmanSocket));
    return parse(QStringLiteral("unix://") + QString::fromLatin1(kDockerSocket));
}

DockerEngine::DockerEngine(EngineEndpoint endpoint, QString apiVersion)
    : m_endpoint(std::move(endpoint))
    , m_apiVersion(std::move(apiVersion))
{
    initCurlOnce();
}

QString DockerEngine::unreachable(const QString &why) const
{
    return QStringLiteral("No container engine answers at %1 (%2): start one with `podman system "
                          "service --time=0 unix://%3` or set DOCKER_HOST.")
        .arg(m_endpoint.url(), why, QString::fromLatin1(kPodmanSocket));
}

base::Status DockerEngine::ping(std::chrono::milliseconds timeout) const
{
    auto answer = request("GET", QStringLiteral("/_ping"), {}, {}, timeout);
    if (!answer)
        return std::unexpected(answer.error());
    if (answer->status != 200)
        return base::fail("engine_unreachable",
                          unreachable(QStringLiteral("/_ping answered %1").arg(answer->status)));
    return {};
}

base::Result<DockerEngine::Response>
DockerEngine::request(const QByteArray &method, const QString &path, const QByteArray &body,
                      const QByteArray &contentType, std::chrono::milliseconds timeout) const
{
    Response response;
    auto end = transfer(
        method, path, body, contentType,
        [&](const char *data, qint64 size) { response.body.append(data, size); }, {}, timeout);
    if (!end)
        return std::unexpected(end.error());
    response.status = end->status;
    return response;
}

base::Result<nlohmann::json> DockerEngine::call(const QByteArray &method, const QString &path,
                                                const nlohmann::json &body,
                                                std::chrono::milliseconds timeout) const
{
    const QByteArray payload =
        body.is_null() ? QByteArray() : QByteArray::fromStdString(body.dump());
    auto answer = request(method, path, payload, "application/json", timeout);
    if (!answer)
        return std::unexpected(answer.error());

    if (answer->status < 200 || answer->status >= 300) {
        return base::fail("engine_error",
                          QStringLiteral("The container engine refused %1 %2 (%3): %4")
                              .arg(QString::fromLatin1(method), path)
                              .arg(answer->status)
                              .arg(engineMessage(answer->body)));
    }
    if (answer->body.trimmed().isEmpty())
        return nlohmann::json();
    auto json = nlohmann::json::parse(answer->body.toStdString(), nullptr, false);
    if (json.is_discarded())
        return base::fail("engine_error",
                          QStringLiteral("The container engine answered %1 %2 with something "
                                         "that is not JSON.")
                              .arg(QString::fromLatin1(method), path));
    return json;
}

base::Result<DockerEngine::StreamEnd>
DockerEngine::stream(const QByteArray &method, const QString &path, const QByteArray &body,
                     const DataHandler &onData, const StopCheck &shouldStop,
                     std::chrono::milliseconds timeout) const
{
    return transfer(method, path, body, "application/json", onData, shouldStop, timeout);
}

base::Result<DockerEngine::StreamEnd>
DockerEngine::transfer(const QByteArray &method, const QString &path, const QByteArray &body,
                       const QByteArray &contentType, const DataHandler &onData,
                       const StopCheck &shouldStop, std::chrono::milliseconds timeout) const
{
    std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    const QByteArray versioned =
        path == QStringLiteral("/_ping") ? path.toUtf8() : ('/' + m_apiVersion + path).toUtf8();
    QByteArray url;
    if (m_endpoint.isRemote()) {
        url = QStringLiteral("http://%1:%2").arg(m_endpoint.host).arg(m_endpoint.port).toUtf8()
              + versioned;
    } else {
        url = "http://localhost" + versioned;
        curl_easy_setopt(easy.get(), CURLOPT_UNIX_SOCKET_PATH,
                         m_endpoint.socketPath.toUtf8().constData());
    }
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.constData());
    curl_easy_setopt(easy.get(), CURLOPT_CUSTOMREQUEST, method.constData());
    curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_PROXY, "");
    curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, 5000L);

    const QByteArray typeHeader = "Content-Type: " + contentType;
    std::unique_ptr<curl_slist, ListDeleter> headers(
        curl_slist_append(nullptr, typeHeader.constData()));
    headers.reset(curl_slist_append(headers.release(), "Expect:"));
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    if (!body.isEmpty() || method == "POST" || method == "PUT") {
        curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, body.constData());
        curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
    }

    DataHandler handler = onData;
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, writeToHandler);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &handler);

    const Transfer outcome = perform(easy.get(), shouldStop, timeout);
    if (outcome.stopped)
        return StreamEnd{outcome.status, true};
    if (outcome.timedOut)
        return base::fail("engine_timeout",
                          QStringLiteral("The container engine at %1 did not finish %2 %3 within "
                                         "%4 s: check that it is not overloaded (`podman ps`).")
                              .arg(m_endpoint.url(), QString::fromLatin1(method), path)
                              .arg(timeout.count() / 1000.0));
    // No answer at all: nothing listens there, or it is not an engine.
    if (outcome.code != CURLE_OK && outcome.status == 0)
        return base::fail("engine_unreachable",
                          unreachable(QString::fromUtf8(curl_easy_strerror(outcome.code))));
    // An answer cut short: a hijacked exec stream ends by closing the connection.
    if (outcome.code != CURLE_OK)
        qCDebug(lcSandbox, "%s %s ended with %s", method.constData(), qPrintable(path),
                curl_easy_strerror(outcome.code));
    return StreamEnd{outcome.status, false};
}

} // namespace tandem::sandbox
