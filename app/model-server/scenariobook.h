#pragma once

#include "scenario.h"

#include <expected>
#include <string>
#include <vector>

namespace tandem::modelserver {

// The scenarios of one file and the text answered to a prompt none of them matches.
//
//     auto book = ScenarioBook::fromFile("fix-bug.json");
//     if (!book) { report(book.error()); }   // "fix-bug.json:12:5: invalid JSON: ..."
//     const Scenario *scenario = book->find(firstPrompt);
class ScenarioBook
{
public:
    static std::expected<ScenarioBook, std::string> fromFile(const std::string &path);
    static std::expected<ScenarioBook, std::string> demo();

    // `origin` names the text in error messages, usually the file's path.
    static std::expected<ScenarioBook, std::string> fromText(const std::string &text,
                                                             const std::string &origin);

    // What a look's program printed: a JSON array of text and tool_use blocks in the file's
    // own reply form. `origin` names the program in error messages.
    static std::expected<std::vector<ReplyBlock>, std::string>
    parseLookAnswer(const std::string &text, const std::string &origin);

    // The first scenario whose pattern matches the prompt, or nullptr.
    const Scenario *find(const std::string &firstPrompt) const;

    const std::string &fallback() const { return m_fallback; }
    const std::vector<Scenario> &scenarios() const { return m_scenarios; }

private:
    std::vector<Scenario> m_scenarios;
    std::string m_fallback;
};

} // namespace tandem::modelserver
