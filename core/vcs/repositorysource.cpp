#include "vcs/repositorysource.h"

#include <QRegularExpression>

namespace tandem::vcs::detail {

namespace {

const QRegularExpression &schemeUrl()
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*://"));
    return pattern;
}

const QRegularExpression &scpUrl()
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._~-]+@[^/:]+:"));
    return pattern;
}

} // namespace

RepositorySource::RepositorySource(QString text, bool isUrl)
    : m_text(std::move(text))
    , m_isUrl(isUrl)
{}

RepositorySource RepositorySource::parse(const QString &text)
{
    const QString trimmed = text.trimmed();
    const bool isUrl = schemeUrl().match(trimmed).hasMatch() || scpUrl().match(trimmed).hasMatch();
    return RepositorySource(trimmed, isUrl);
}

QString RepositorySource::displayText() const
{
    return m_isUrl ? withoutCredentials(m_text) : m_text;
}

QString RepositorySource::repositoryName() const
{
    QString path = m_text;
    const auto scheme = schemeUrl().match(path);
    if (scheme.hasMatch())
        path = path.mid(scheme.capturedLength());
    else if (m_isUrl)
        path = path.mid(path.indexOf(QLatin1Char(':')) + 1);

    path = path.section(QLatin1Char('?'), 0, 0);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    QString name = path.section(QLatin1Char('/'), -1);
    if (name.endsWith(QLatin1String(".git")))
        name.chop(4);
    return fileNameSafe(name);
}

QString RepositorySource::withoutCredentials(const QString &url)
{
    // Everything between "scheme://" and the last '@' before the host's first '/' is user
    // info, whether or not the password in it was percent-encoded. Any URL inside a longer
    // text, such as a libgit2 message, is cleaned the same way.
    static const QRegularExpression userInfo(
        QStringLiteral("([A-Za-z][A-Za-z0-9+.-]*://)[^/\\s]*@"));
    QString clean = url;
    clean.replace(userInfo, QStringLiteral("\\1"));
    return clean;
}

QString RepositorySource::fileNameSafe(const QString &name)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    QString safe = name;
    safe.replace(unsafe, QStringLiteral("-"));
    while (safe.startsWith(QLatin1Char('.')) || safe.startsWith(QLatin1Char('-')))
        safe.remove(0, 1);
    return safe.isEmpty() ? QStringLiteral("repo") : safe;
}

} // namespace tandem::vcs::detail
