#include "sandbox/policyfilereader.h"

#include "sandbox/hostallowlist.h"
#include "sandbox/limitunits.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QStandardPaths>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

using Json = nlohmann::json;

const QStringList kTopKeys{QStringLiteral("filesystem"), QStringLiteral("network"),
                           QStringLiteral("limits")};
const QStringList kFilesystemKeys{QStringLiteral("readOnly"), QStringLiteral("readWrite"),
                                  QStringLiteral("deny")};
const QStringList kNetworkKeys{QStringLiteral("allow")};
const QStringList kLimitKeys{QStringLiteral("wallTime"), QStringLiteral("cpuTime"),
                             QStringLiteral("memory"),   QStringLiteral("processes"),
                             QStringLiteral("output"),   QStringLiteral("disk")};

constexpr qsizetype kShownChars = 60;

// How a value from the file appears in a message: as it was written, for scalars.
QString shown(const Json &value)
{
    if (value.is_object())
        return QStringLiteral("an object");
    if (value.is_array())
        return QStringLiteral("a list");

    QString text = QString::fromStdString(value.dump());
    if (text.size() > kShownChars)
        text = text.left(kShownChars - 3) + QStringLiteral("...");
    return text;
}

QString quoted(const QString &text)
{
    return u'"' + text + u'"';
}

// "a", "b" or "c"
QString oneOf(const QStringList &keys)
{
    QStringList quotedKeys;
    for (const QString &key : keys)
        quotedKeys << quoted(key);
    const QString last = quotedKeys.takeLast();
    return quotedKeys.isEmpty() ? last : quotedKeys.join(QStringLiteral(", ")) + " or " + last;
}

bool hasControlCharacter(const QString &text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) { return c.unicode() < 0x20; });
}

QString childPath(const QString &parent, const QString &key)
{
    return parent.isEmpty() ? key : parent + u'.' + key;
}

QString elementPath(const QString &list, qsizetype index)
{
    return list + u'[' + QString::number(index) + u']';
}

// Walks the parsed document against the schema and fills the file in. It records every problem
// with its line and reports the first one in the file, so that fixing errors top to bottom works.
class Checker
{
public:
    explicit Checker(PolicyFile &file)
        : m_file(file)
    {}

    base::Status run(const Json &root)
    {
        if (!root.is_object()) {
            problem(QString(), QStringLiteral("expected an object such as {\"limits\": "
                                              "{\"memory\": \"2G\"}}, got %1")
                                   .arg(shown(root)));
        } else {
            top(root);
        }
        return firstProblem();
    }

private:
    struct Problem
    {
        int line = 0;
        QString message;
    };

    void problem(const QString &keyPath, const QString &message)
    {
        const int line = m_file.keyLines.lineOf(keyPath);
        const QString where = m_file.path + u':' + QString::number(line) + QStringLiteral(": ");
        const QString key = keyPath.isEmpty() ? QString() : keyPath + QStringLiteral(": ");
        m_problems.append(Problem{line, where + key + message});
    }

    base::Status firstProblem() const
    {
        if (m_problems.isEmpty())
            return {};
        const auto first =
            std::min_element(m_problems.begin(), m_problems.end(),
                             [](const Problem &a, const Problem &b) { return a.line < b.line; });
        return base::fail("sandbox_policy_invalid", first->message);
    }

    void onlyKnownKeys(const Json &object, const QString &path, const QStringList &known)
    {
        for (const auto &item : object.items()) {
            const QString key = QString::fromStdString(item.key());
            if (known.contains(key))
                continue;
            problem(childPath(path, key),
                    QStringLiteral("unknown key; expected %1").arg(oneOf(known)));
        }
    }

    bool isObject(const Json &value, const QString &path, const QStringList &keys)
    {
        if (value.is_object())
            return true;
        problem(
            path,
            QStringLiteral("expected an object with %1, got %2").arg(oneOf(keys), shown(value)));
        return false;
    }

