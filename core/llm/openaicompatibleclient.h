#pragma once

#include "llm/modelclient.h"
#include "llm/retrypolicy.h"

#include <QString>

namespace tandem::llm {

// A server that speaks OpenAI's chat completions (Ollama, llama.cpp's server, vLLM, and the
// like), streaming, with tool calls and, where the model takes them, images. Tandem's messages
// are mapped to the chat format on the way out: tool results become `tool` messages, and a
// screenshot a tool returned follows them in a user message as an image_url data URL.
//
//     OpenAiCompatibleClient client({.baseUrl = "http://127.0.0.1:11434/v1",
//                                    .model = "qwen2.5-coder"});
//     auto reply = client.send(request, &observer, cancel);
class OpenAiCompatibleClient : public ModelClient
{
public:
    struct Config
    {
        // With or without the API version: ".../v1" gets "/chat/completions", anything else
        // "/v1/chat/completions".
        QString baseUrl = QStringLiteral("http://127.0.0.1:11434/v1");
        QString apiKey; // sent as a bearer token when set; local servers rarely want one
        QString model;
        QString label; // describe(); empty: "openai:<model>"
        bool images = true; // false: screenshots are described, not sent
        int maxTokens = 0; // above 0: replaces each request's own max_tokens
        int connectTimeoutSeconds = 15;
        // Local models may think for a long while before their first token.
        int idleTimeoutSeconds = 300;
        RetryPolicy retry;
    };

    explicit OpenAiCompatibleClient(Config config);

    base::Result<ModelReply> send(const ModelRequest &request, StreamObserver *observer,
                                  const base::CancelToken &cancel) override;
    QString describe() const override;

    // The JSON body send() posts, and where; public so tests can check them.
    nlohmann::json requestBody(const ModelRequest &request) const;
    QString endpoint() const;

private:
    Attempt sendOnce(const ModelRequest &request, StreamObserver *observer,
                     const base::CancelToken &cancel) const;
    void appendMessage(nlohmann::json &messages, const Message &message) const;
    void appendUserTurn(nlohmann::json &messages, const Message &message) const;

    Config m_config;
};

} // namespace tandem::llm
