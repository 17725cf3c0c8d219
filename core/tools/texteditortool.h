#pragma once

#include "tools/tool.h"
#include "tools/workspacepaths.h"

namespace tandem::tools {

// Anthropic's text editor tool (`str_replace_based_edit_tool`): view, create, str_replace and
// insert on files of the workspace, run by the host on the host's copy. Paths that leave the
// workspace, by `..` or a symlink, are refused. Tools run one at a time and every sandbox
// command has ended before the next tool starts, so no sandboxed process can swap a checked
// path for a link while an edit is under way.
class TextEditorTool : public Tool
{
public:
    explicit TextEditorTool(WorkspacePaths paths);

    llm::ToolSpec spec() const override;
    ToolOutput run(const nlohmann::json &input, const base::CancelToken &cancel) override;

private:
    ToolOutput view(const QString &path, const nlohmann::json &input) const;
    ToolOutput viewFolder(const QString &path) const;
    ToolOutput create(const QString &path, const nlohmann::json &input) const;
    ToolOutput replace(const QString &path, const nlohmann::json &input) const;
    ToolOutput insert(const QString &path, const nlohmann::json &input) const;

    WorkspacePaths m_paths;
};

} // namespace tandem::tools
