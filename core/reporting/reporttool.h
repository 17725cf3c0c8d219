#pragma once

#include "tools/tool.h"

#include "base/error.h"

#include <QString>

namespace tandem::reporting {

// generate_report: a PDF of a set of KPIs, drawn by Qt (QPdfWriter) on the host and saved as
// reports/<title>.pdf in the workspace, where the script, the user and the review branch find
// it; returns the path as the sandbox sees it. The file is written through descriptors opened
// without following links, under a temporary name and renamed, so a link a script planted in
// the workspace cannot send it anywhere else. Needs a QGuiApplication (fonts).
class ReportTool : public tools::Tool
{
public:
    ReportTool(QString workspace, QString workspaceInside);

    llm::ToolSpec spec() const override;
    tools::ToolOutput run(const nlohmann::json &input, const base::CancelToken &cancel) override;

    static QString fileNameFor(const QString &title);

private:
    static QByteArray render(const QString &title, const nlohmann::json &kpis);
    base::Status save(const QString &fileName, const QByteArray &pdf) const;

    QString m_workspace;
    QString m_workspaceInside;
};

} // namespace tandem::reporting
