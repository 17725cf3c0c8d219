#include "vcs/workspacediff.h"

#include "vcs/gitbuffer.h"
#include "vcs/gitlibrary.h"
#include "vcs/vcslogging.h"

#include <QStringDecoder>

#include <optional>

namespace tandem::vcs::detail {

namespace {

constexpr int kStatWidth = 80;

base::Result<TreeHandle> commitTree(git_repository *repository, const QString &commit)
{
    git_oid oid;
    git_commit *rawCommit = nullptr;
    if (git_oid_fromstr(&oid, commit.toLatin1().constData()) < 0
        || git_commit_lookup(&rawCommit, repository, &oid) < 0)
        return base::fail(
            QStringLiteral("diff_failed"),
            QStringLiteral("commit %1 is missing: %2").arg(commit, GitLibrary::lastError()));
    CommitHandle owner(rawCommit);

    git_tree *tree = nullptr;
    if (git_commit_tree(&tree, rawCommit) < 0)
        return base::fail(QStringLiteral("diff_failed"), GitLibrary::lastError());
    return TreeHandle(tree);
}

bool isReadable(const QByteArray &path)
{
    for (const char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f || c == '"' || c == '\\')
            return false;
    }
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    // Only the conversion itself sets hasError().
    const QString decoded = utf8.decode(path);
    return !utf8.hasError();
}

// Reads one C-style quoted path starting at `at` (the opening quote). Returns the raw bytes
// and moves `at` past the closing quote, or returns nothing when the quoting is not closed.
std::optional<QByteArray> unquote(const QByteArray &text, qsizetype &at)
{
    QByteArray path;
    static const QByteArray escapeLetters("abtnvfr");
    static const QByteArray escapedBytes("\a\b\t\n\v\f\r");
    for (qsizetype i = at + 1; i < text.size(); ++i) {
        const char c = text.at(i);
        if (c == '"') {
            at = i + 1;
            return path;
        }
        if (c != '\\' || i + 1 >= text.size()) {
            path += c;
            continue;
        }
        const char next = text.at(++i);
        if (next >= '0' && next <= '7' && i + 2 < text.size()) {
            path += char(text.mid(i, 3).toInt(nullptr, 8));
            i += 2;
        } else if (const qsizetype e = escapeLetters.indexOf(next); e >= 0) {
            path += escapedBytes.at(e);
        } else {
            path += next;
        }
    }
    return std::nullopt;
}

// libgit2 quotes every path with a byte above 0x7f, as git does with core.quotePath on. Names
// in UTF-8 are shown as they are, like `git -c core.quotePath=false diff`; any other name keeps
// its quoted, escaped form so that no byte is lost or misread.
QByteArray readableHeader(const QByteArray &header)
{
    QByteArray out;
    qsizetype at = 0;
    while (at < header.size()) {
        const qsizetype quote = header.indexOf('"', at);
        if (quote < 0) {
            out += header.mid(at);
            break;
        }
        out += header.mid(at, quote - at);
        qsizetype end = quote;
        const auto path = unquote(header, end);
        if (!path) {
            out += header.mid(quote);
            break;
        }
        out += isReadable(*path) ? *path : header.mid(quote, end - quote);
        at = end;
    }
    return out;
}

// The form git prints a name in when it is not readable as it is: quoted, with every byte
// outside printable ASCII as an octal escape, so that the bytes can be read back exactly.
QString quotedPath(const QByteArray &path)
{
    QString quoted(QLatin1Char('"'));
    for (const char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\')
            quoted += QStringLiteral("\\") + QLatin1Char(c);
        else if (byte < 0x20 || byte >= 0x7f)
            quoted += QStringLiteral("\\%1").arg(uint(byte), 3, 8, QLatin1Char('0'));
        else
            quoted += QLatin1Char(c);
    }
    return quoted + QLatin1Char('"');
}

ChangedFile::Status statusOf(git_delta_t status)
{
    switch (status) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_UNTRACKED:
        return ChangedFile::Status::Added;
    case GIT_DELTA_DELETED:
        return ChangedFile::Status::Deleted;
    case GIT_DELTA_RENAMED:
        return ChangedFile::Status::Renamed;
    case GIT_DELTA_TYPECHANGE:
        return ChangedFile::Status::TypeChanged;
    default:
        return ChangedFile::Status::Modified;
    }
}

