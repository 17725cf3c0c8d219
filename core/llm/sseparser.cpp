#include "llm/sseparser.h"

namespace tandem::llm {

SseParser::SseParser(Handler handler)
    : m_handler(std::move(handler))
{}

void SseParser::feed(std::string_view bytes)
{
    for (char c : bytes) {
        // A \n right after a \r belongs to the same line ending, even across two reads.
        if (m_lastWasCarriageReturn && c == '\n') {
            m_lastWasCarriageReturn = false;
            continue;
        }
        m_lastWasCarriageReturn = (c == '\r');

        if (c == '\r' || c == '\n') {
            processLine(m_line);
            m_line.clear();
            continue;
        }
        m_line.push_back(c);
    }
}

bool SseParser::hasPendingData() const
{
    return !m_line.empty() || m_hasData || !m_event.name.empty();
}

void SseParser::processLine(std::string_view line)
{
    if (line.empty()) {
        dispatch();
        return;
    }
    if (line.front() == ':')
        return;

    const size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
    }

    if (field == "event") {
        m_event.name = value;
    } else if (field == "data") {
        if (m_hasData)
            m_event.data.push_back('\n');
        m_event.data.append(value);
        m_hasData = true;
    }
}

void SseParser::dispatch()
{
    if (m_hasData)
        m_handler(m_event);

    m_event = SseEvent{};
    m_hasData = false;
}

} // namespace tandem::llm
