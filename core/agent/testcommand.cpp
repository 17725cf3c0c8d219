#include "agent/testcommand.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <nlohmann/json.hpp>

namespace tandem::agent {

namespace {

QString readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

bool hasNpmTestScript(const QDir &root)
{
    const auto package = nlohmann::json::parse(
        readFile(root.filePath(QStringLiteral("package.json"))).toStdString(), nullptr, false);
    return package.is_object() && package.contains("scripts") && package["scripts"].is_object()
           && package["scripts"].contains("test");
}

bool hasPythonTests(const QDir &root)
{
    QDirIterator it(root.path(), {QStringLiteral("test_*.py"), QStringLiteral("*_test.py")},
                    QDir::Files, QDirIterator::Subdirectories);
    // Hidden folders inside the repository (.git, .venv) do not count; the workspace itself
    // usually lives in one (~/.local/share), so only the part below the root is looked at.
    while (it.hasNext()) {
        const QString inside = root.relativeFilePath(it.next());
        if (!inside.startsWith(QLatin1Char('.')) && !inside.contains(QStringLiteral("/.")))
            return true;
    }
    return false;
}

bool usesPytest(const QDir &root)
{
    return root.exists(QStringLiteral("pytest.ini")) || root.exists(QStringLiteral("conftest.py"))
           || readFile(root.filePath(QStringLiteral("pyproject.toml")))
                  .contains(QStringLiteral("[tool.pytest"));
}

} // namespace

std::optional<TestCommand> TestCommand::find(const QString &workspace)
{
    const QDir root(workspace);

    const QString configured = readFile(root.filePath(QStringLiteral(".tandem/test-command")));
    if (!configured.trimmed().isEmpty()) {
        return TestCommand{{QStringLiteral("bash"), QStringLiteral("-c"), configured.trimmed()},
                           QStringLiteral("configured in .tandem/test-command")};
    }

    if (hasNpmTestScript(root))
        return TestCommand{{QStringLiteral("npm"), QStringLiteral("test")},
                           QStringLiteral("package.json")};
    if (root.exists(QStringLiteral("Cargo.toml")))
        return TestCommand{
            {QStringLiteral("cargo"), QStringLiteral("test"), QStringLiteral("--offline")},
            QStringLiteral("Cargo.toml")};
    if (hasPythonTests(root)) {
        if (usesPytest(root))
            return TestCommand{{QStringLiteral("python3"), QStringLiteral("-m"),
                                QStringLiteral("pytest"), QStringLiteral("-q")},
                               QStringLiteral("pytest configuration")};
        QStringList argv{QStringLiteral("python3"), QStringLiteral("-m"),
                         QStringLiteral("unittest"), QStringLiteral("discover"),
                         QStringLiteral("-v")};
        // Discovery only descends into packages: a plain tests/ folder is its start.
        if (root.exists(QStringLiteral("tests"))
            && !root.exists(QStringLiteral("tests/__init__.py")))
            argv << QStringLiteral("-s") << QStringLiteral("tests");
        return TestCommand{argv, QStringLiteral("Python test files")};
    }
    if (readFile(root.filePath(QStringLiteral("Makefile"))).contains(QStringLiteral("\ntest:")))
        return TestCommand{{QStringLiteral("make"), QStringLiteral("test")},
                           QStringLiteral("Makefile")};
    return std::nullopt;
}

} // namespace tandem::agent