int appendLine(const git_diff_delta *, const git_diff_hunk *, const git_diff_line *line,
               void *payload)
{
    auto *patch = static_cast<QByteArray *>(payload);
    const QByteArray content(line->content, qsizetype(line->content_len));
    switch (line->origin) {
    case GIT_DIFF_LINE_CONTEXT:
    case GIT_DIFF_LINE_ADDITION:
    case GIT_DIFF_LINE_DELETION:
        *patch += line->origin;
        *patch += content;
        break;
    case GIT_DIFF_LINE_FILE_HDR:
    case GIT_DIFF_LINE_BINARY:
        *patch += readableHeader(content);
        break;
    default:
        *patch += content;
    }
    return 0;
}

} // namespace

WorkspaceDiff::WorkspaceDiff(DiffHandle diff)
    : m_diff(std::move(diff))
{}

base::Result<WorkspaceDiff> WorkspaceDiff::fromCommit(git_repository *repository,
                                                      const QString &commit)
{
    auto tree = commitTree(repository, commit);
    if (!tree)
        return std::unexpected(tree.error());

    git_diff_options options;
    git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
    options.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS
                    | GIT_DIFF_SHOW_UNTRACKED_CONTENT | GIT_DIFF_INCLUDE_TYPECHANGE;

    // Going through the index lets libgit2 trust its stat cache, as `git diff <commit>` does,
    // instead of re-filtering every file.
    git_diff *diff = nullptr;
    if (git_diff_tree_to_workdir_with_index(&diff, repository, tree->get(), &options) < 0)
        return base::fail(QStringLiteral("diff_failed"),
                          QStringLiteral("cannot compare the workspace with %1: %2")
                              .arg(commit, GitLibrary::lastError()));
    return WorkspaceDiff(DiffHandle(diff));
}

bool WorkspaceDiff::isEmpty() const
{
    return git_diff_num_deltas(m_diff.get()) == 0;
}

QString WorkspaceDiff::patch() const
{
    QByteArray patch;
    if (git_diff_print(m_diff.get(), GIT_DIFF_FORMAT_PATCH, &appendLine, &patch) < 0) {
        qCWarning(lcVcs) << "cannot print the diff:" << GitLibrary::lastError();
        return {};
    }
    return QString::fromUtf8(patch);
}

std::vector<ChangedFile> WorkspaceDiff::files() const
{
    std::vector<ChangedFile> files;
    const size_t count = git_diff_num_deltas(m_diff.get());
    for (size_t i = 0; i < count; ++i) {
        const git_diff_delta *delta = git_diff_get_delta(m_diff.get(), i);
        ChangedFile file;
        const bool deleted = delta->status == GIT_DELTA_DELETED;
        file.path = QByteArray(deleted ? delta->old_file.path : delta->new_file.path);
        file.displayPath =
            isReadable(file.path) ? QString::fromUtf8(file.path) : quotedPath(file.path);
        file.status = statusOf(delta->status);

        git_patch *raw = nullptr;
        if (git_patch_from_diff(&raw, m_diff.get(), i) < 0) {
            qCWarning(lcVcs) << "cannot read the diff of" << file.displayPath << ":"
                             << GitLibrary::lastError();
            files.push_back(std::move(file));
            continue;
        }
        PatchHandle patch(raw);
        file.binary = (delta->flags & GIT_DIFF_FLAG_BINARY) != 0;
        size_t additions = 0;
        size_t deletions = 0;
        git_patch_line_stats(nullptr, &additions, &deletions, raw);
        file.additions = int(additions);
        file.deletions = int(deletions);
        QByteArray text;
        git_patch_print(raw, &appendLine, &text);
        file.patch = QString::fromUtf8(text);
        files.push_back(std::move(file));
    }
    return files;
}

QString WorkspaceDiff::stat() const
{
    git_diff_stats *raw = nullptr;
    if (git_diff_get_stats(&raw, m_diff.get()) < 0) {
        qCWarning(lcVcs) << "cannot count the diff:" << GitLibrary::lastError();
        return {};
    }
    DiffStatsHandle stats(raw);

    GitBuffer buffer;
    const auto format =
        git_diff_stats_format_t(GIT_DIFF_STATS_FULL | GIT_DIFF_STATS_INCLUDE_SUMMARY);
    if (git_diff_stats_to_buf(buffer.get(), raw, format, kStatWidth) < 0) {
        qCWarning(lcVcs) << "cannot print the diff's stat:" << GitLibrary::lastError();
        return {};
    }
    return QString::fromUtf8(buffer.data(), qsizetype(buffer.size()));
}

} // namespace tandem::vcs::detail
