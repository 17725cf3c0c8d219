#include "ui/repositorypanel.h"

#include "ui/diffview.h"
#include "ui/editorlauncher.h"
#include "ui/logging.h"

#include "audit/auditlog.h"
#include "vcs/pullrequest.h"
#include "vcs/reviewworkspace.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCryptographicHash>
#include <QFile>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QThread>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tandem::ui {

namespace {

constexpr int kPathRole = Qt::UserRole;
constexpr int kShortSha = 10;

QString statusLetter(vcs::ChangedFile::Status status)
{
    switch (status) {
    case vcs::ChangedFile::Status::Added:
        return QStringLiteral("A");
    case vcs::ChangedFile::Status::Deleted:
        return QStringLiteral("D");
    case vcs::ChangedFile::Status::Renamed:
        return QStringLiteral("R");
    case vcs::ChangedFile::Status::TypeChanged:
        return QStringLiteral("T");
    case vcs::ChangedFile::Status::Modified:
        break;
    }
    return QStringLiteral("M");
}

QByteArray fingerprintOf(const std::vector<vcs::ChangedFile> &files)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const vcs::ChangedFile &file : files) {
        hash.addData(file.path);
        hash.addData(QByteArrayView("\0", 1));
        hash.addData(file.patch.toUtf8());
    }
    return hash.result();
}

nlohmann::json pushReportJson(const vcs::PushReport &report)
{
    nlohmann::json refs = nlohmann::json::array();
    for (const vcs::PushReport::RefResult &ref : report.refs) {
        refs.push_back({{"ref", ref.ref.toStdString()},
                        {"accepted", ref.accepted},
                        {"message", ref.message.toStdString()}});
    }
    return {{"remote", report.remoteName.toStdString()},
            {"url", report.remoteUrl.toStdString()},
            {"refs", refs}};
}

QString failureLead(const QString &code)
{
    if (code == QLatin1String("push_rejected"))
        return RepositoryPanel::tr("Push rejected: %1");
    if (code == QLatin1String("cancelled"))
        return RepositoryPanel::tr("Push stopped: %1");
    return RepositoryPanel::tr("Push failed: %1");
}

// Beside the user's tools.json: ~/.config/tandem/Tandem.conf.
QString storedSetting(const QString &key)
{
    const QSettings settings(QSettings::NativeFormat, QSettings::UserScope,
                             QStringLiteral("tandem"), QStringLiteral("Tandem"));
    return settings.value(key).toString();
}

void storeSetting(const QString &key, const QString &value)
{
    QSettings settings(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("tandem"),
                       QStringLiteral("Tandem"));
    if (value.isEmpty())
        settings.remove(key);
    else
        settings.setValue(key, value);
}

QLabel *selectableLabel()
{
    auto *label = new QLabel;
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

} // namespace

// What the push thread hands back; written there, read here once the thread has finished.
struct RepositoryPanel::PushOutcome
{
    QString remote;
    QString branch;
    std::optional<base::Result<vcs::CommitInfo>> commit;
    std::optional<base::Result<vcs::PushReport>> push;
    vcs::PushReport report;
    bool overridden = false;
    QString testState;
};

RepositoryPanel::RepositoryPanel(agent::ReviewTask &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildHeader());

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(buildChanges());
    // On a short screen the lower sections scroll rather than squeeze the ref list to nothing.
    auto *lower = new QWidget;
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(buildTests());
    lowerLayout->addWidget(buildPullRequest());
    lowerLayout->addWidget(buildPush());
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(lower);
    splitter->addWidget(scroll);
    splitter->setStretchFactor(0, 1);
    layout->addWidget(splitter, 1);

    m_status = selectableLabel();
    m_status->setObjectName(QStringLiteral("repositoryStatus"));
    layout->addWidget(m_status);

    refresh();
}

RepositoryPanel::~RepositoryPanel()
{
    if (!m_job)
        return;

    m_jobCancel.cancel();
    m_job->wait();
    delete m_job;
}

