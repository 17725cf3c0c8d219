#include "ui/transcriptreplay.h"

#include "ui/chatview.h"

namespace tandem::ui {

using Type = llm::ContentBlock::Type;

namespace {

// The provider's own tool answered in the same reply: its card gets the result.
void finishServerCall(ChatView &chat, const llm::ContentBlock &block)
{
    if (!block.raw.is_object())
        return;
    const std::string id = block.raw.value("tool_use_id", std::string());
    const nlohmann::json content = block.raw.value("content", nlohmann::json());
    chat.finishToolCall(QString::fromStdString(id),
                        QString::fromStdString(
                            content.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)),
                        false);
}

} // namespace

void TranscriptReplay::replay(ChatView &chat, const std::vector<llm::Message> &conversation)
{
    chat.clearTranscript();
    for (const llm::Message &message : conversation) {
        if (message.role == llm::Role::User)
            replayUser(chat, message);
        else
            replayAssistant(chat, message);
    }
    // Settles the cards whose results were never saved.
    chat.setRunning(false);
}

void TranscriptReplay::replayUser(ChatView &chat, const llm::Message &message)
{
    QStringList texts;
    for (const llm::ContentBlock &block : message.content) {
        if (block.type == Type::ToolResult)
            chat.finishToolCall(QString::fromStdString(block.toolUseId),
                                QString::fromStdString(block.text), block.isError);
        else if (block.type == Type::Text && !block.text.empty())
            texts.append(QString::fromStdString(block.text));
    }
    if (!texts.isEmpty())
        chat.addUserMessage(texts.join(QStringLiteral("\n\n")));
}

void TranscriptReplay::replayAssistant(ChatView &chat, const llm::Message &message)
{
    for (const llm::ContentBlock &block : message.content) {
        switch (block.type) {
        case Type::Text:
            if (!block.text.empty())
                chat.appendAssistantText(QString::fromStdString(block.text));
            break;
        case Type::ToolUse:
        case Type::ServerToolUse:
            chat.addToolCall(QString::fromStdString(block.id), QString::fromStdString(block.name),
                             QString::fromStdString(block.input.dump(
                                 2, ' ', false, nlohmann::json::error_handler_t::replace)));
            break;
        case Type::ServerResult:
            finishServerCall(chat, block);
            break;
        case Type::ToolResult:
            break;
        }
    }
    chat.endAssistantText();
}

} // namespace tandem::ui
