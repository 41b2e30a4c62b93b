#include "patron/crypto/key_ring.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "common/enum_names.hpp"
#include "patron/exception.hpp"

namespace patron {
namespace {

constexpr std::array<std::string_view, 3> kPurposes{"hetu_encryption", "hetu_index", "pin_pepper"};
constexpr std::array<std::string_view, 3> kPurposeComments{
    "AES-256-GCM keys for identity codes", "HMAC-SHA-256 keys for lookup by identity code",
    "Argon2 secrets (pepper) for PIN hashes"};

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<SecretBytes> base64_decode(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) return std::nullopt;
    // EVP_DecodeBlock reads '=' anywhere as zero bits: accept it only as the final padding.
    const std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
    const auto is_base64 = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/';
    };
    if (!std::all_of(text.begin(), text.end() - static_cast<std::ptrdiff_t>(padding), is_base64)) {
        return std::nullopt;
    }
    std::vector<std::uint8_t> buffer(text.size() / 4 * 3);
    const int n =
        EVP_DecodeBlock(buffer.data(), reinterpret_cast<const unsigned char*>(text.data()),
                        static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts padding as zero bytes; drop one per '='.
    const std::size_t size = static_cast<std::size_t>(n) - padding;
    SecretBytes secret(std::span<const std::uint8_t>(buffer.data(), size));
    OPENSSL_cleanse(buffer.data(), buffer.size());
    return secret;
}

KeySet parse_key_set(const toml::table& root, std::string_view section, std::string_view source) {
    const toml::table* table = root[section].as_table();
    if (table == nullptr) {
        throw ConfigError(fmt::format("key file {}: missing section [{}]", source, section));
    }
    const auto current = (*table)["current"].value_exact<std::int64_t>();
    if (!current || *current < 1 || *current > 65535) {
        throw ConfigError(
            fmt::format("key file {}: [{}] current must be a key id 1-65535", source, section));
    }
    const toml::table* keys = (*table)["keys"].as_table();
    if (keys == nullptr || keys->empty()) {
        throw ConfigError(fmt::format("key file {}: [{}] has no keys", source, section));
    }
    KeySet set;
    set.current = static_cast<std::uint16_t>(*current);
    for (const auto& [name, value] : *keys) {
        const std::string_view id_text = name.str();
        std::uint32_t id = 0;
        bool digits = !id_text.empty() && id_text.size() <= 5;
        for (char c : id_text) {
            if (c < '0' || c > '9') digits = false;
            id = id * 10 + static_cast<std::uint32_t>(c - '0');
        }
        if (!digits || id < 1 || id > 65535) {
            throw ConfigError(
                fmt::format("key file {}: [{}] key id must be a number 1-65535", source, section));
        }
        const auto* text = value.as_string();
        auto secret = text ? base64_decode(text->get()) : std::nullopt;
        if (!secret || secret->size() != kKeyLength) {
            throw ConfigError(fmt::format("key file {}: [{}] key {} must be {} bytes in base64",
                                          source, section, id, kKeyLength));
        }
        if (!set.keys.try_emplace(static_cast<std::uint16_t>(id), std::move(*secret)).second) {
            throw ConfigError(
                fmt::format("key file {}: [{}] key {} is given twice", source, section, id));
        }
    }
    if (set.find(set.current) == nullptr) {
        throw ConfigError(fmt::format("key file {}: [{}] current key {} is not among the keys",
                                      source, section, set.current));
    }
    return set;
}

std::string read_all(int fd, const std::filesystem::path& file) {
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            throw ConfigError(
                fmt::format("key file {}: cannot read: {}", file.string(), std::strerror(errno)));
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

}  // namespace

const SecretBytes* KeySet::find(std::uint16_t id) const noexcept {
    const auto it = keys.find(id);
    return it == keys.end() ? nullptr : &it->second;
}

KeyRing KeyRing::load(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        throw ConfigError(
            fmt::format("key file {}: cannot open: {}", file.string(), std::strerror(errno)));
    }
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        throw ConfigError(fmt::format("key file {}: not a regular file", file.string()));
    }
    // Keys protect every identity code in the register: only the service user may read them.
    if ((st.st_mode & 077) != 0) {
        throw ConfigError(fmt::format(
            "key file {}: group or others have access (mode {:04o}); run chmod 600 on it",
            file.string(), st.st_mode & 07777));
    }
    std::string text = read_all(fd, file);
    // Wiped also when parse() throws.
    struct Wipe {
        std::string& text;
        ~Wipe() { OPENSSL_cleanse(text.data(), text.size()); }
    } wipe{text};
    return parse(text, file.string());
}

