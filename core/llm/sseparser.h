#pragma once

#include <functional>
#include <string>

namespace tandem::llm {

// One server-sent event: its `event:` name (empty when none was given) and its data lines.
struct SseEvent
{
    std::string name;
    std::string data;
};

// An incremental parser for text/event-stream. Bytes may arrive cut anywhere: inside a field,
// between \r and \n, inside a UTF-8 character. Lines end in \n, \r\n or \r; comment lines
// (":...") count only as liveness; a blank line dispatches the event.
//
//     SseParser parser([](const SseEvent &e) { handle(e); });
//     parser.feed(chunk);
class SseParser
{
public:
    using Handler = std::function<void(const SseEvent &)>;

    explicit SseParser(Handler handler);

    void feed(std::string_view bytes);

    // True when a partial line or an undispatched event is pending.
    bool hasPendingData() const;

private:
    void processLine(std::string_view line);
    void dispatch();

    Handler m_handler;
    std::string m_line;
    bool m_lastWasCarriageReturn = false;
    SseEvent m_event;
    bool m_hasData = false;
};

} // namespace tandem::llm
