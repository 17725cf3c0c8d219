#include "sandbox/tarreader.h"
#include "sandbox/tarwriter.h"
#include "sandbox/workspacesync.h"
#include "sandboxtesting.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace tandem::sandbox;

using namespace tandem::sandboxtesting;

namespace {

// An archive written by another tar implementation (Python's), the way a hostile container
// could shape it: `script` adds members to the open TarFile `t`.
QByteArray pythonTar(const QString &script)
{
    const QString program = QStringLiteral(
        "import io, sys, tarfile\n"
        "buf = io.BytesIO()\n"
        "t = tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT)\n"
        "def add(name, kind=tarfile.REGTYPE, data=b'', link=''):\n"
        "    info = tarfile.TarInfo(name)\n"
        "    info.type = kind\n"
        "    info.linkname = link\n"
        "    info.size = len(data) if kind == tarfile.REGTYPE else 0\n"
        "    t.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)\n"
        "%1\n"
        "t.close()\n"
        "sys.stdout.buffer.write(buf.getvalue())\n");
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), program.arg(script)});
    python.waitForFinished();
    return python.readAllStandardOutput();
}

} // namespace

class tst_WorkspaceSync : public QObject
{
    Q_OBJECT

private slots:
    void tarRoundTrip();
    void packNamesDeniedPathsAsRoot();
    void appliesChangesAndRemovals();
    void refusesWhatCouldReachOutside();
    void rootedAtSlashOrMalformed();
};

void tst_WorkspaceSync::tarRoundTrip()
{
    const QString longName = QStringLiteral("deep/") + QString(120, QLatin1Char('n')) + "/file.txt";
    TarWriter writer;
    writer.addDirectory(QStringLiteral("deep"), 0755, {1000, 1000}, 1);
    writer.addFile(longName, QByteArray(1000, 'c'), 0755, {1000, 1000}, 2);
    writer.addSymlink(QStringLiteral("link"), QString(150, QLatin1Char('t')), {}, 3);
    auto entries = TarReader::read(writer.finish());

    QVERIFY(entries.has_value());
    QCOMPARE(entries->size(), 3);
    QCOMPARE(entries->at(0).type, TarEntry::Type::Directory);
    QCOMPARE(entries->at(1).name, longName);
    QCOMPARE(entries->at(1).content, QByteArray(1000, 'c'));
    QCOMPARE(entries->at(1).mode, 0755);
    QCOMPARE(entries->at(2).type, TarEntry::Type::Symlink);
    QCOMPARE(entries->at(2).linkTarget, QString(150, QLatin1Char('t')));

    QVERIFY(!TarReader::read(QByteArray(512, 'x')).has_value());
}

void tst_WorkspaceSync::packNamesDeniedPathsAsRoot()
{
    QTemporaryDir workspace;
    writeFile(workspace.filePath("src/a.txt"), "a");
    writeFile(workspace.filePath(".git/config"), "[core]\n");
    WorkspaceSync sync(workspace.path(), {QStringLiteral(".git")});
    auto tar = sync.packChanges();
    QVERIFY(tar.has_value());
    auto entries = TarReader::read(*tar);
    QVERIFY(entries.has_value());
    QStringList names;
    for (const TarEntry &entry : *entries)
        names << entry.name;
    QVERIFY(names.contains("src/a.txt"));
    QVERIFY(names.contains(".git/config"));

    // Nothing changed: nothing to send again.
    auto again = sync.packChanges();
    QCOMPARE(TarReader::read(*again)->size(), 0);
}

void tst_WorkspaceSync::appliesChangesAndRemovals()
{
    QTemporaryDir workspace;
    writeFile(workspace.filePath("keep.txt"), "keep");
    writeFile(workspace.filePath("edit.txt"), "old");
    writeFile(workspace.filePath("gone.txt"), "gone");
    WorkspaceSync sync(workspace.path(), {QStringLiteral(".git")});
    QVERIFY(sync.packChanges().has_value());

    const QByteArray archive =
        pythonTar("add('workspace', tarfile.DIRTYPE)\n"
                  "add('workspace/keep.txt', data=b'keep')\n"
                  "add('workspace/edit.txt', data=b'new')\n"
                  "add('workspace/made', tarfile.DIRTYPE)\n"
                  "add('workspace/made/"
                  + QString(130, 'm')
                  + "', data=b'long')\n"
                    "add('workspace/made/copy', tarfile.LNKTYPE, link='workspace/edit.txt')\n");
    auto report = sync.apply(archive);
    QVERIFY2(report.has_value(), report ? "" : qPrintable(report.error().message));
    QVERIFY2(report->refused.isEmpty(), qPrintable(report->refused.join('\n')));
    QCOMPARE(readFile(workspace.filePath("edit.txt")), QByteArray("new"));
    QCOMPARE(readFile(workspace.filePath("made/" + QString(130, 'm'))), QByteArray("long"));
    QCOMPARE(readFile(workspace.filePath("made/copy")), QByteArray("new"));
    QVERIFY(!QFileInfo::exists(workspace.filePath("gone.txt")));
    QCOMPARE(report->removed, QStringList{"gone.txt"});
    QVERIFY(!report->written.contains("keep.txt"));
}