QWidget *RepositoryPanel::buildHeader()
{
    auto *box = new QGroupBox(tr("Repository"));
    auto *form = new QFormLayout(box);
    const vcs::ReviewWorkspace *workspace = m_session.reviewWorkspace();

    auto *source = selectableLabel();
    source->setText(m_session.options().source);
    auto *folder = selectableLabel();
    folder->setText(m_session.workspace());
    m_branch = selectableLabel();
    m_branch->setObjectName(QStringLiteral("reviewBranch"));
    auto *base = selectableLabel();
    if (workspace) {
        m_branch->setText(workspace->branchName());
        base->setText(workspace->baseCommit().left(kShortSha));
        base->setToolTip(workspace->baseCommit());
    }
    m_remote =
        new QLineEdit(m_session.options().pushRemote.isEmpty() ? QStringLiteral("origin")
                                                               : m_session.options().pushRemote);
    m_remote->setObjectName(QStringLiteral("pushRemote"));

    form->addRow(tr("Source"), source);
    form->addRow(tr("Workspace"), folder);
    form->addRow(tr("Review branch"), m_branch);
    form->addRow(tr("Base commit"), base);
    form->addRow(tr("Push to remote"), m_remote);
    return box;
}

QWidget *RepositoryPanel::buildChanges()
{
    m_files = new QListWidget;
    m_files->setObjectName(QStringLiteral("changedFiles"));
    m_files->setMaximumHeight(110);
    connect(m_files, &QListWidget::currentRowChanged, this, &RepositoryPanel::showFile);

    m_diff = new DiffView;
    m_diff->setObjectName(QStringLiteral("fileDiff"));
    m_diff->setMinimumHeight(160);

    m_openInEditor = new QPushButton(tr("Open in my editor"));
    m_openInEditor->setObjectName(QStringLiteral("openInEditor"));
    m_openInEditor->setToolTip(tr("Opens the file at the diff's current line"));
    connect(m_openInEditor, &QPushButton::clicked, this, &RepositoryPanel::openSelectedInEditor);
    auto *refresh = new QPushButton(tr("Refresh"));
    connect(refresh, &QPushButton::clicked, this, &RepositoryPanel::refresh);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(refresh);
    buttons->addStretch(1);
    buttons->addWidget(m_openInEditor);

    auto *box = new QGroupBox(tr("Changed files"));
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(m_files);
    layout->addWidget(m_diff, 1);
    layout->addLayout(buttons);
    return box;
}

QWidget *RepositoryPanel::buildTests()
{
    m_testCommand = new QLineEdit;
    m_testCommand->setObjectName(QStringLiteral("testCommand"));
    m_testCommand->setText(storedSetting(settingsKey()));
    if (const auto detected = m_session.testCommand()) {
        m_testCommand->setPlaceholderText(
            tr("%1 (from %2)").arg(detected->argv.join(QLatin1Char(' ')), detected->origin));
    } else {
        m_testCommand->setPlaceholderText(tr("No test command found: type one"));
    }
    connect(m_testCommand, &QLineEdit::editingFinished, this, &RepositoryPanel::saveTestCommand);

    m_runTests = new QPushButton(tr("Run tests"));
    m_runTests->setObjectName(QStringLiteral("runTests"));
    connect(m_runTests, &QPushButton::clicked, this, &RepositoryPanel::runTests);
    m_testResult = selectableLabel();
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_testOutput = new QPlainTextEdit;
    m_testOutput->setObjectName(QStringLiteral("testOutput"));
    m_testOutput->setReadOnly(true);
    m_testOutput->setMaximumHeight(60);

    auto *row = new QHBoxLayout;
    row->addWidget(m_testCommand, 1);
    row->addWidget(m_runTests);
    auto *box = new QGroupBox(tr("Tests (run in the sandbox)"));
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(row);
    layout->addWidget(m_testResult);
    layout->addWidget(m_testOutput);
    return box;
}