    void top(const Json &root)
    {
        onlyKnownKeys(root, QString(), kTopKeys);
        if (root.contains("filesystem"))
            filesystem(root.at("filesystem"));
        if (root.contains("network"))
            network(root.at("network"));
        if (root.contains("limits"))
            limits(root.at("limits"));
    }

    void filesystem(const Json &value)
    {
        const QString path = QStringLiteral("filesystem");
        if (!isObject(value, path, kFilesystemKeys))
            return;
        onlyKnownKeys(value, path, kFilesystemKeys);

        if (m_file.origin == PolicyFile::Origin::Repository) {
            refuseBinds(value, path);
        } else {
            if (value.contains("readOnly"))
                m_file.readOnlyPaths = bindPaths(value.at("readOnly"), path + ".readOnly");
            if (value.contains("readWrite"))
                m_file.readWritePaths = bindPaths(value.at("readWrite"), path + ".readWrite");
        }

        if (value.contains("deny"))
            m_file.deniedPaths = deniedPaths(value.at("deny"), childPath(path, "deny"));
    }

    // The repository's file arrives with the code: letting it bind host paths would let any
    // repository read or change whatever it names on the user's machine.
    void refuseBinds(const Json &filesystem, const QString &path)
    {
        for (const char *key : {"readOnly", "readWrite"}) {
            if (!filesystem.contains(key))
                continue;
            problem(childPath(path, QLatin1String(key)),
                    QStringLiteral("only your own file (%1) can bind host paths; a repository's "
                                   "file may set filesystem.deny, network.allow and limits")
                        .arg(PolicyFileReader::userFilePath()));
        }
    }

