#pragma once

#include <QByteArray>
#include <QString>

namespace tandem::vcs {

// One file the review branch changes. `path` keeps the bytes git stores, so that two names
// that differ only in Unicode normalisation, or a name that is not UTF-8, stay distinct and
// can be found again; `displayPath` is for people.
struct ChangedFile
{
    enum class Status { Added, Modified, Deleted, Renamed, TypeChanged };

    QByteArray path; // the new path, or the old one for a deleted file
    QString displayPath; // UTF-8 names as they are; any other name in git's quoted form
    Status status = Status::Modified;
    int additions = 0;
    int deletions = 0;
    bool binary = false;
    QString patch; // this file's part of the unified diff, headers included

    // The line in the new file that a line of `patch` stands for (0-based index into the
    // patch's lines), or the nearest one before it; 1 when the patch has no hunk there.
    int newFileLine(int patchLine) const;
};

} // namespace tandem::vcs