QWidget *RepositoryPanel::buildPullRequest()
{
    m_prTitle = new QLineEdit;
    m_prTitle->setObjectName(QStringLiteral("pullRequestTitle"));
    m_prBody = new QPlainTextEdit;
    m_prBody->setObjectName(QStringLiteral("pullRequestBody"));
    m_prBody->setMaximumHeight(100);
    // Once the user has written in them, the texts are theirs and no refresh replaces them.
    connect(m_prTitle, &QLineEdit::textEdited, this, [this] { m_pullRequestEdited = true; });
    connect(m_prBody, &QPlainTextEdit::textChanged, this, [this] { m_pullRequestEdited = true; });

    auto *copy = new QPushButton(tr("Copy"));
    copy->setObjectName(QStringLiteral("copyPullRequest"));
    copy->setToolTip(tr("Copies the title and the body"));
    connect(copy, &QPushButton::clicked, this, &RepositoryPanel::copyPullRequest);

    auto *row = new QHBoxLayout;
    row->addWidget(m_prTitle, 1);
    row->addWidget(copy);
    auto *box = new QGroupBox(tr("Pull request"));
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(row);
    layout->addWidget(m_prBody);
    return box;
}

QWidget *RepositoryPanel::buildPush()
{
    m_override = new QCheckBox(tr("Push although the tests did not pass"));
    m_override->setObjectName(QStringLiteral("testOverride"));
    connect(m_override, &QCheckBox::toggled, this, [this](bool on) {
        m_gate.setOverride(on);
        updateGate();
    });

    m_push = new QPushButton(tr("Commit and push"));
    m_push->setObjectName(QStringLiteral("commitAndPush"));
    connect(m_push, &QPushButton::clicked, this, &RepositoryPanel::commitAndPush);
    m_cancel = new QPushButton(tr("Stop"));
    m_cancel->setObjectName(QStringLiteral("stopJob"));
    m_cancel->setToolTip(tr("Stops the tests or the push"));
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, &RepositoryPanel::stop);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("pushProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);

    m_refs = new QTreeWidget;
    m_refs->setObjectName(QStringLiteral("pushRefs"));
    m_refs->setHeaderLabels({tr("Ref"), tr("Result"), tr("Remote's message")});
    m_refs->setRootIsDecorated(false);
    m_refs->setMinimumHeight(80);
    m_refs->setMaximumHeight(110);
    m_refs->setWordWrap(true);
    m_refs->header()->setStretchLastSection(true);

    auto *row = new QHBoxLayout;
    row->addWidget(m_push);
    row->addWidget(m_progress, 1);
    row->addWidget(m_cancel);
    auto *box = new QGroupBox(tr("Commit and push"));
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(m_override);
    layout->addLayout(row);
    layout->addWidget(m_refs);
    return box;
}

QSize RepositoryPanel::sizeHint() const
{
    return {560, QWidget::sizeHint().height()};
}

void RepositoryPanel::refresh()
{
    const vcs::ReviewWorkspace *workspace = m_session.reviewWorkspace();
    // The push thread owns the repository while it runs; its end refreshes.
    if (!workspace || m_job)
        return;

    m_changes = workspace->changedFiles();
    const QByteArray fingerprint = fingerprintOf(m_changes);
    if (fingerprint != m_fingerprint) {
        m_fingerprint = fingerprint;
        showChangedFiles();
    }

    // A result is about the files it ran on: after any change the tests have to run again.
    const bool decided =
        m_gate.state() == TestGate::State::Passed || m_gate.state() == TestGate::State::Failed;
    if (decided && m_fingerprint != m_testedFingerprint) {
        m_gate.setState(TestGate::State::NotRun);
        m_testResult->setStyleSheet(QString());
        m_testResult->setText(tr("Files changed since the tests ran: run them again."));
    }
    updatePullRequest();
    updateGate();
    emit refreshed();
}

// The list anew, with the file that was selected still selected when it is still there.
void RepositoryPanel::showChangedFiles()
{
    const QListWidgetItem *current = m_files->currentItem();
    const QByteArray selected = current ? current->data(kPathRole).toByteArray() : QByteArray();

    const QSignalBlocker quiet(m_files);
    m_files->clear();
    int row = m_changes.empty() ? -1 : 0;
    for (const vcs::ChangedFile &file : m_changes) {
        auto *item = new QListWidgetItem(QStringLiteral("%1  %2   +%3 −%4")
                                             .arg(statusLetter(file.status), file.displayPath)
                                             .arg(file.additions)
                                             .arg(file.deletions));
        item->setData(kPathRole, file.path);
        item->setToolTip(file.displayPath);
        if (file.path == selected)
            row = m_files->count();
        m_files->addItem(item);
    }
    m_files->setCurrentRow(row);
    showFile(row);
}

