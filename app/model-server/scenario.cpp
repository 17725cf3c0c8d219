#include "scenario.h"

namespace tandem::modelserver {

bool Expectation::holdsFor(const std::string &results, bool anyError) const
{
    switch (kind) {
    case Kind::Contains:
        return results.find(text) != std::string::npos;
    case Kind::NotContains:
        return results.find(text) == std::string::npos;
    case Kind::Matches:
        return pattern.match(QString::fromStdString(results)).hasMatch();
    case Kind::IsError:
        return anyError == isError;
    }
    return false;
}

std::string Expectation::describe() const
{
    switch (kind) {
    case Kind::Contains:
        return "the tool result contains \"" + text + "\"";
    case Kind::NotContains:
        return "the tool result does not contain \"" + text + "\"";
    case Kind::Matches:
        return "the tool result matches /" + text + "/";
    case Kind::IsError:
        return std::string("the tool result has is_error ") + (isError ? "true" : "false");
    }
    return {};
}

} // namespace tandem::modelserver
