#pragma once
// patronctl's commands. Each returns the process exit status (see Exit); environmental failures
// are thrown as patron::Exception and reported by main.

#include <optional>
#include <string>
#include <vector>

#include "patron/register/patron_form.hpp"
#include "patronctl/session.hpp"

namespace patron::cli {

int db_migrate(Session& session);
int db_status(Session& session);

int keys_init(Session& session);
/// Adds a fresh key for `purpose` ("hetu_encryption", "hetu_index", "pin_pepper") and makes it
/// current, keeping the older ones; rewrites the key file atomically.
int keys_rotate(Session& session, const std::string& purpose);
/// Reads identity codes one per line from stdin; prints "valid YYYY-MM-DD" or "invalid <reason>"
/// for each. Exit kOk when all were valid, kRefused otherwise.
int hetu_validate(Session& session);
/// Seals pending entries, then verifies the chain (and the anchor "<entry>:<sha256 hex>", when
/// given). Exit kRefused when it is broken.
int audit_verify(Session& session, const std::optional<std::string>& anchor);

/// Which record `patron show` reads.
struct PatronSelector {
    std::optional<std::int64_t> id;
    std::optional<std::string> card;
    bool hetu_from_stdin = false;
};

/// Registers `form`; the identity code of a person is read from stdin.
int patron_add(Session& session, PatronForm form);
int patron_show(Session& session, const PatronSelector& selector);
int patron_update(Session& session, std::int64_t id, const ContactForm& change);
int patron_list(Session& session, std::int64_t after, std::size_t limit);

/// Which patron a PIN command is about: by id or card number.
struct PatronRef {
    std::optional<std::int64_t> id;
    std::optional<std::string> card;
};

/// The patron `ref` names: the id as given, or the holder of the card (an audited read).
[[nodiscard]] Result<PatronId> resolve_patron(Session& session, const PatronRef& ref);

/// Sets a patron's PIN, read from stdin (not echoed on a terminal).
int pin_set(Session& session, const PatronRef& patron);
/// Verifies card + PIN (from stdin) as a kiosk would; exit kOk only when verified.
int pin_verify(Session& session, const std::string& card, bool disclose_name);

/// The patron's circulation counts and totals, and whether they may borrow now.
int circulation_summary(Session& session, const PatronRef& patron);

/// Adds an API client acting in `role` and prints its token, once.
int clients_add(Session& session, const std::string& name, const std::string& role);
/// Lists the API clients, revoked ones included; never a token.
int clients_list(Session& session);
/// Revokes a client's token for good.
int clients_revoke(Session& session, const std::string& name);

/// What the retention policy in `policy_file` would purge now; changes nothing.
int retention_plan(Session& session, const std::string& policy_file);
/// Purges what is due in short batches, with a progress bar on a terminal. SIGINT/SIGTERM stop
/// it between batches: exit kInterrupted, and the next run continues.
int retention_run(Session& session, const std::string& policy_file);

/// The main job: embedded database, migrations, key file, the demo register, printed.
int demo(Session& session);

}  // namespace patron::cli