void RepositoryPanel::showFile(int row)
{
    if (row < 0 || row >= int(m_changes.size())) {
        m_diff->setPatch(QString());
        return;
    }
    const vcs::ChangedFile &file = m_changes[size_t(row)];
    m_diff->setPatch(file.binary ? tr("Binary file %1 changed.").arg(file.displayPath)
                                 : file.patch);
}

void RepositoryPanel::setTask(const QString &task)
{
    if (!m_task.isEmpty() || task.trimmed().isEmpty())
        return;
    m_task = task.trimmed();
    updatePullRequest();
}

void RepositoryPanel::setAgentRunning(bool running)
{
    m_agentRunning = running;
    if (!running)
        refresh();
    updateGate();
}

void RepositoryPanel::beginReply()
{
    m_reply.clear();
}

void RepositoryPanel::appendReplyText(const QString &text)
{
    m_reply += text;
}

void RepositoryPanel::updateGate()
{
    const bool idle = !m_agentRunning && !m_job;
    const bool hasChanges = !m_changes.empty();
    m_runTests->setEnabled(idle && !m_gate.isRunning() && effectiveTestCommand().has_value());
    m_testCommand->setEnabled(idle && !m_gate.isRunning());
    m_push->setEnabled(idle && hasChanges && m_gate.pushAllowed());
    m_openInEditor->setEnabled(hasChanges);

    QString why;
    if (!hasChanges)
        why = tr("The review branch changes nothing yet.");
    else if (!m_gate.pushAllowed())
        why = tr("The tests have %1: run them, or tick the override to push anyway.")
                  .arg(m_gate.stateName());
    m_push->setToolTip(why);
}

void RepositoryPanel::updatePullRequest()
{
    const vcs::ReviewWorkspace *workspace = m_session.reviewWorkspace();
    if (m_pullRequestEdited || !workspace || m_job)
        return;

    const QString tests =
        m_lastTest && m_gate.state() != TestGate::State::NotRun ? m_lastTest->summary() : QString();
    const vcs::PullRequest pr = vcs::makePullRequest(m_task, workspace->diffStat(), tests,
                                                     m_reply.trimmed(), workspace->branchName());
    m_prTitle->setText(pr.title);
    const QSignalBlocker quiet(m_prBody);
    m_prBody->setPlainText(pr.body);
}

std::optional<agent::TestCommand> RepositoryPanel::effectiveTestCommand() const
{
    const QString configured = m_testCommand->text().trimmed();
    if (configured.isEmpty())
        return m_session.testCommand();
    return agent::TestCommand{{QStringLiteral("bash"), QStringLiteral("-c"), configured},
                              QStringLiteral("Tandem's settings")};
}

// One setting per source repository, so that each project keeps its own command.
QString RepositoryPanel::settingsKey() const
{
    const QByteArray id =
        QCryptographicHash::hash(m_session.options().source.toUtf8(), QCryptographicHash::Sha1)
            .toHex()
            .left(16);
    return QStringLiteral("repositories/%1/testCommand").arg(QString::fromLatin1(id));
}

void RepositoryPanel::saveTestCommand()
{
    storeSetting(settingsKey(), m_testCommand->text().trimmed());
    updateGate();
}

void RepositoryPanel::runTests()
{
    const auto command = effectiveTestCommand();
    if (!command || m_job || m_agentRunning)
        return;

    m_gate.setState(TestGate::State::Running);
    m_testResult->setStyleSheet(QString());
    m_testResult->setText(tr("Running %1…").arg(command->argv.join(QLatin1Char(' '))));
    m_jobCancel = base::CancelToken();
    m_cancel->setEnabled(true);
    auto result = std::make_shared<std::optional<base::Result<agent::TestRun>>>();
    runInBackground(
        [this, command, result, cancel = m_jobCancel] {
            *result = m_session.runTests(*command, cancel);
        },
        [this, result] {
            // What the tests left behind (a cache, a report) is part of what they passed on.
            m_cancel->setEnabled(false);
            refresh();
            m_testedFingerprint = m_fingerprint;
            showTestResult(result->value_or(base::fail(QStringLiteral("no_result"),
                                                       tr("the test run ended without a result"))));
        });
}