void tst_WorkspaceSync::refusesWhatCouldReachOutside()
{
    QTemporaryDir outside;
    QTemporaryDir workspace;
    writeFile(workspace.filePath(".git/config"), "[core]\n");
    // A link that was already on the host, leading out: nothing may be written through it.
    QVERIFY(QFile::link(outside.path(), workspace.filePath("escape")));
    WorkspaceSync sync(workspace.path(), {QStringLiteral(".git"), QStringLiteral(".envrc")});
    QVERIFY(sync.packChanges().has_value());

    const QByteArray archive = pythonTar(
        QStringLiteral("add('workspace', tarfile.DIRTYPE)\n"
                       "add('workspace/escape', tarfile.SYMTYPE, link='%1')\n"
                       "add('workspace/ok.txt', data=b'fine')\n"
                       "add('/tmp/absolute.txt', data=b'x')\n"
                       "add('workspace/../../dotdot.txt', data=b'x')\n"
                       "add('workspace/abs-link', tarfile.SYMTYPE, link='/etc/passwd')\n"
                       "add('workspace/up-link', tarfile.SYMTYPE, link='../../outside')\n"
                       "add('workspace/git-link', tarfile.SYMTYPE, link='.git/hooks')\n"
                       "add('workspace/via-host-link', tarfile.SYMTYPE, link='escape/..')\n"
                       "add('workspace/hard', tarfile.LNKTYPE, link='/etc/passwd')\n"
                       "add('workspace/hard-up', tarfile.LNKTYPE, link='workspace/../../x')\n"
                       "add('workspace/dev', tarfile.CHRTYPE)\n"
                       "add('workspace/fifo', tarfile.FIFOTYPE)\n"
                       "add('workspace/.git/hooks/pre-commit', data=b'#!/bin/sh\\nevil')\n"
                       "add('workspace/.envrc', data=b'evil')\n"
                       "add('workspace/escape/pwned', data=b'evil')\n")
            .arg(outside.path()));
    auto report = sync.apply(archive);
    QVERIFY(report.has_value());

    QCOMPARE(report->written, QStringList{"ok.txt"});
    const QString refused = report->refused.join('\n');
    for (const char *name :
         {"/tmp/absolute.txt", "dotdot.txt", "abs-link", "up-link", "git-link", "via-host-link",
          "hard", "hard-up", "dev", "fifo", ".git/hooks/pre-commit", ".envrc", "escape/pwned"})
        QVERIFY2(refused.contains(QString::fromLatin1(name)), name);
    QVERIFY(QDir(outside.path()).isEmpty());
    QVERIFY(!QFileInfo::exists("/tmp/absolute.txt"));
    QVERIFY(!QFileInfo::exists(workspace.filePath(".git/hooks/pre-commit")));
    QVERIFY(!QFileInfo::exists(workspace.filePath(".envrc")));
    QVERIFY(!QFileInfo(workspace.filePath("abs-link")).isSymLink());
    QCOMPARE(QDir(workspace.path())
                 .entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot),
             QStringList({".git", "escape", "ok.txt"}));
}

void tst_WorkspaceSync::rootedAtSlashOrMalformed()
{
    QTemporaryDir workspace;
    writeFile(workspace.filePath("a.txt"), "a");
    writeFile(workspace.filePath("b.txt"), "b");
    WorkspaceSync sync(workspace.path(), {QStringLiteral(".git")});
    QVERIFY(sync.packChanges().has_value());

    // No folder first: nothing is applied, and above all nothing is taken as removed.
    QVERIFY(!sync.apply(pythonTar("add('a.txt', data=b'x')\n")).has_value());
    QVERIFY(!sync.apply(QByteArray(1024, '\0')).has_value());
    QCOMPARE(readFile(workspace.filePath("b.txt")), QByteArray("b"));

    // Podman names a stopped container's volume from "/".
    auto report = sync.apply(pythonTar("add('/', tarfile.DIRTYPE)\n"
                                       "add('/a.txt', data=b'changed')\n"
                                       "add('/b.txt', data=b'b')\n"));
    QVERIFY(report.has_value());
    QCOMPARE(report->written, QStringList{"a.txt"});
    QCOMPARE(readFile(workspace.filePath("a.txt")), QByteArray("changed"));
    QVERIFY(report->refused.isEmpty());
}

QTEST_GUILESS_MAIN(tst_WorkspaceSync)
#include "tst_workspacesync.moc"