    QStringList bindPaths(const Json &list, const QString &path)
    {
        if (!list.is_array()) {
            problem(path, QStringLiteral("expected a list of absolute paths such as "
                                         "[\"/opt/sdk\"], got %1")
                              .arg(shown(list)));
            return {};
        }

        QStringList paths;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const QString itemPath = elementPath(path, qsizetype(i));
            const auto bind = bindPath(list.at(i), itemPath);
            if (!bind || paths.contains(*bind))
                continue;
            // Read-only binds are read first: a path in both lists is named where it repeats.
            if (m_file.readOnlyPaths.contains(*bind)) {
                problem(itemPath, QStringLiteral("%1 is in filesystem.readOnly as well; a path "
                                                 "is either read-only or read-write")
                                      .arg(quoted(*bind)));
                continue;
            }
            paths << *bind;
        }
        return paths;
    }

    std::optional<QString> bindPath(const Json &value, const QString &path)
    {
        const QString expected =
            QStringLiteral("expected an absolute path such as \"/opt/sdk\", got %1");
        QString host =
            value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString();
        if (host.isEmpty() || hasControlCharacter(host)) {
            problem(path, expected.arg(shown(value)));
            return std::nullopt;
        }

        // The user's own file may start a path at their home, as a shell would.
        if (host == u'~' || host.startsWith(QStringLiteral("~/")))
            host = QDir::homePath() + host.mid(1);
        if (!QDir::isAbsolutePath(host)) {
            problem(path, expected.arg(shown(value)));
            return std::nullopt;
        }

        host = QDir::cleanPath(host);
        if (!QFileInfo::exists(host)) {
            problem(path, QStringLiteral("%1 does not exist: create it or take it out of the list")
                              .arg(quoted(host)));
            return std::nullopt;
        }
        return host;
    }

    QStringList deniedPaths(const Json &list, const QString &path)
    {
        if (!list.is_array()) {
            problem(path, QStringLiteral("expected a list of paths inside the workspace such as "
                                         "[\"secrets/\"], got %1")
                              .arg(shown(list)));
            return {};
        }

        QStringList paths;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const QString itemPath = elementPath(path, qsizetype(i));
            if (auto denied = deniedPath(list.at(i), itemPath); denied && !paths.contains(*denied))
                paths << *denied;
        }
        return paths;
    }

    std::optional<QString> deniedPath(const Json &value, const QString &path)
    {
        const QString text =
            value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString();
        const QString reason = deniedPathProblem(text);
        if (!reason.isEmpty()) {
            problem(path, reason.arg(shown(value)));
            return std::nullopt;
        }
        return QDir::cleanPath(text);
    }

    // Why a deny entry is refused ("%1" stands for the value), or nothing when it is fine.
    static QString deniedPathProblem(const QString &text)
    {
        static const QRegularExpression glob(QStringLiteral("[*?\\[\\]{}]"));
        const QStringList parts = text.split(u'/', Qt::SkipEmptyParts);

        if (text.isEmpty() || hasControlCharacter(text) || QDir::cleanPath(text) == u'.')
            return QStringLiteral("expected a path inside the workspace such as \"secrets/\", "
                                  "got %1");
        if (QDir::isAbsolutePath(text))
            return QStringLiteral("expected a path relative to the workspace such as "
                                  "\"secrets/\", got %1");
        if (parts.contains(QStringLiteral("..")))
            return QStringLiteral("expected a path inside the workspace, without \"..\", got %1");
        if (text.startsWith(u'~'))
            return QStringLiteral("expected a path relative to the workspace (\"~\" is not "
                                  "expanded here), got %1");
        if (text.contains(glob))
            return QStringLiteral("expected a plain path, got %1; patterns are not supported, "
                                  "so name each path");
        return {};
    }

    void network(const Json &value)
    {
        const QString path = QStringLiteral("network");
        if (!isObject(value, path, kNetworkKeys))
            return;
        onlyKnownKeys(value, path, kNetworkKeys);
        if (value.contains("allow"))
            m_file.allowedHosts = hosts(value.at("allow"), childPath(path, "allow"));
    }

    QStringList hosts(const Json &list, const QString &path)
    {
        if (!list.is_array()) {
            problem(path, QStringLiteral("expected a list of hosts such as [\"pypi.org\", "
                                         "\"*.npmjs.org\"], got %1")
                              .arg(shown(list)));
            return {};
        }

        QStringList patterns;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const QString itemPath = elementPath(path, qsizetype(i));
            // Kept as written, duplicates too, so that an index still names its line.
            if (auto pattern = host(list.at(i), itemPath))
                patterns << *pattern;
        }
        return patterns;
    }

    std::optional<QString> host(const Json &value, const QString &path)
    {
        if (!value.is_string()) {
            problem(path, QStringLiteral("expected a host such as \"pypi.org\" or "
                                         "\"*.npmjs.org\", got %1")
                              .arg(shown(value)));
            return std::nullopt;
        }

        // One pattern at a time, so that a bad one is reported at its own line.
        const QString pattern = QString::fromStdString(value.get<std::string>());
        const auto parsed = HostAllowlist::parse({pattern});
        if (!parsed) {
            problem(path, parsed.error().message);
            return std::nullopt;
        }
        return pattern;
    }

    void limits(const Json &value)
    {
        const QString path = QStringLiteral("limits");
        if (!isObject(value, path, kLimitKeys))
            return;
        onlyKnownKeys(value, path, kLimitKeys);

        PolicyFile::Limits &limits = m_file.limits;
        if (value.contains("wallTime"))
            limits.wallTime = duration(value.at("wallTime"), childPath(path, "wallTime"));
        if (value.contains("cpuTime"))
            limits.cpuTime = wholeSeconds(value.at("cpuTime"), childPath(path, "cpuTime"));
        if (value.contains("memory"))
            limits.memoryBytes = size(value.at("memory"), childPath(path, "memory"));
        if (value.contains("processes"))
            limits.processes = count(value.at("processes"), childPath(path, "processes"));
        if (value.contains("output"))
            limits.outputBytes = size(value.at("output"), childPath(path, "output"));
        if (value.contains("disk"))
            limits.diskBytes = size(value.at("disk"), childPath(path, "disk"));
    }

    // A limit of zero would read as "no limit" further on: the files cannot ask for that.
    std::optional<qint64> positive(std::optional<qint64> number, const Json &value,
                                   const QString &path, const QString &expected)
    {
        if (!number) {
            problem(path, expected.arg(shown(value)));
            return std::nullopt;
        }
        if (*number == 0) {
            problem(path, QStringLiteral("expected more than zero, got %1").arg(shown(value)));
            return std::nullopt;
        }
        return number;
    }

    static std::optional<qint64> wholeNumber(const Json &value, qint64 scale)
    {
        if (!value.is_number_unsigned())
            return std::nullopt;
        const auto number = value.get<std::uint64_t>();
        if (number > std::uint64_t(std::numeric_limits<qint64>::max() / scale))
            return std::nullopt;
        return qint64(number) * scale;
    }

    std::optional<qint64> size(const Json &value, const QString &path)
    {
        std::optional<qint64> bytes = wholeNumber(value, 1);
        if (value.is_string())
            bytes = LimitUnits::parseSize(QString::fromStdString(value.get<std::string>()));
        return positive(bytes, value, path,
                        QStringLiteral("expected a size such as \"512M\" (bytes, or K, M or G), "
                                       "got %1"));
    }

    std::optional<std::chrono::milliseconds> duration(const Json &value, const QString &path)
    {
        // A plain number counts seconds.
        std::optional<qint64> ms = wholeNumber(value, 1000);
        if (value.is_string()) {
            const QString text = QString::fromStdString(value.get<std::string>());
            if (auto parsed = LimitUnits::parseDuration(text))
                ms = parsed->count();
        }
        ms = positive(ms, value, path,
                      QStringLiteral("expected a duration such as \"120s\" (ms, s, m or h; a "
                                     "plain number counts seconds), got %1"));
        if (!ms)
            return std::nullopt;
        return std::chrono::milliseconds(*ms);
    }

    std::optional<std::chrono::seconds> wholeSeconds(const Json &value, const QString &path)
    {
        const auto ms = duration(value, path);
        if (!ms)
            return std::nullopt;
        if (ms->count() % 1000 != 0) {
            problem(path, QStringLiteral("expected whole seconds such as \"90s\" or \"10m\", "
                                         "got %1")
                              .arg(shown(value)));
            return std::nullopt;
        }
        return std::chrono::duration_cast<std::chrono::seconds>(*ms);
    }

    std::optional<int> count(const Json &value, const QString &path)
    {
        std::optional<qint64> number = wholeNumber(value, 1);
        if (number && *number > std::numeric_limits<int>::max())
            number.reset();
        number = positive(number, value, path,
                          QStringLiteral("expected a number of processes such as 512, got %1"));
        if (!number)
            return std::nullopt;
        return int(*number);
    }

    PolicyFile &m_file;
    QList<Problem> m_problems;
};