void RepositoryPanel::showTestResult(const base::Result<agent::TestRun> &result)
{
    if (!result) {
        m_gate.setState(TestGate::State::NotRun);
        m_testResult->setText(tr("The tests could not run: %1").arg(result.error().message));
        emit testsFinished(false);
        return;
    }

    m_lastTest = *result;
    m_gate.setState(result->passed ? TestGate::State::Passed : TestGate::State::Failed);
    m_testResult->setText(result->passed ? tr("Passed: %1").arg(result->summary())
                                         : tr("Failed: %1").arg(result->summary()));
    m_testResult->setStyleSheet(result->passed ? QStringLiteral("color: #116329")
                                               : QStringLiteral("color: #9f1c1c"));
    m_testOutput->setPlainText(result->tail);
    updatePullRequest();
    updateGate();
    emit testsFinished(result->passed);
}

QString RepositoryPanel::commitMessage() const
{
    const QString summary = m_reply.trimmed();
    return summary.isEmpty() ? m_prTitle->text()
                             : m_prTitle->text() + QStringLiteral("\n\n") + summary;
}

void RepositoryPanel::commitAndPush()
{
    vcs::ReviewWorkspace *workspace = m_session.reviewWorkspace();
    if (!workspace || m_job || m_agentRunning || !m_gate.pushAllowed() || m_changes.empty())
        return;

    auto outcome = std::make_shared<PushOutcome>();
    outcome->remote = m_remote->text().trimmed();
    outcome->branch = workspace->branchName();
    outcome->overridden = m_gate.pushNeedsOverride();
    outcome->testState = m_gate.stateName();
    const QString message = commitMessage();

    m_jobCancel = base::CancelToken();
    vcs::PushControl control;
    control.cancel = m_jobCancel;
    control.onProgress = [this](const vcs::PushProgress &progress) {
        QMetaObject::invokeMethod(
            this,
            [this, progress] {
                m_progress->setRange(0, int(std::max(progress.objectsTotal, 1u)));
                m_progress->setValue(int(progress.objectsSent));
            },
            Qt::QueuedConnection);
    };

    m_refs->clear();
    m_progress->setRange(0, 0); // busy until the first objects are counted
    m_cancel->setEnabled(true);
    setStatus(tr("Pushing %1 to %2…").arg(outcome->branch, outcome->remote));
    runInBackground(
        [workspace, outcome, message, control] {
            auto commit = workspace->commitAll(message);
            outcome->commit = commit;
            // A branch committed earlier has nothing new to commit and is pushed as it is.
            if (!commit && commit.error().code != QLatin1String("nothing_to_commit"))
                return;
            outcome->push =
                workspace->push(outcome->remote, vcs::Credentials::fromEnvironment(), control);
            outcome->report = workspace->lastPushReport();
        },
        [this, outcome] { showPushOutcome(*outcome); });
}

void RepositoryPanel::stop()
{
    m_jobCancel.cancel();
    m_cancel->setEnabled(false);
}

void RepositoryPanel::showPushOutcome(const PushOutcome &outcome)
{
    m_cancel->setEnabled(false);
    m_progress->setRange(0, 1);
    recordPush(outcome);

    const bool committed = outcome.commit && *outcome.commit;
    if (!outcome.push) {
        const QString error = outcome.commit ? outcome.commit->error().message : QString();
        showRefs({}, error);
        setStatus(tr("Nothing was pushed: the commit failed: %1").arg(error), true);
        m_progress->setValue(0);
        emit pushFinished(false);
        return;
    }

    const base::Result<vcs::PushReport> &push = *outcome.push;
    showRefs(outcome.report, push ? QString() : push.error().message);
    const QString commit =
        committed ? tr("Committed %1. ").arg((*outcome.commit)->sha.left(kShortSha)) : QString();
    if (push) {
        m_progress->setValue(m_progress->maximum());
        QString summary = push->summary();
        summary[0] = summary[0].toUpper();
        setStatus(commit + summary);
    } else {
        m_progress->setValue(0);
        setStatus(commit + failureLead(push.error().code).arg(push.error().message), true);
    }
    emit pushFinished(push.has_value());
}