KeyRing KeyRing::parse(std::string_view text, std::string_view source) {
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw ConfigError(fmt::format("key file {}: line {}: {}", source, e.source().begin.line,
                                      e.description()));
    }
    std::array<KeySet, 3> sets;
    for (std::size_t i = 0; i < kPurposes.size(); ++i) {
        // Key files written before PINs existed lack [pin_pepper]: they stay readable, and
        // `patronctl keys rotate pin_pepper` adds the section. Setting a PIN needs it.
        if (static_cast<KeyPurpose>(i) == KeyPurpose::pin_pepper && !root.contains(kPurposes[i])) {
            continue;
        }
        sets[i] = parse_key_set(root, kPurposes[i], source);
    }
    return KeyRing(std::move(sets));
}

std::string KeyRing::to_text() const {
    std::string text =
        "# patron key file. Secret: mode 0600, owned by the service user. Back it up apart from\n"
        "# the database: without it no identity code in the register can be read, and no PIN\n"
        "# verified. Rotate with `patronctl keys rotate <purpose>`: older keys stay for reading.\n";
    for (std::size_t i = 0; i < kPurposes.size(); ++i) {
        if (sets_[i].keys.empty()) continue;
        text += fmt::format("\n[{}]   # {}\ncurrent = {}\nkeys = {{ ", kPurposes[i],
                            kPurposeComments[i], sets_[i].current);
        bool first = true;
        for (const auto& [id, key] : sets_[i].keys) {
            std::string encoded = base64_encode(key.bytes());
            text += fmt::format("{}{} = \"{}\"", first ? "" : ", ", id, encoded);
            OPENSSL_cleanse(encoded.data(), encoded.size());
            first = false;
        }
        text += " }\n";
    }
    return text;
}

std::uint16_t KeyRing::rotate(KeyPurpose purpose) {
    KeySet& keys = sets_[static_cast<std::size_t>(purpose)];
    const std::uint16_t last = keys.keys.empty() ? 0 : keys.keys.rbegin()->first;
    if (last == 65535) {
        throw ConfigError(fmt::format("key ids of [{}] are used up", to_string(purpose)));
    }
    const auto id = static_cast<std::uint16_t>(last + 1);
    keys.keys.emplace(id, SecretBytes::random(kKeyLength));
    keys.current = id;
    return id;
}

namespace {

// Writes `text` to a new file (never an existing one) with mode 0600 and fsyncs it.
void write_new_file(const std::filesystem::path& file, std::string& text) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        OPENSSL_cleanse(text.data(), text.size());
        throw ConfigError(fmt::format(
            "key file {}: cannot create: {}", file.string(),
            errno == EEXIST ? "it exists already (never overwritten)" : std::strerror(errno)));
    }
    const bool ok = ::fchmod(fd, 0600) == 0 &&
                    ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                    ::fsync(fd) == 0;
    const int saved_errno = errno;
    OPENSSL_cleanse(text.data(), text.size());
    ::close(fd);
    if (!ok) {
        std::error_code ec;
        std::filesystem::remove(file, ec);
        throw ConfigError(fmt::format("key file {}: cannot write: {}", file.string(),
                                      std::strerror(saved_errno)));
    }
}

}  // namespace

void KeyRing::create_file(const std::filesystem::path& file) {
    // Every directory created here is private (0700), not only the innermost one.
    std::vector<std::filesystem::path> missing;
    for (auto dir = file.parent_path(); !dir.empty() && !std::filesystem::exists(dir);
         dir = dir.parent_path()) {
        missing.push_back(dir);
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
            throw ConfigError(fmt::format("key file {}: cannot create its directory: {}",
                                          file.string(), std::strerror(errno)));
        }
        ::chmod(it->c_str(), 0700);
    }
    std::array<KeySet, 3> sets;
    for (auto& set : sets) {
        set.current = 1;
        set.keys.emplace(1, SecretBytes::random(kKeyLength));
    }
    std::string text = KeyRing(std::move(sets)).to_text();
    write_new_file(file, text);
}

void KeyRing::rewrite_file(const std::filesystem::path& file) const {
    const std::filesystem::path temporary = file.string() + ".new";
    std::error_code ec;
    std::filesystem::remove(temporary, ec);  // a leftover of an interrupted rewrite
    std::string text = to_text();
    write_new_file(temporary, text);
    if (::rename(temporary.c_str(), file.c_str()) != 0) {
        const int saved_errno = errno;
        std::filesystem::remove(temporary, ec);
        throw ConfigError(fmt::format("key file {}: cannot replace: {}", file.string(),
                                      std::strerror(saved_errno)));
    }
    // The rename is durable only once the directory is: PINs hashed under a new pepper must never
    // outlive the key file that holds it.
    const std::filesystem::path directory =
        file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool synced = dir >= 0 && ::fsync(dir) == 0;
    if (dir >= 0) ::close(dir);
    if (!synced) {
        throw ConfigError(fmt::format("key file {}: cannot sync its directory: {}", file.string(),
                                      std::strerror(errno)));
    }
}

std::string_view to_string(KeyPurpose purpose) noexcept {
    return detail::name_of(kPurposes, purpose);
}

std::optional<KeyPurpose> parse_key_purpose(std::string_view text) noexcept {
    return detail::parse_name<KeyPurpose>(kPurposes, text);
}

}  // namespace patron
