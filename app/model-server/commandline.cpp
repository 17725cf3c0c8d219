#include "commandline.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <limits>

namespace tandem::modelserver {

namespace {

template <typename Number>
std::expected<Number, std::string> parseNumber(std::string_view name, const std::string &text,
                                               Number minimum, Number maximum)
{
    Number value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < minimum
        || value > maximum) {
        return std::unexpected("--" + std::string(name) + " needs a whole number from "
                               + std::to_string(minimum) + " to " + std::to_string(maximum)
                               + ", not '" + text + "'");
    }
    return value;
}

template <typename Number>
std::expected<void, std::string> storeNumber(std::string_view name, const std::string &text,
                                             Number minimum, Number maximum, Number &target)
{
    const auto number = parseNumber<Number>(name, text, minimum, maximum);
    if (!number)
        return std::unexpected(number.error());
    target = *number;
    return {};
}

} // namespace

CommandLine::CommandLine(std::vector<std::string> arguments)
    : m_arguments(std::move(arguments))
{}

std::expected<ServerOptions, std::string> CommandLine::parse()
{
    for (m_position = 0; m_position < m_arguments.size(); ++m_position) {
        std::string_view argument = m_arguments[m_position];
        if (!argument.starts_with("--"))
            return std::unexpected("unexpected argument '" + std::string(argument)
                                   + "' (see --help)");

        argument.remove_prefix(2);
        const auto equals = argument.find('=');
        m_hasInlineValue = equals != std::string_view::npos;
        m_inlineValue = m_hasInlineValue ? std::string(argument.substr(equals + 1)) : "";

        const auto applied = applyOption(argument.substr(0, equals));
        if (!applied)
            return std::unexpected(applied.error());
        if (m_options.showHelp)
            return m_options;
    }

    if (const auto combined = checkCombination(); !combined)
        return std::unexpected(combined.error());
    return m_options;
}

std::expected<void, std::string> CommandLine::applyOption(std::string_view name)
{
    const auto flag = [&](bool &target) -> std::expected<void, std::string> {
        if (m_hasInlineValue)
            return std::unexpected("--" + std::string(name) + " takes no value");
        target = true;
        return {};
    };

    if (name == "help")
        return flag(m_options.showHelp);
    if (name == "demo")
        return flag(m_options.demo);
    if (name == "exit-with-parent")
        return flag(m_options.exitWithParent);

    static constexpr std::string_view kValueOptions[] = {"scenario", "report",     "record",
                                                         "port",     "split-seed", "max-chunk"};
    if (std::ranges::find(kValueOptions, name) == std::end(kValueOptions))
        return std::unexpected("unknown option --" + std::string(name) + " (see --help)");

    const auto value = takeValue(name);
    if (!value)
        return std::unexpected(value.error());
    return applyValue(name, *value);
}

std::expected<void, std::string> CommandLine::applyValue(std::string_view name,
                                                         const std::string &value)
{
    if (name == "scenario")
        m_options.scenarioFile = value;
    if (name == "report")
        m_options.reportFile = value;
    if (name == "record")
        m_options.recordFile = value;
    if (name == "port")
        return storeNumber<std::uint16_t>(name, value, 0, 65535, m_options.port);
    if (name == "max-chunk")
        return storeNumber<std::size_t>(name, value, 1, 1 << 20, m_options.maxChunk);
    if (name == "split-seed") {
        m_options.splitSeedGiven = true;
        return storeNumber<std::uint64_t>(name, value, 0, std::numeric_limits<std::uint64_t>::max(),
                                          m_options.splitSeed);
    }
    return {};
}

std::expected<std::string, std::string> CommandLine::takeValue(std::string_view name)
{
    if (m_hasInlineValue)
        return m_inlineValue;
    if (m_position + 1 >= m_arguments.size())
        return std::unexpected("--" + std::string(name) + " needs a value");

    ++m_position;
    return m_arguments[m_position];
}

std::expected<void, std::string> CommandLine::checkCombination() const
{
    if (m_options.demo && !m_options.scenarioFile.empty())
        return std::unexpected("give either --scenario FILE or --demo, not both");
    if (!m_options.demo && m_options.scenarioFile.empty())
        return std::unexpected("a scenario is required: --scenario FILE or --demo (see --help)");
    return {};
}

std::string CommandLine::helpText()
{
    return R"(Usage: tandem-model-server (--scenario FILE | --demo) [options]

Tandem's scripted model. Serves the Anthropic Messages API (POST /v1/messages, streaming
only) on 127.0.0.1 and answers from a scenario file. Before each answer it checks the request
the way the real API would (roles alternate, every tool_use is answered by a tool_result in
the next message, tool inputs are objects, the tools it is about to call are declared) and
checks the scenario's expectations on the latest tool results. A failed check is answered
with HTTP 400 and "scenario check failed: ...", printed to stderr and added to the report.

The first line on stdout is "listening on http://127.0.0.1:PORT".

Options:
  --scenario FILE      replay the scenarios in FILE (JSON; see app/model-server/README.md)
  --demo               replay the built-in demo: fix the failing test in the demo
                       repository, build a sales dashboard, and a fallback that explains
                       what the demo can show
  --port N             port to listen on; 0 (the default) picks a free one
  --split-seed N       seed for splitting each response: it is written in random pieces of
                       1..max-chunk bytes, each its own write with a short pause, and text
                       and tool input are cut into several deltas at random points; some
                       events end their lines with CRLF. Without a seed the time is used.
  --max-chunk BYTES    largest piece written at once (default 64)
  --report FILE        after every request, rewrite FILE with
                       {"requests": N, "failures": [...], "completed": [...]}
  --record FILE        append every request body to FILE, one JSON document per line
  --exit-with-parent   exit when the process that started the server exits
  --help               show this text

Exit status: 2 for bad options or a bad scenario file, 1 if the port cannot be bound.
)";
}

} // namespace tandem::modelserver
