#pragma once

#include <QString>

namespace tandem::app {

// Where Tandem keeps its workspaces, the audit log and its own logs:
// $XDG_DATA_HOME/tandem, by default ~/.local/share/tandem.
QString dataDirectory();

} // namespace tandem::app
