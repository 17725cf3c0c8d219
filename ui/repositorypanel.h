#pragma once

#include "ui/testgate.h"

#include "agent/reviewtask.h"
#include "vcs/changedfile.h"
#include "vcs/pushreport.h"

#include "base/canceltoken.h"

#include <QWidget>

#include <functional>
#include <optional>
#include <vector>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QThread;
class QTreeWidget;

namespace tandem::ui {

class DiffView;

// The session's repository beside the chat: the review branch, the files it changes with a
// diff per file, the repository's tests as a gate on the push, the pull-request text, and a
// commit and push that report every ref as the remote answered it. Tests, commit and push run
// off the GUI thread; the push can be stopped.
class RepositoryPanel : public QWidget
{
    Q_OBJECT

public:
    explicit RepositoryPanel(agent::ReviewTask &session, QWidget *parent = nullptr);
    ~RepositoryPanel() override;

    QSize sizeHint() const override;

    void refresh();
    void setTask(const QString &task); // the first task of the session names the change
    void setAgentRunning(bool running);
    void beginReply();
    void appendReplyText(const QString &text);

    void runTests();
    void commitAndPush();
    void stop(); // the running tests or push
    void openSelectedInEditor();
    void copyPullRequest();

    const std::vector<vcs::ChangedFile> &changedFiles() const { return m_changes; }
    const TestGate &testGate() const { return m_gate; }

signals:
    void refreshed();
    void testsFinished(bool passed);
    void pushFinished(bool accepted);

private:
    struct PushOutcome;

    QWidget *buildHeader();
    QWidget *buildChanges();
    QWidget *buildTests();
    QWidget *buildPullRequest();
    QWidget *buildPush();
    void showChangedFiles();
    void showFile(int row);
    void updateGate();
    void updatePullRequest();
    void showTestResult(const base::Result<agent::TestRun> &result);
    void showPushOutcome(const PushOutcome &outcome);
    void showRefs(const vcs::PushReport &report, const QString &error);
    void recordPush(const PushOutcome &outcome);
    std::optional<agent::TestCommand> effectiveTestCommand() const;
    void saveTestCommand();
    QString settingsKey() const;
    QString commitMessage() const;
    void runInBackground(std::function<void()> work, std::function<void()> done);
    void setStatus(const QString &text, bool error = false);

    agent::ReviewTask &m_session;
    TestGate m_gate;
    std::vector<vcs::ChangedFile> m_changes;
    QByteArray m_fingerprint; // of the changes as last shown
    QByteArray m_testedFingerprint; // of the changes the last test run saw
    std::optional<agent::TestRun> m_lastTest;
    QString m_task;
    QString m_reply;
    bool m_agentRunning = false;
    bool m_pullRequestEdited = false;
    QThread *m_job = nullptr;
    base::CancelToken m_jobCancel;

    QLabel *m_branch = nullptr;
    QLineEdit *m_remote = nullptr;
    QListWidget *m_files = nullptr;
    DiffView *m_diff = nullptr;
    QPushButton *m_openInEditor = nullptr;
    QLineEdit *m_testCommand = nullptr;
    QPushButton *m_runTests = nullptr;
    QLabel *m_testResult = nullptr;
    QPlainTextEdit *m_testOutput = nullptr;
    QLineEdit *m_prTitle = nullptr;
    QPlainTextEdit *m_prBody = nullptr;
    QCheckBox *m_override = nullptr;
    QPushButton *m_push = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QTreeWidget *m_refs = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace tandem::ui
