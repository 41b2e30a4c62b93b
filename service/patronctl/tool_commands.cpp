#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "patron/audit/audit_log.hpp"
#include "patron/domain/date.hpp"
#include "patron/domain/hetu.hpp"
#include "patronctl/commands.hpp"
#include "patronctl/render.hpp"

namespace patron::cli {
namespace {

// "<seal_no>:<64 hex digits>", the form verify prints for the chain head.
std::optional<AuditAnchor> parse_anchor(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || text.size() - colon - 1 != 64) {
        return std::nullopt;
    }
    AuditAnchor anchor;
    for (char c : text.substr(0, colon)) {
        if (c < '0' || c > '9' || anchor.seal_no > 1'000'000'000'000'000) return std::nullopt;
        anchor.seal_no = anchor.seal_no * 10 + (c - '0');
    }
    const auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = colon + 1; i < text.size(); i += 2) {
        const int high = nibble(text[i]);
        const int low = nibble(text[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        anchor.hash.push_back(static_cast<char>(high * 16 + low));
    }
    return anchor;
}

}  // namespace

int keys_init(Session& session) {
    const auto& file = session.config().key_file;
    KeyRing::create_file(file);
    std::cout << fmt::format(
        "created key file {} (mode 0600). Back it up apart from the database: without it no "
        "identity code in the register can be read.\n",
        file.string());
    return kOk;
}

int keys_rotate(Session& session, const std::string& purpose_name) {
    const auto purpose = parse_key_purpose(purpose_name);
    if (!purpose) {
        return refused(
            invalid("purpose", "must be hetu_encryption, hetu_index or pin_pepper").value());
    }
    const auto& file = session.config().key_file;
    KeyRing ring = KeyRing::load(file);
    const std::uint16_t id = ring.rotate(*purpose);
    ring.rewrite_file(file);
    std::cout << fmt::format("{}: key {} is now current; older keys are kept for reading\n",
                             purpose_name, id);
    return kOk;
}

int hetu_validate(Session& session) {
    const Date today = session.clock().today();
    bool all_valid = true;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto code = PersonalIdentityCode::parse(line, today);
        if (code) {
            std::cout << "valid " << to_iso(code->birth_date()) << "\n";
        } else {
            all_valid = false;
            std::cout << "invalid " << code.error().message << "\n";
        }
    }
    return all_valid ? kOk : kRefused;
}

int audit_verify(Session& session, const std::optional<std::string>& anchor_text) {
    std::optional<AuditAnchor> anchor;
    if (anchor_text) {
        anchor = parse_anchor(*anchor_text);
        if (!anchor) {
            return refused(
                invalid("anchor", "must be <entry>:<sha256 hex> as printed by verify").value());
        }
    }
    AuditLog log(session.database());
    const std::int64_t sealed = log.seal();
    const AuditVerification v = log.verify(anchor);
    if (session.options().json) {
        std::cout << nlohmann::json{{"intact", v.intact},
                                    {"sealed_now", sealed},
                                    {"checked", v.sealed_checked},
                                    {"unsealed", v.unsealed},
                                    {"head_seal_no", v.head_seal_no},
                                    {"head_sha256", hex(v.head_hash)},
                                    {"start_seal_no", v.start_seal_no},
                                    {"broken_at", v.broken_at ? nlohmann::json(*v.broken_at)
                                                              : nlohmann::json(nullptr)},
                                    {"problem", v.problem}}
                  << "\n";
    } else if (v.intact) {
        std::cout << fmt::format(
            "audit log intact: {} entries checked ({} sealed now, {} awaiting sealing)\n"
            "chain head (keep it to anchor a later check with --anchor): {}:{}\n",
            v.sealed_checked, sealed, v.unsealed, v.head_seal_no, hex(v.head_hash));
        if (v.start_seal_no > 0) {
            std::cout << fmt::format(
                "entries 1-{} were purged under the retention policy; the chain starts after "
                "them\n",
                v.start_seal_no);
        }
    } else {
        std::cout << fmt::format("audit log TAMPERED at entry {}: {}\n", *v.broken_at, v.problem);
    }
    return v.intact ? kOk : kRefused;
}

}  // namespace patron::cli