base::Result<Json> parseJson(const QByteArray &text, const QString &path)
{
    static const QRegularExpression libraryPrefix(
        QStringLiteral("^\\[json\\.exception\\.[a-z_]+\\.[0-9]+\\] parse error"
                       "(?: at line [0-9]+, column [0-9]+)?: "));
    try {
        return Json::parse(text.constData(), text.constData() + text.size());
    } catch (const Json::parse_error &error) {
        // The library counts a byte past the character it stopped at; report that character,
        // so an error at the end of a line is not put at the start of the next one.
        const auto [line, column] = JsonKeyLines::lineAndColumn(text, qsizetype(error.byte) - 1);
        const QString detail = QString::fromUtf8(error.what()).remove(libraryPrefix);
        return base::fail("sandbox_policy_syntax",
                          QStringLiteral("%1:%2:%3: not valid JSON: %4")
                              .arg(path, QString::number(line), QString::number(column), detail));
    }
}

base::Status readable(const QFileInfo &info, PolicyFile::Origin origin)
{
    const QString path = info.filePath();
    const auto failure = [&](const QString &why) {
        return base::fail("sandbox_policy_unreadable", path + QStringLiteral(": ") + why);
    };

    // A repository could link its file to anything on the host (a device, a FIFO that blocks
    // the read, a file of the user's that error messages would then quote).
    const QFileInfo folder(info.path());
    if (origin == PolicyFile::Origin::Repository && (info.isSymLink() || folder.isSymLink()))
        return failure(QStringLiteral("a repository's sandbox file must be a plain file in its "
                                      ".tandem folder, not a symbolic link; replace the link"));
    if (!info.exists())
        return failure(QStringLiteral("a symbolic link to %1, which does not exist; fix or "
                                      "remove the link")
                           .arg(info.symLinkTarget()));
    if (!info.isFile())
        return failure(QStringLiteral("not a regular file; replace it with a JSON file"));
    return {};
}

