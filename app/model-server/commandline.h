#pragma once

#include "serveroptions.h"

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::modelserver {

// Reads the server's options. Accepts `--name value` and `--name=value`.
class CommandLine
{
public:
    explicit CommandLine(std::vector<std::string> arguments);

    // The options, or one line that says what is wrong with the command line.
    std::expected<ServerOptions, std::string> parse();

    static std::string helpText();

private:
    std::expected<void, std::string> applyOption(std::string_view name);
    std::expected<void, std::string> applyValue(std::string_view name, const std::string &value);
    std::expected<std::string, std::string> takeValue(std::string_view name);
    std::expected<void, std::string> checkCombination() const;

    std::vector<std::string> m_arguments;
    std::size_t m_position = 0;
    std::string m_inlineValue;
    bool m_hasInlineValue = false;
    ServerOptions m_options;
};

} // namespace tandem::modelserver
