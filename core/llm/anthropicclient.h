#pragma once

#include "llm/modelclient.h"

#include <QString>

namespace tandem::llm {

// The Anthropic Messages API over libcurl, streaming. Also the client for the scripted model
// server, which speaks the same wire format.
//
//     AnthropicClient client({.baseUrl = "https://api.anthropic.com", .apiKey = key,
//                             .model = "claude-sonnet-4-5"});
//     auto reply = client.send(request, &observer, cancel);
class AnthropicClient : public ModelClient
{
public:
    struct Config
    {
        QString baseUrl = QStringLiteral("https://api.anthropic.com");
        QString apiKey;
        QString model;
        QString label; // describe(); empty: "anthropic:<model>"
        bool nativeToolTypes = true;
        int connectTimeoutSeconds = 15;
        int idleTimeoutSeconds = 120; // no byte, not even a ping, for this long: give up
    };

    explicit AnthropicClient(Config config);

    base::Result<ModelReply> send(const ModelRequest &request, StreamObserver *observer,
                                  const base::CancelToken &cancel) override;
    QString describe() const override;

    // The JSON body send() posts; public so tests can check it.
    nlohmann::json requestBody(const ModelRequest &request) const;

private:
    Config m_config;
};

} // namespace tandem::llm
