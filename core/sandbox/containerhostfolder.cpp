#include "sandbox/containerhostfolder.h"

#include "sandbox/seccompfilter.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace tandem::sandbox {

namespace {

constexpr char kFilterName[] = "seccomp.bpf";
constexpr char kLeaseName[] = "lease";
constexpr char kEmptyName[] = "empty";
constexpr char kEmptyFolderName[] = "empty-folder";

base::Error folderError(const QString &what, int code)
{
    return {"sandbox_host_folder",
            QStringLiteral("Cannot prepare the container's host folder: %1 (%2).")
                .arg(what, QString::fromUtf8(std::strerror(code)))};
}

bool hungUp(int fd)
{
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 0) <= 0)
        return false;
    char byte;
    return (entry.revents & (POLLHUP | POLLERR))
           || ((entry.revents & POLLIN) && ::recv(fd, &byte, 1, MSG_DONTWAIT) == 0);
}

} // namespace

base::Result<std::unique_ptr<ContainerHostFolder>> ContainerHostFolder::create()
{
    std::unique_ptr<ContainerHostFolder> folder(new ContainerHostFolder);
    if (!folder->m_dir.isValid())
        return std::unexpected(folderError(QStringLiteral("no temporary folder"), errno));
    // The container's user may be anyone: it reads the filter and connects to the socket.
    ::chmod(QFile::encodeName(folder->path()).constData(), 0755);

    QFile empty(QDir(folder->path()).filePath(QString::fromLatin1(kEmptyName)));
    if (!empty.open(QIODevice::WriteOnly))
        return std::unexpected(folderError(empty.errorString(), EIO));
    empty.close();
    empty.setPermissions(QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);

    const QString emptyFolder = folder->emptyFolder();
    if (!QDir().mkdir(emptyFolder))
        return std::unexpected(
            folderError(QStringLiteral("cannot make %1").arg(emptyFolder), errno));
    ::chmod(QFile::encodeName(emptyFolder).constData(), 0555);

    if (auto written = folder->writeFilter(); !written)
        return std::unexpected(written.error());
    if (auto listening = folder->listen(); !listening)
        return std::unexpected(listening.error());
    return folder;
}

ContainerHostFolder::~ContainerHostFolder()
{
    for (int fd : m_held)
        ::close(fd);
    if (m_listener >= 0)
        ::close(m_listener);
}

QString ContainerHostFolder::emptyFile() const
{
    return QDir(path()).filePath(QString::fromLatin1(kEmptyName));
}

QString ContainerHostFolder::emptyFolder() const
{
    return QDir(path()).filePath(QString::fromLatin1(kEmptyFolderName));
}

QString ContainerHostFolder::seccompInside()
{
    return QString::fromLatin1(kInside) + QLatin1Char('/') + QString::fromLatin1(kFilterName);
}

QString ContainerHostFolder::leaseInside()
{
    return QString::fromLatin1(kInside) + QLatin1Char('/') + QString::fromLatin1(kLeaseName);
}

base::Status ContainerHostFolder::writeFilter()
{
    auto filter = SeccompFilter::program();
    if (!filter)
        return std::unexpected(filter.error());
    const QByteArray program(filter->data(), qsizetype(filter->size()));

    QFile file(QDir(path()).filePath(QString::fromLatin1(kFilterName)));
    if (program.isEmpty() || !file.open(QIODevice::WriteOnly)
        || file.write(program) != program.size())
        return std::unexpected(folderError(QStringLiteral("cannot write the filter"), EIO));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    return {};
}

base::Status ContainerHostFolder::listen()
{
    const QByteArray socketPath =
        QFile::encodeName(QDir(path()).filePath(QString::fromLatin1(kLeaseName)));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socketPath.size() >= qsizetype(sizeof(address.sun_path)))
        return std::unexpected(
            folderError(QStringLiteral("the lease socket's path is too long"), ENAMETOOLONG));
    std::memcpy(address.sun_path, socketPath.constData(), socketPath.size() + 1);

    m_listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (m_listener < 0
        || ::bind(m_listener, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0
        || ::listen(m_listener, 64) != 0)
        return std::unexpected(
            folderError(QStringLiteral("cannot listen on the lease socket"), errno));
    ::chmod(socketPath.constData(), 0777);
    return {};
}

void ContainerHostFolder::collectLeases()
{
    std::erase_if(m_held, [](int fd) {
        if (!hungUp(fd))
            return false;
        ::close(fd);
        return true;
    });
    int fd;
    while ((fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0)
        m_held.push_back(fd);
}

} // namespace tandem::sandbox
