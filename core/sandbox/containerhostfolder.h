#pragma once

#include "base/error.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace tandem::sandbox {

// What Tandem shares with a container on a local engine, in a folder bound read-only inside:
// the compiled seccomp filter each command loads, an empty file and folder to mask with, and the
// lease socket whose listener dies with Tandem and so ends the container (see the init's
// Lease). The socket's connections are accepted and held, never written to.
class ContainerHostFolder
{
public:
    static constexpr char kInside[] = "/run/tandem/host";

    static base::Result<std::unique_ptr<ContainerHostFolder>> create();
    ~ContainerHostFolder();

    QString path() const { return m_dir.path(); }
    QString emptyFile() const;
    QString emptyFolder() const;
    static QString seccompInside();
    static QString leaseInside();

    // Takes connections made since the last call and lets go of those that have ended, so the
    // listener's queue never fills with cold containers that came and went.
    void collectLeases();

private:
    ContainerHostFolder() = default;
    base::Status writeFilter();
    base::Status listen();

    QTemporaryDir m_dir;
    int m_listener = -1;
    std::vector<int> m_held;
};

} // namespace tandem::sandbox
