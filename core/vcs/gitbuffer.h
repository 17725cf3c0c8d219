#pragma once

#include <git2/buffer.h>

#include <cstddef>

namespace tandem::vcs::detail {

// A git_buf that libgit2 filled and that frees itself.
class GitBuffer
{
public:
    GitBuffer() = default;
    ~GitBuffer() { git_buf_dispose(&m_buf); }
    GitBuffer(const GitBuffer &) = delete;
    GitBuffer &operator=(const GitBuffer &) = delete;

    git_buf *get() { return &m_buf; }
    const char *data() const { return m_buf.ptr ? m_buf.ptr : ""; }
    size_t size() const { return m_buf.size; }

private:
    git_buf m_buf = GIT_BUF_INIT;
};

} // namespace tandem::vcs::detail
