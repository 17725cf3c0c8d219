#pragma once

#include "llm/modelclient.h"
#include "llm/retrypolicy.h"

#include <QString>
#include <QStringList>

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
        int maxTokens = 0; // above 0: replaces each request's own max_tokens
        // Marks the tools, the system prompt and the newest user turn as cache breakpoints.
        bool promptCaching = true;
        RetryPolicy retry;
    };

    // Model ids to offer in a picker; any other id the API knows works too.
    static QStringList suggestedModels();

    explicit AnthropicClient(Config config);

    base::Result<ModelReply> send(const ModelRequest &request, StreamObserver *observer,
                                  const base::CancelToken &cancel) override;
    QString describe() const override;

    // The JSON body send() posts; public so tests can check it.
    nlohmann::json requestBody(const ModelRequest &request) const;

private:
    Attempt sendOnce(const ModelRequest &request, StreamObserver *observer,
                     const base::CancelToken &cancel) const;
    std::vector<std::string> headersFor(const ModelRequest &request) const;

    Config m_config;
};

} // namespace tandem::llm
