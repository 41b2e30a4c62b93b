// patronctl: the command-line tool of the patron register.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "patron/exception.hpp"
#include "patronctl/commands.hpp"

namespace {

using namespace patron;
using namespace patron::cli;

// Contact options shared by `patron add` and `patron update`.
struct ContactOptions {
    std::optional<std::string> street, postal_code, post_office, country, email;
    std::optional<std::vector<std::string>> phones;
    std::optional<std::string> due_date_reminder, overdue_notice, hold_ready;
};

void add_contact_options(CLI::App* app, ContactOptions& o) {
    app->add_option("--street", o.street, "street address");
    app->add_option("--postal-code", o.postal_code, "postal code");
    app->add_option("--post-office", o.post_office, "post office");
    app->add_option("--country", o.country, "country, ISO 3166 alpha-2 (default FI)");
    app->add_option("--email", o.email, "email address (empty to remove)");
    app->add_option("--phone", o.phones, "phone number; repeat for several (replaces the list)");
    app->add_option("--due-date-reminder", o.due_date_reminder, "email, sms, letter or none");
    app->add_option("--overdue-notice", o.overdue_notice, "email, sms, letter or none");
    app->add_option("--hold-ready", o.hold_ready, "email, sms, letter or none");
}

int run(int argc, char** argv) {
    CLI::App app{"patronctl: the customer register of a public library"};
    app.require_subcommand(1);
    // Global options (--json, --role, ...) may also follow the command, as the README shows.
    app.fallthrough();
    GlobalOptions global;
    app.add_option("--config", global.config_file, "TOML configuration file")
        ->check(CLI::ExistingFile);
    app.add_option("--data-dir", global.data_dir,
                   "data directory: embedded database and key file (env PATRON_DATA_DIR)");
    app.add_option("--database-url", global.database_url,
                   "PostgreSQL URL instead of the embedded database (env DATABASE_URL)");
    app.add_option("--actor", global.actor, "who is acting (default: the OS user)");
    app.add_option("--role", global.role, "role to act in (default admin)");
    app.add_option("--purpose", global.purpose, "purpose recorded in the audit log");
    app.add_flag("--json", global.json, "JSON output");

    std::function<int(Session&)> command;
    std::string name;
    const auto on = [&](CLI::App* sub, std::string command_name, std::function<int(Session&)> f) {
        sub->callback([&, command_name, f] {
            name = command_name;
            command = f;
        });
    };

    auto* demo_cmd = app.add_subcommand(
        "demo", "start the embedded database, apply migrations, load and print the demo register");
    on(demo_cmd, "demo", [](Session& s) { return demo(s); });

    auto* db = app.add_subcommand("db", "schema migrations");
    db->require_subcommand(1);
    on(db->add_subcommand("migrate", "apply pending migrations"), "db migrate",
       [](Session& s) { return db_migrate(s); });
    on(db->add_subcommand("status", "show applied and pending migrations"), "db status",
       [](Session& s) { return db_status(s); });

    auto* keys = app.add_subcommand("keys", "the key file");
    keys->require_subcommand(1);
    on(keys->add_subcommand("init", "create a new key file (never overwrites)"), "keys init",
       [](Session& s) { return keys_init(s); });

    std::string rotate_purpose;
    auto* rotate = keys->add_subcommand(
        "rotate", "add a new current key for a purpose, keeping the older ones for reading");
    rotate->add_option("purpose", rotate_purpose, "hetu_encryption, hetu_index or pin_pepper")
        ->required();
    on(rotate, "keys rotate", [&](Session& s) { return keys_rotate(s, rotate_purpose); });

    auto* pin_cmd = app.add_subcommand("pin", "PINs for self-service");
    pin_cmd->require_subcommand(1);
    PatronRef pin_patron;
    auto* pin_set_cmd =
        pin_cmd->add_subcommand("set", "set a patron's PIN, read from stdin (not echoed)");
    auto* pin_by_id = pin_set_cmd->add_option("--id", pin_patron.id, "patron id");
    auto* pin_by_card = pin_set_cmd->add_option("--card", pin_patron.card, "card number");
    pin_by_id->excludes(pin_by_card);
    pin_set_cmd->require_option(1);
    on(pin_set_cmd, "pin set", [&](Session& s) { return pin_set(s, pin_patron); });
    std::string verify_card;
    bool disclose_name = false;
    auto* pin_verify_cmd = pin_cmd->add_subcommand(
        "verify",
        "verify a card and its PIN (from stdin) as a kiosk would; the actor is the kiosk");
    pin_verify_cmd->add_option("--card", verify_card, "card number")->required();
    pin_verify_cmd->add_flag("--show-name", disclose_name,
                             "the kiosk may receive a short display name");
    on(pin_verify_cmd, "pin verify",
       [&](Session& s) { return pin_verify(s, verify_card, disclose_name); });

    auto* hetu = app.add_subcommand("hetu", "personal identity codes");
    hetu->require_subcommand(1);
    on(hetu->add_subcommand("validate",
                            "read codes one per line on stdin; print 'valid YYYY-MM-DD' or "
                            "'invalid <reason>' per line"),
       "hetu validate", [](Session& s) { return hetu_validate(s); });

    auto* audit = app.add_subcommand("audit", "the audit log");
    audit->require_subcommand(1);
    std::optional<std::string> anchor;
    auto* verify =
        audit->add_subcommand("verify", "seal pending entries and verify the hash chain");
    verify->add_option("--anchor", anchor,
                       "a chain head printed by an earlier verify (<entry>:<sha256>) that must "
                       "still be in the log");
    on(verify, "audit verify", [&](Session& s) { return audit_verify(s, anchor); });

    auto* patron_cmd = app.add_subcommand("patron", "patron records");
    patron_cmd->require_subcommand(1);

    PatronForm form;
    ContactOptions add_contact;
    std::vector<std::string> add_phones;
    std::optional<std::int64_t> guardian, responsible;
    auto* add = patron_cmd->add_subcommand(
        "add", "register a patron; a person's identity code is read from stdin");
    add->add_option("--kind", form.kind, "person or organisation")->default_str("person");
    add->add_option("--surname", form.surname);
    add->add_option("--given-names", form.given_names);
    add->add_option("--organisation-name", form.organisation_name);
    add->add_option("--card", form.card_number, "library card number")->required();
    add->add_option("--home-library", form.home_library)->required();
    add->add_option("--mother-tongue", form.mother_tongue, "ISO 639-1 code, e.g. fi, sv, se");
    add->add_option("--gender", form.gender, "female, male, other");
    add->add_option("--guardian", guardian, "patron id of the guardian (under-15s)");
    add->add_option("--responsible-person", responsible, "patron id (organisations)");
    add_contact_options(add, add_contact);
    on(add, "patron add", [&](Session& s) {
        form.street_address = add_contact.street.value_or("");
        form.postal_code = add_contact.postal_code.value_or("");
        form.post_office = add_contact.post_office.value_or("");
        form.country = add_contact.country.value_or("FI");
        form.email = add_contact.email.value_or("");
        form.phones = add_contact.phones.value_or(std::vector<std::string>{});
        form.due_date_reminder = add_contact.due_date_reminder.value_or("");
        form.overdue_notice = add_contact.overdue_notice.value_or("");
        form.hold_ready = add_contact.hold_ready.value_or("");
        if (guardian) form.guardian = PatronId{*guardian};
        if (responsible) form.responsible_person = PatronId{*responsible};
        return patron_add(s, form);
    });

    PatronSelector selector;
    auto* show = patron_cmd->add_subcommand("show", "show one patron record");
    auto* by_id = show->add_option("--id", selector.id, "patron id");
    auto* by_card = show->add_option("--card", selector.card, "card number");
    auto* by_hetu = show->add_flag("--hetu", selector.hetu_from_stdin,
                                   "look up by identity code, read from stdin");
    by_id->excludes(by_card)->excludes(by_hetu);
    by_card->excludes(by_hetu);
    show->require_option(1);
    on(show, "patron show", [&](Session& s) { return patron_show(s, selector); });

    std::int64_t update_id = 0;
    ContactOptions update_contact;
    auto* update = patron_cmd->add_subcommand("update", "change contact data and notice channels");
    update->add_option("--id", update_id, "patron id")->required();
    add_contact_options(update, update_contact);
    on(update, "patron update", [&](Session& s) {
        ContactForm change{update_contact.street,
                           update_contact.postal_code,
                           update_contact.post_office,
                           update_contact.country,
                           update_contact.email,
                           update_contact.phones,
                           update_contact.due_date_reminder,
                           update_contact.overdue_notice,
                           update_contact.hold_ready};
        return patron_update(s, update_id, change);
    });

    PatronRef summary_patron;
    auto* summary = patron_cmd->add_subcommand(
        "summary", "circulation counts and totals, and whether the patron may borrow");
    auto* summary_id = summary->add_option("--id", summary_patron.id, "patron id");
    auto* summary_card = summary->add_option("--card", summary_patron.card, "card number");
    summary_id->excludes(summary_card);
    summary->require_option(1);
    on(summary, "patron summary",
       [&](Session& s) { return circulation_summary(s, summary_patron); });

    std::int64_t after = 0;
    std::size_t limit = 50;
    auto* list = patron_cmd->add_subcommand("list", "list patrons by id");
    list->add_option("--after", after, "list ids greater than this (paging)");
    list->add_option("--limit", limit, "at most this many (1-1000)")->default_str("50");
    on(list, "patron list", [&](Session& s) { return patron_list(s, after, limit); });

    auto* clients_cmd =
        app.add_subcommand("clients", "API clients of patrond and their bearer tokens (admin)");
    clients_cmd->require_subcommand(1);
    std::string client_name, client_role;
    auto* clients_add_cmd = clients_cmd->add_subcommand(
        "add", "add a client and print its token, shown only this once");
    clients_add_cmd->add_option("--name", client_name, "the client's name, e.g. kiosk-3")
        ->required();
    clients_add_cmd
        ->add_option("--role", client_role,
                     "circulation, home_service, kiosk, billing, dpo or admin")
        ->required();
    on(clients_add_cmd, "clients add",
       [&](Session& s) { return clients_add(s, client_name, client_role); });
    on(clients_cmd->add_subcommand("list", "list clients, revoked ones too; never a token"),
       "clients list", [](Session& s) { return clients_list(s); });
    auto* clients_revoke_cmd =
        clients_cmd->add_subcommand("revoke", "revoke a client's token for good");
    clients_revoke_cmd->add_option("--name", client_name, "the client's name")->required();
    on(clients_revoke_cmd, "clients revoke",
       [&](Session& s) { return clients_revoke(s, client_name); });

    auto* retention = app.add_subcommand(
        "retention", "purge what the records-management plan says is due (nightly job)");
    retention->require_subcommand(1);
    std::string policy_file;
    const auto with_policy = [&](CLI::App* sub) {
        sub->add_option("--policy", policy_file, "retention policy file (TOML)")
            ->required()
            ->check(CLI::ExistingFile);
        return sub;
    };
    on(with_policy(retention->add_subcommand("plan", "dry run: what a run would purge now")),
       "retention plan", [&](Session& s) { return retention_plan(s, policy_file); });
    on(with_policy(retention->add_subcommand(
           "run", "purge what is due, in short batches (exit 4 when stopped by a signal)")),
       "retention run", [&](Session& s) { return retention_run(s, policy_file); });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kOk : kUsage;
    }
    try {
        Session session(global, name);
        return command(session);
    } catch (const patron::Exception& e) {
        std::cerr << "patronctl: error: " << e.what() << "\n";
        return kEnvironment;
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "patronctl: unexpected error: " << e.what() << "\n";
        return kEnvironment;
    }
}
