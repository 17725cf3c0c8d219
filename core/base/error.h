#pragma once

#include <QString>

#include <expected>

namespace tandem::base {

// A failure a user can act on: `message` is one line that says what went wrong and what to do.
// `code` is a stable machine-readable name (for example "push_rejected") for tests and logs.
struct Error
{
    QString code;
    QString message;

    static Error make(QString code, QString message);
};

// Recoverable failures travel as values; exceptions never cross a module boundary.
template <typename T>
using Result = std::expected<T, Error>;

using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(QString code, QString message)
{
    return std::unexpected(Error::make(std::move(code), std::move(message)));
}

} // namespace tandem::base
