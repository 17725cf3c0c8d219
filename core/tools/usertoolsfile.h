#pragma once

#include "tools/commandtool.h"

#include "base/error.h"

#include <vector>

namespace tandem::tools {

// The user's own host tools, from $XDG_CONFIG_HOME/tandem/tools.json:
//
//     {"tools": [{"name": "get_issue",
//                 "description": "An issue of our tracker as JSON",
//                 "input_schema": {"type": "object", "properties": {"id": {"type": "integer"}},
//                                  "required": ["id"]},
//                 "allowed_callers": ["direct", "code_execution_20250825"],
//                 "command": ["/usr/local/bin/issue", "--json"],
//                 "timeout_seconds": 30}]}
//
// allowed_callers defaults to ["direct"] (the model only), as in Anthropic's API; a script may
// call a tool only when it names a code-execution caller. Unknown keys, a key given twice, a
// bad name, an unknown caller or a command that is not there are errors that name the line
// and the key, and nothing of the file is used then.
class UserToolsFile
{
public:
    static QString userFilePath();

    // No file: no tools.
    static base::Result<std::vector<CommandTool::Definition>> read(const QString &path);
    static base::Result<std::vector<CommandTool::Definition>> parse(const QByteArray &text,
                                                                    const QString &path);
};

} // namespace tandem::tools
