#pragma once

#include "scenariobook.h"
#include "scenarioplayer.h"
#include "serveroptions.h"
#include "serverreport.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <expected>
#include <mutex>
#include <random>
#include <string>

namespace tandem::modelserver {

class HttpConnection;
struct HttpRequest;

// The HTTP side of the scripted model: listens on 127.0.0.1, serves each connection on its own
// thread, checks every request and streams the scenario's reply or an Anthropic error.
//
//     ModelServer server(options, std::move(book));
//     auto port = server.listen();   // then print "listening on ..." and
//     server.run();                  // serve until the process is stopped
class ModelServer
{
public:
    ModelServer(ServerOptions options, ScenarioBook book);
    ~ModelServer();

    ModelServer(const ModelServer &) = delete;
    ModelServer &operator=(const ModelServer &) = delete;

    // Binds the port (0: any free one) and returns the port bound.
    std::expected<std::uint16_t, std::string> listen();

    // Accepts connections until the process ends.
    void run();

private:
    // Why a request is refused, in the shape of the API's error response.
    struct Rejection
    {
        int status = 400;
        std::string errorType;
        std::string message;
    };

    void serveConnection(int socket, std::uint64_t seed);
    bool handleSafely(HttpConnection &connection, const HttpRequest &request,
                      std::mt19937_64 &random);
    bool handle(HttpConnection &connection, const HttpRequest &request, std::mt19937_64 &random);
    std::expected<ScriptedReply, Rejection> decide(const HttpRequest &request, nlohmann::json &body,
                                                   std::mt19937_64 &random);
    bool refuse(HttpConnection &connection, const Rejection &rejection, bool keepAlive,
                std::mt19937_64 &random);
    bool stream(HttpConnection &connection, const nlohmann::json &body, const ScriptedReply &reply,
                bool keepAlive, std::mt19937_64 &random);

    ServerOptions m_options;
    ScenarioBook m_book;
    ScenarioPlayer m_player;
    std::mutex m_playerMutex;
    ServerReport m_report;
    std::uint64_t m_seed;
    std::atomic<std::uint64_t> m_connectionCount = 0;
    int m_listenSocket = -1;
};

} // namespace tandem::modelserver
