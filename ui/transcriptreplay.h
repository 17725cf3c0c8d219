#pragma once

#include "llm/message.h"

#include <vector>

namespace tandem::ui {

class ChatView;

// Shows a saved conversation in the chat as it looked when it happened: the user's messages,
// the assistant's text, a card per tool call with its result. Calls with no saved result end
// as stopped.
class TranscriptReplay
{
public:
    static void replay(ChatView &chat, const std::vector<llm::Message> &conversation);

private:
    static void replayUser(ChatView &chat, const llm::Message &message);
    static void replayAssistant(ChatView &chat, const llm::Message &message);
};

} // namespace tandem::ui
