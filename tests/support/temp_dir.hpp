#pragma once
// A fresh directory under the temporary directory, removed with its contents at the end.

#include <filesystem>
#include <string>
#include <string_view>

namespace patron::test {

class TempDir {
public:
    /// `traversable`: group and others may pass through it (not list it), as the embedded server
    /// needs when it runs as `postgres` for a root test; otherwise mkdtemp's private 0700.
    explicit TempDir(std::string_view tag = "patron-test", bool traversable = false);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    /// Writes `text` to `name` in the directory and returns the file's path.
    [[nodiscard]] std::filesystem::path file(const std::string& name,
                                             const std::string& text) const;

private:
    std::filesystem::path path_;
};

}  // namespace patron::test
