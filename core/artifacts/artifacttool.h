#pragma once

#include "tools/tool.h"

#include <QString>

namespace tandem::artifacts {

class ArtifactStore;

// The tool the model calls to hand over an artifact and change it: `create` (id, type, title,
// content), `update` (replace an old string that occurs exactly once with a new one) and
// `rewrite` (the whole content anew). Types: html, react, svg, mermaid, markdown, and code
// with a language. Each call answers with the artifact's version; a mistake (an unknown id, an
// old string that is missing or not unique) answers with what to do and changes nothing. The
// artifacts live in `store`, which must outlive the tool and tells the window.
class ArtifactTool : public tools::Tool
{
public:
    explicit ArtifactTool(ArtifactStore &store);

    llm::ToolSpec spec() const override;
    tools::ToolOutput run(const nlohmann::json &input, const base::CancelToken &cancel) override;

    static constexpr const char *name = "artifact";

private:
    tools::ToolOutput create(const nlohmann::json &input, const QString &id);
    tools::ToolOutput update(const nlohmann::json &input, const QString &id);
    tools::ToolOutput rewrite(const nlohmann::json &input, const QString &id);

    ArtifactStore &m_store;
};

} // namespace tandem::artifacts