base::Result<QByteArray> contents(const QString &path)
{
    QFile file(path);
    QByteArray text;
    if (file.open(QIODevice::ReadOnly))
        text = file.read(PolicyFileReader::kMaxFileBytes + 1);
    if (!file.isOpen() || file.error() != QFileDevice::NoError) {
        return base::fail(
            "sandbox_policy_unreadable",
            QStringLiteral("%1: cannot be read (%2); fix its permissions or remove it")
                .arg(path, file.errorString()));
    }
    if (text.size() > PolicyFileReader::kMaxFileBytes) {
        return base::fail("sandbox_policy_unreadable",
                          QStringLiteral("%1: larger than %2 bytes, far more than a policy needs; "
                                         "check that it is the right file")
                              .arg(path, QString::number(PolicyFileReader::kMaxFileBytes)));
    }
    return text;
}

} // namespace

QString PolicyFileReader::userFilePath()
{
    // The XDG rules ignore a relative XDG_CONFIG_HOME; Qt 6.4 would use it as it stands,
    // relative to whatever the current directory happens to be.
    QString config = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    if (!QDir::isAbsolutePath(config))
        config = QDir::homePath() + QStringLiteral("/.config");
    return config + QStringLiteral("/tandem/sandbox.json");
}

QString PolicyFileReader::repositoryFilePath(const QString &repository)
{
    return QDir(repository).filePath(QStringLiteral(".tandem/sandbox.json"));
}

base::Result<PolicyFile> PolicyFileReader::read(const QString &path, PolicyFile::Origin origin)
{
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink()) {
        qCDebug(lcSandbox, "no sandbox policy file at %s", qPrintable(path));
        PolicyFile missing;
        missing.path = path;
        missing.origin = origin;
        return missing;
    }
    if (auto status = readable(info, origin); !status)
        return std::unexpected(status.error());

    const auto text = contents(path);
    if (!text)
        return std::unexpected(text.error());
    return parse(*text, path, origin);
}

base::Result<PolicyFile> PolicyFileReader::parse(const QByteArray &text, const QString &path,
                                                 PolicyFile::Origin origin)
{
    const auto root = parseJson(text, path);
    if (!root)
        return std::unexpected(root.error());

    auto keyLines = JsonKeyLines::scan(text);
    if (!keyLines) {
        const JsonKeyLines::Problem &problem = keyLines.error();
        const QString key =
            problem.path.isEmpty() ? QString() : problem.path + QStringLiteral(": ");
        return base::fail("sandbox_policy_invalid",
                          QStringLiteral("%1:%2: %3%4")
                              .arg(path, QString::number(problem.line), key, problem.message));
    }

    PolicyFile file;
    file.path = path;
    file.origin = origin;
    file.present = true;
    file.keyLines = std::move(*keyLines);
    if (auto status = Checker(file).run(*root); !status)
        return std::unexpected(status.error());

    qCInfo(lcSandbox, "read sandbox policy file %s", qPrintable(path));
    return file;
}

} // namespace tandem::sandbox