// Every ref the remote answered, one row each; a push that failed before the remote answered
// gets one row for the branch with the reason, so a failure is never an empty list.
void RepositoryPanel::showRefs(const vcs::PushReport &report, const QString &error)
{
    m_refs->clear();
    for (const vcs::PushReport::RefResult &ref : report.refs) {
        auto *item = new QTreeWidgetItem(
            {ref.ref, ref.accepted ? tr("pushed") : tr("rejected"), ref.message});
        item->setForeground(1, ref.accepted ? QColor(0x11, 0x63, 0x29) : QColor(0x9f, 0x1c, 0x1c));
        item->setToolTip(2, ref.message);
        m_refs->addTopLevelItem(item);
    }
    if (report.refs.empty() && !error.isEmpty()) {
        const QString ref = QStringLiteral("refs/heads/") + m_branch->text();
        auto *item = new QTreeWidgetItem({ref, tr("failed"), error});
        item->setForeground(1, QColor(0x9f, 0x1c, 0x1c));
        item->setToolTip(2, error);
        m_refs->addTopLevelItem(item);
    }
    m_refs->resizeColumnToContents(0);
}

void RepositoryPanel::recordPush(const PushOutcome &outcome)
{
    audit::AuditLog &audit = m_session.auditLog();
    if (outcome.overridden) {
        audit.record("test_gate_override", {{"branch", outcome.branch.toStdString()},
                                            {"tests", outcome.testState.toStdString()},
                                            {"remote", outcome.remote.toStdString()}});
    }
    if (outcome.commit && *outcome.commit) {
        const vcs::CommitInfo &commit = **outcome.commit;
        audit.record("git_commit", {{"branch", outcome.branch.toStdString()},
                                    {"sha", commit.sha.toStdString()},
                                    {"files", commit.filesChanged}});
    }
    if (!outcome.push)
        return;
    const base::Result<vcs::PushReport> &push = *outcome.push;
    audit.record("git_push", {{"remote", outcome.remote.toStdString()},
                              {"ok", push.has_value()},
                              {"result", pushReportJson(outcome.report)},
                              {"error", push ? "" : push.error().message.toStdString()},
                              {"tests", outcome.testState.toStdString()}});
}

void RepositoryPanel::openSelectedInEditor()
{
    const int row = m_files->currentRow();
    const vcs::ReviewWorkspace *workspace = m_session.reviewWorkspace();
    if (!workspace || row < 0 || row >= int(m_changes.size()))
        return;

    const vcs::ChangedFile &file = m_changes[size_t(row)];
    if (file.status == vcs::ChangedFile::Status::Deleted) {
        setStatus(tr("%1 is deleted on the review branch.").arg(file.displayPath), true);
        return;
    }
    // A name that does not survive decoding would open another file, or none.
    const QString name = QFile::decodeName(file.path);
    if (QFile::encodeName(name) != file.path) {
        setStatus(tr("%1 has a name this system cannot pass to an editor; open it from %2.")
                      .arg(file.displayPath, workspace->path()),
                  true);
        return;
    }

    const int line = file.newFileLine(m_diff->cursorPatchLine());
    const QString path = workspace->path() + QLatin1Char('/') + name;
    auto opened = EditorLauncher::open(path, line);
    if (!opened) {
        setStatus(opened.error().message, true);
        return;
    }
    setStatus(
        tr("Opened %1 at line %2 with %3.").arg(file.displayPath).arg(line).arg(opened->program));
}

void RepositoryPanel::copyPullRequest()
{
    QApplication::clipboard()->setText(m_prTitle->text() + QStringLiteral("\n\n")
                                       + m_prBody->toPlainText());
    setStatus(tr("The pull request's title and body are on the clipboard."));
}

void RepositoryPanel::runInBackground(std::function<void()> work, std::function<void()> done)
{
    m_job = QThread::create(std::move(work));
    m_job->setObjectName(QStringLiteral("tandem-repository"));
    connect(m_job, &QThread::finished, this, [this, done = std::move(done)] {
        m_job->deleteLater();
        m_job = nullptr;
        done();
        refresh();
        updateGate();
    });
    updateGate();
    m_job->start();
}

void RepositoryPanel::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #9f1c1c") : QString());
    if (error)
        qCWarning(lcUi).noquote() << "repository:" << text;
}

} // namespace tandem::ui
