#include "ui/modelbanner.h"

#include "ui/elidedlabel.h"
#include "ui/windowinfo.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace tandem::ui {

namespace {

const char *const demoStyle = R"(
#modelBanner { background: #fef3c7; border-bottom: 2px solid #f59e0b; }
#modelBanner QLabel { color: #78350f; }
)";

const char *const realStyle = R"(
#modelBanner { background: #f3f4f6; border-bottom: 1px solid #d1d5db; }
#modelBanner QLabel { color: #1f2937; }
)";

} // namespace

ModelBanner::ModelBanner(const WindowInfo &info, QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("modelBanner"));
    auto *model = new QLabel(this);
    m_model = model;
    model->setObjectName(QStringLiteral("modelLabel"));
    model->setTextFormat(Qt::RichText);
    model->setWordWrap(true);
    setModel(info.modelLabel, info.demoModel);

    auto *workspace = new ElidedLabel(Qt::ElideMiddle, this);
    workspace->setObjectName(QStringLiteral("workspaceLabel"));
    workspace->setFullText(tr("Workspace: %1").arg(QDir::toNativeSeparators(info.workspace)));
    workspace->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    // Where the agent's commands run, and what they may do there, always in view.
    auto *sandbox = new ElidedLabel(Qt::ElideRight, this);
    sandbox->setObjectName(QStringLiteral("sandboxLabel"));
    sandbox->setFullText(info.sandbox.isEmpty() ? QString() : tr("Sandbox: %1").arg(info.sandbox));
    sandbox->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto *where = new QVBoxLayout;
    where->setSpacing(2);
    where->addWidget(workspace);
    where->addWidget(sandbox);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(14, 8, 14, 8);
    layout->setSpacing(24);
    layout->addWidget(model, 3);
    layout->addLayout(where, 2);
}

void ModelBanner::setModel(const QString &label, bool demo)
{
    setStyleSheet(QString::fromLatin1(demo ? demoStyle : realStyle));
    if (demo)
        m_model->setText(tr("<b>Demo model</b> (%1): replies are scripted, not written by a real "
                            "model. To use Claude or a local model, choose it in Settings "
                            "(Ctrl+,) or set ANTHROPIC_API_KEY.")
                             .arg(label.toHtmlEscaped()));
    else
        m_model->setText(tr("<b>Model:</b> %1").arg(label.toHtmlEscaped()));
}

} // namespace tandem::ui
