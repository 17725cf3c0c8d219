#include "modelserver.h"

#include "httpconnection.h"
#include "logging.h"
#include "protocolcheck.h"
#include "replyencoder.h"
#include "splitwriter.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tandem::modelserver {

namespace {

constexpr int kBacklog = 64;
constexpr int kIdleTimeoutSeconds = 600;
constexpr const char *kScenarioFailure = "scenario check failed: ";
constexpr std::uint64_t kSeedSpread = 0x9E3779B97F4A7C15ULL;

using Headers = std::vector<std::pair<std::string, std::string>>;

std::uint64_t chooseSeed(const ServerOptions &options)
{
    if (options.splitSeedGiven)
        return options.splitSeed;
    return static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
}

std::string errorBody(const std::string &type, const std::string &message)
{
    const nlohmann::ordered_json error = {{"type", "error"},
                                          {"error", {{"type", type}, {"message", message}}}};
    return error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

ModelServer::ModelServer(ServerOptions options, ScenarioBook book)
    : m_options(std::move(options))
    , m_book(std::move(book))
    , m_player(m_book)
    , m_report(m_options.reportFile, m_options.recordFile)
    , m_seed(chooseSeed(m_options))
{}

ModelServer::~ModelServer()
{
    if (m_listenSocket >= 0)
        ::close(m_listenSocket);
}

std::expected<std::uint16_t, std::string> ModelServer::listen()
{
    m_listenSocket = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listenSocket < 0)
        return std::unexpected(std::string("cannot create a socket: ") + std::strerror(errno));

    const int on = 1;
    ::setsockopt(m_listenSocket, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);

    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_options.port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(m_listenSocket, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::listen(m_listenSocket, kBacklog) != 0) {
        return std::unexpected("cannot listen on 127.0.0.1:" + std::to_string(m_options.port) + ": "
                               + std::strerror(errno));
    }

    socklen_t length = sizeof address;
    ::getsockname(m_listenSocket, reinterpret_cast<sockaddr *>(&address), &length);
    m_report.writeInitial();
    qCInfo(lcModelServer) << "split seed" << m_seed;
    return ntohs(address.sin_port);
}

void ModelServer::run()
{
    for (;;) {
        const int socket = ::accept4(m_listenSocket, nullptr, nullptr, SOCK_CLOEXEC);
        if (socket < 0) {
            if (errno != EINTR)
                qCWarning(lcModelServer) << "accept failed:" << std::strerror(errno);
            continue;
        }

        const timeval idle{kIdleTimeoutSeconds, 0};
        ::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);

        const std::uint64_t number = m_connectionCount++;
        std::thread(&ModelServer::serveConnection, this, socket, m_seed + number * kSeedSpread)
            .detach();
    }
}

void ModelServer::serveConnection(int socket, std::uint64_t seed)
{
    HttpConnection connection(socket);
    std::mt19937_64 random(seed);

    for (;;) {
        auto request = connection.readRequest();
        if (!request) {
            if (request.error() == HttpConnection::ReadError::Malformed)
                refuse(connection, {400, "invalid_request_error", "malformed HTTP request"}, false,
                       random);
            if (request.error() == HttpConnection::ReadError::TooLarge)
                refuse(connection, {413, "request_too_large", "request exceeds the size limit"},
                       false, random);
            return;
        }

        if (!handleSafely(connection, *request, random) || !request->keepAlive())
            return;
    }
}

bool ModelServer::handleSafely(HttpConnection &connection, const HttpRequest &request,
                               std::mt19937_64 &random)
{
    // A slip in a check must cost one request, not every connection of the server.
    try {
        return handle(connection, request, random);
    } catch (const std::exception &error) {
        refuse(connection, {500, "api_error", std::string("internal error: ") + error.what()},
               false, random);
        return false;
    }
}

bool ModelServer::handle(HttpConnection &connection, const HttpRequest &request,
                         std::mt19937_64 &random)
{
    if (!request.body.empty())
        m_report.recordBody(request.body);

    nlohmann::json body;
    const auto reply = decide(request, body, random);
    if (!reply)
        return refuse(connection, reply.error(), request.keepAlive(), random);

    // Reported before the reply goes out: a client that has read the whole reply must find
    // the report up to date.
    m_report.finishRequest(
        std::nullopt, reply->finishesScenario ? std::optional(reply->scenarioName) : std::nullopt);
    return stream(connection, body, *reply, request.keepAlive(), random);
}

std::expected<ScriptedReply, ModelServer::Rejection>
ModelServer::decide(const HttpRequest &request, nlohmann::json &body, std::mt19937_64 &random)
{
    if (request.path() != "/v1/messages")
        return std::unexpected(Rejection{404, "not_found_error", "Not found: " + request.path()});
    if (request.method != "POST")
        return std::unexpected(
            Rejection{405, "invalid_request_error", "Method " + request.method + " not allowed"});
    if (request.header("x-api-key").empty())
        return std::unexpected(
            Rejection{401, "authentication_error", "x-api-key header is required"});
    if (request.header("anthropic-version").empty())
        return std::unexpected(
            Rejection{400, "invalid_request_error", "anthropic-version: header is required"});

    body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded())
        return std::unexpected(Rejection{400, "invalid_request_error",
                                         kScenarioFailure + std::string("the body is not JSON")});
    if (const auto violation = findProtocolViolation(body))
        return std::unexpected(
            Rejection{400, "invalid_request_error", kScenarioFailure + *violation});

    const std::lock_guard lock(m_playerMutex);
    auto reply = m_player.answer(body, random);
    if (!reply)
        return std::unexpected(
            Rejection{400, "invalid_request_error", kScenarioFailure + reply.error()});
    return std::move(*reply);
}

bool ModelServer::refuse(HttpConnection &connection, const Rejection &rejection, bool keepAlive,
                         std::mt19937_64 &random)
{
    const bool checkFailed = rejection.message.starts_with(kScenarioFailure);
    const std::string line = checkFailed ? rejection.message
                                         : "HTTP " + std::to_string(rejection.status) + " "
                                               + rejection.errorType + ": " + rejection.message;
    tellUser(line);
    m_report.finishRequest(line, std::nullopt);

    const Headers headers = {{"Content-Type", "application/json"},
                             {"Connection", keepAlive ? "keep-alive" : "close"},
                             {"request-id", ReplyEncoder(random).randomId("req_")},
                             {"x-should-retry", "false"}};
    return connection.sendResponse(rejection.status, headers,
                                   errorBody(rejection.errorType, rejection.message));
}

bool ModelServer::stream(HttpConnection &connection, const nlohmann::json &body,
                         const ScriptedReply &reply, bool keepAlive, std::mt19937_64 &random)
{
    ReplyEncoder encoder(random);
    const Headers headers = {{"Content-Type", "text/event-stream; charset=utf-8"},
                             {"Transfer-Encoding", "chunked"},
                             {"Connection", keepAlive ? "keep-alive" : "close"},
                             {"Cache-Control", "no-cache"},
                             {"request-id", encoder.randomId("req_")}};

    const auto inputTokens = static_cast<long>(body.dump().size() / 4 + 1);
    const std::string events = encoder.encode(reply, body["model"].get<std::string>(), inputTokens);
    qCDebug(lcModelServer).noquote() << "streaming" << QString::fromStdString(events);

    SplitWriter writer(connection, random, m_options.maxChunk);
    return writer.writeRaw(HttpConnection::head(200, headers)) && writer.writeChunkedBody(events);
}

} // namespace tandem::modelserver
