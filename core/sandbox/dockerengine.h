#pragma once

#include "base/error.h"

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>

namespace tandem::sandbox {

// Where a container engine listens: a Unix socket on this machine, or a TCP address (a remote
// engine, which cannot see this machine's files).
struct EngineEndpoint
{
    QString socketPath; // set for unix://
    QString host; // set for tcp://
    int port = 0;

    bool isRemote() const { return socketPath.isEmpty(); }
    QString url() const;

    // "unix:///path" or "tcp://host:port"; the error names the form that is accepted.
    static base::Result<EngineEndpoint> parse(const QString &url);
    // DOCKER_HOST when set; otherwise Docker's socket, or Podman's rootful one if only that
    // exists.
    static base::Result<EngineEndpoint> fromEnvironment();
};

// A small client of the Docker Engine API (which Podman's service answers too) on libcurl.
// Every call is bounded by a timeout; streaming calls also stop when asked to. Paths are given
// without the version ("/containers/json"); the client adds it.
//
//     DockerEngine engine(*EngineEndpoint::fromEnvironment());
//     auto containers = engine.call("GET", "/containers/json?all=1");
class DockerEngine
{
public:
    struct Response
    {
        long status = 0;
        QByteArray body;
    };

    // What a streamed call ended with: `stopped` when shouldStop() said so before the end.
    struct StreamEnd
    {
        long status = 0;
        bool stopped = false;
    };

    using DataHandler = std::function<void(const char *, qint64)>;
    using StopCheck = std::function<bool()>;

    explicit DockerEngine(EngineEndpoint endpoint, QString apiVersion = QStringLiteral("v1.41"));

    const EngineEndpoint &endpoint() const { return m_endpoint; }

    // Whether the engine answers at all; the error says how to start one.
    base::Status ping(std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

    // One request, its whole answer collected. Fails only when the engine cannot be reached.
    base::Result<Response> request(const QByteArray &method, const QString &path,
                                   const QByteArray &body = {},
                                   const QByteArray &contentType = "application/json",
                                   std::chrono::milliseconds timeout = kDefaultTimeout) const;

    // A JSON request whose answer must be a 2xx; an error carries the engine's own message.
    base::Result<nlohmann::json> call(const QByteArray &method, const QString &path,
                                      const nlohmann::json &body = nullptr,
                                      std::chrono::milliseconds timeout = kDefaultTimeout) const;

    // A request whose answer is handed over piece by piece as it arrives, until it ends, the
    // timeout passes (an error), or shouldStop() returns true (checked every few milliseconds).
    base::Result<StreamEnd> stream(const QByteArray &method, const QString &path,
                                   const QByteArray &body, const DataHandler &onData,
                                   const StopCheck &shouldStop,
                                   std::chrono::milliseconds timeout) const;

    static constexpr std::chrono::milliseconds kDefaultTimeout{30'000};

private:
    base::Result<StreamEnd> transfer(const QByteArray &method, const QString &path,
                                     const QByteArray &body, const QByteArray &contentType,
                                     const DataHandler &onData, const StopCheck &shouldStop,
                                     std::chrono::milliseconds timeout) const;
    QString unreachable(const QString &why) const;

    EngineEndpoint m_endpoint;
    QString m_apiVersion;
};

} // namespace tandem::sandbox
