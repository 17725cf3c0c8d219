#include "ui/projectinstructionsdialog.h"
#include "ui/settingsdialog.h"

#include "agent/projectinstructions.h"
#include "llm/anthropicclient.h"
#include "secrets/apikeystore.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace tandem;

// The dialogs offscreen, without a keyring (as on CI): the key is refused with a reason, never
// kept, and everything else is saved.
class tst_SettingsDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void offersTheProvidersModels();
    void keyWithoutKeyringIsRefusedThenTheRestSaved();
    void demoNeedsNothing();
    void instructionsAreShownAndFollowed();
};

void tst_SettingsDialog::initTestCase()
{
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("ANTHROPIC_API_KEY");
    qunsetenv("OPENAI_API_KEY");
}

void tst_SettingsDialog::offersTheProvidersModels()
{
    secrets::ApiKeyStore keys(QStringLiteral("Tandem test"));
    llm::ProviderSettings saved;
    saved.configured = true;
    saved.provider = llm::ProviderSettings::Provider::Anthropic;
    saved.model = QStringLiteral("claude-some-future-model");
    ui::SettingsDialog dialog(saved, keys);

    auto *model = dialog.findChild<QComboBox *>(QStringLiteral("modelBox"));
    QVERIFY(model->isEditable());
    QCOMPARE(model->currentText(), QStringLiteral("claude-some-future-model"));
    for (const QString &id : llm::AnthropicClient::suggestedModels())
        QVERIFY2(model->findText(id) >= 0, qPrintable(id));
    auto *note = dialog.findChild<QLabel *>(QStringLiteral("keyNote"));
    QVERIFY2(note->text().contains(QStringLiteral("No desktop keyring is running")),
             qPrintable(note->text()));
    QVERIFY(note->text().contains(QStringLiteral("ANTHROPIC_API_KEY is not set")));
}

void tst_SettingsDialog::keyWithoutKeyringIsRefusedThenTheRestSaved()
{
    secrets::ApiKeyStore keys(QStringLiteral("Tandem test"));
    ui::SettingsDialog dialog(llm::ProviderSettings{}, keys);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    auto *provider = dialog.findChild<QComboBox *>(QStringLiteral("providerBox"));
    provider->setCurrentIndex(provider->findData(QStringLiteral("openai")));
    dialog.findChild<QComboBox *>(QStringLiteral("modelBox"))
        ->setCurrentText(QStringLiteral("qwen2.5-coder:7b"));
    dialog.findChild<QLineEdit *>(QStringLiteral("baseUrlEdit"))
        ->setText(QStringLiteral("http://127.0.0.1:8080/v1"));
    auto *key = dialog.findChild<QLineEdit *>(QStringLiteral("keyEdit"));
    QCOMPARE(key->echoMode(), QLineEdit::Password);
    key->setText(QStringLiteral("sk-typed-into-the-dialog"));
    dialog.findChild<QSpinBox *>(QStringLiteral("maxTokensBox"))->setValue(4096);

    dialog.accept();
    QCOMPARE(accepted.size(), 0);
    auto *error = dialog.findChild<QLabel *>(QStringLiteral("settingsError"));
    QVERIFY2(error->text().contains(QStringLiteral("never writes keys")),
             qPrintable(error->text()));
    QVERIFY(key->text().isEmpty());

    dialog.accept();
    QCOMPARE(accepted.size(), 1);
    const llm::ProviderSettings chosen = dialog.settings();
    QCOMPARE(chosen.provider, llm::ProviderSettings::Provider::OpenAiCompatible);
    QCOMPARE(chosen.model, QStringLiteral("qwen2.5-coder:7b"));
    QCOMPARE(chosen.baseUrl, QStringLiteral("http://127.0.0.1:8080/v1"));
    QCOMPARE(chosen.maxTokens, 4096);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("Tandem.conf"));
    {
        QSettings file(path, QSettings::IniFormat);
        chosen.save(file);
    }
    QFile written(path);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QByteArray text = written.readAll();
    QVERIFY(text.contains("provider=openai"));
    QVERIFY(!text.contains("sk-typed"));
    QSettings reread(path, QSettings::IniFormat);
    const auto loaded = llm::ProviderSettings::load(reread);
    QVERIFY(loaded.configured);
    QCOMPARE(loaded.model, chosen.model);
    QCOMPARE(loaded.baseUrl, chosen.baseUrl);
    QCOMPARE(loaded.maxTokens, 4096);
}

void tst_SettingsDialog::demoNeedsNothing()
{
    secrets::ApiKeyStore keys(QStringLiteral("Tandem test"));
    ui::SettingsDialog dialog(llm::ProviderSettings{}, keys);
    QVERIFY(!dialog.findChild<QLineEdit *>(QStringLiteral("keyEdit"))->isEnabled());
    QVERIFY(!dialog.findChild<QComboBox *>(QStringLiteral("modelBox"))->isEnabled());
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.settings().provider, llm::ProviderSettings::Provider::ScriptedDemo);
}

void tst_SettingsDialog::instructionsAreShownAndFollowed()
{
    QTemporaryDir root;
    agent::ProjectInstructions instructions(root.path());
    ui::ProjectInstructionsDialog dialog(instructions);
    auto *tabs = dialog.findChild<QTabWidget *>();
    auto *summary = dialog.findChild<QLabel *>(QStringLiteral("instructionsSummary"));
    QCOMPARE(tabs->count(), 0);
    QVERIFY(summary->text().contains(QStringLiteral("no CLAUDE.md or AGENTS.md")));

    QFile claude(root.filePath(QStringLiteral("CLAUDE.md")));
    QVERIFY(claude.open(QIODevice::WriteOnly));
    claude.write(QByteArray(agent::ProjectInstructions::kMaxBytes + 10, 'x'));
    claude.close();
    QTRY_COMPARE_WITH_TIMEOUT(tabs->count(), 1, 5000);
    QCOMPARE(tabs->tabText(0), QStringLiteral("CLAUDE.md"));
    QVERIFY2(summary->text().contains(QStringLiteral("only its first 32 KB are used")),
             qPrintable(summary->text()));
}

QTEST_MAIN(tst_SettingsDialog)
#include "tst_settingsdialog.moc"
