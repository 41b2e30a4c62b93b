#include "patron/retention/retention_policy.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <sstream>

#include "common/enum_names.hpp"
#include "crypto/sha256.hpp"
#include "patron/exception.hpp"

namespace patron {
namespace {

constexpr std::array<RetentionAction, 1> kErase{RetentionAction::erase};
constexpr std::array<RetentionAction, 2> kDetachOrErase{RetentionAction::detach,
                                                        RetentionAction::erase};

constexpr std::array<RecordClassInfo, 11> kClasses{{
    {RecordClass::returned_loans, "returned_loans", "loans", "returned", kDetachOrErase},
    {RecordClass::closed_holds, "closed_holds", "holds", "closed", kErase},
    {RecordClass::settled_fees, "settled_fees", "fees", "settled", kErase},
    {RecordClass::closed_invoices, "closed_invoices", "invoices", "closed", kErase},
    {RecordClass::ended_loan_bans, "ended_loan_bans", "loan_bans", "ended", kErase},
    {RecordClass::sent_messages, "sent_messages", "messages", "sent", kErase},
    {RecordClass::loan_history, "loan_history", "loan_history", "returned", kErase},
    {RecordClass::expired_guardianships, "expired_guardianships", "guardianships", "ward_turns_15",
     kErase},
    {RecordClass::expired_web_sessions, "expired_web_sessions", "web_sessions", "expired", kErase},
    {RecordClass::inactive_patrons, "inactive_patrons", "patrons", "last_activity", kErase},
    {RecordClass::audit_entries, "audit_entries", "audit_log", "recorded", kErase},
}};

constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < kClasses.size(); ++i) {
        if (kClasses[i].record != static_cast<RecordClass>(i)) return false;
    }
    return true;
}
static_assert(in_enum_order(), "info() indexes kClasses by enumerator");

constexpr std::array<std::string_view, 2> kActionNames{"erase", "detach"};

constexpr int kMaxPeriod = 1000;

// Every error names the source and, where the node is known, its line.
[[noreturn]] void refuse(std::string_view source, const toml::source_region& where,
                         std::string_view key, std::string_view why) {
    if (where.begin.line > 0) {
        throw ConfigError(fmt::format("retention policy {}: line {}: {}: {}", source,
                                      where.begin.line, key, why));
    }
    throw ConfigError(fmt::format("retention policy {}: {}: {}", source, key, why));
}

std::optional<RetentionPeriod> parse_period(std::string_view text) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    int count = 0;
    const auto digits = text.substr(0, space);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (error != std::errc{} || end != digits.data() + digits.size() || count < 0 ||
        count > kMaxPeriod) {
        return std::nullopt;
    }
    const auto unit = text.substr(space + 1);
    RetentionPeriod period{count, RetentionPeriod::Unit::days};
    if (unit == "day" || unit == "days") {
        period.unit = RetentionPeriod::Unit::days;
    } else if (unit == "month" || unit == "months") {
        period.unit = RetentionPeriod::Unit::months;
    } else if (unit == "year" || unit == "years") {
        period.unit = RetentionPeriod::Unit::years;
    } else {
        return std::nullopt;
    }
    return period;
}

std::string read_whole(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(fmt::format("retention policy {}: cannot be read", file.string()));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError(fmt::format("retention policy {}: read failed", file.string()));
    return std::move(text).str();
}

}  // namespace

Date RetentionPeriod::before(Date today) const {
    using namespace std::chrono;
    switch (unit) {
        case Unit::days:
            return Date{sys_days{today} - days{count}};
        case Unit::months:
        case Unit::years: {
            const year_month shifted = year_month{today.year(), today.month()} -
                                       months{unit == Unit::years ? 12 * count : count};
            const auto last = year_month_day_last{shifted.year(), month_day_last{shifted.month()}};
            return Date{shifted.year(), shifted.month(), std::min(today.day(), last.day())};
        }
    }
    return today;
}

const RetentionRule* RetentionPolicy::rule_for(RecordClass record) const noexcept {
    const auto found = std::find_if(rules.begin(), rules.end(),
                                    [&](const RetentionRule& r) { return r.record == record; });
    return found == rules.end() ? nullptr : &*found;
}

std::span<const RecordClassInfo> record_classes() noexcept { return kClasses; }

const RecordClassInfo& info(RecordClass record) noexcept {
    return kClasses[static_cast<std::size_t>(record)];
}

std::string_view to_string(RetentionAction action) noexcept {
    return detail::name_of(kActionNames, action);
}

std::string to_string(const RetentionPeriod& period) {
    const char* unit = period.unit == RetentionPeriod::Unit::days     ? "day"
                       : period.unit == RetentionPeriod::Unit::months ? "month"
                                                                      : "year";
    return fmt::format("{} {}{}", period.count, unit, period.count == 1 ? "" : "s");
}

RetentionPolicy parse_retention_policy(std::string_view text, std::string_view source) {
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        refuse(source, e.source(), "syntax", e.description());
    }

    RetentionPolicy policy;
    policy.digest = crypto::sha256(text);
    const auto table_of = [&](std::string_view name, const toml::node& node) -> const toml::table& {
        const toml::table* table = node.as_table();
        if (table == nullptr) refuse(source, node.source(), name, "must be a table");
        return *table;
    };
    const auto integer = [&](const toml::node& node, std::string_view key, std::int64_t low,
                             std::int64_t high) {
        const auto n = node.value_exact<std::int64_t>();
        if (!n || *n < low || *n > high) {
            refuse(source, node.source(), key, fmt::format("must be an integer {}-{}", low, high));
        }
        return *n;
    };
    const auto text_of = [&](const toml::node& node, std::string_view key) {
        const auto value = node.value_exact<std::string>();
        if (!value) refuse(source, node.source(), key, "must be a string");
        return *value;
    };

    for (const auto& [section, node] : root) {
        const std::string_view name = section.str();
        if (name == "settings") {
            for (const auto& [key, value] : table_of(name, node)) {
                const auto full = fmt::format("settings.{}", key.str());
                if (key.str() == "batch_size") {
                    policy.batch_size = static_cast<std::size_t>(integer(value, full, 1, 100'000));
                } else if (key.str() == "damage_claim_days") {
                    policy.damage_claim_days = static_cast<int>(integer(value, full, 0, 3650));
                } else {
                    refuse(source, value.source(), full,
                           "unknown key (known: batch_size, damage_claim_days)");
                }
            }
        } else if (name == "rules") {
            for (const auto& [class_name, rule_node] : table_of(name, node)) {
                const auto full = fmt::format("rules.{}", class_name.str());
                const auto known = std::find_if(
                    kClasses.begin(), kClasses.end(),
                    [&](const RecordClassInfo& c) { return c.name == class_name.str(); });
                if (known == kClasses.end()) {
                    refuse(source, rule_node.source(), full, "unknown record class");
                }
                RetentionRule rule{known->record, {}, known->actions.front()};
                bool has_trigger = false, has_period = false, has_action = false;
                for (const auto& [key, value] : table_of(full, rule_node)) {
                    const auto key_name = fmt::format("{}.{}", full, key.str());
                    const std::string given = text_of(value, key_name);
                    if (key.str() == "trigger") {
                        if (given != known->trigger) {
                            refuse(source, value.source(), key_name,
                                   fmt::format("must be \"{}\" for this record class",
                                               known->trigger));
                        }
                        has_trigger = true;
                    } else if (key.str() == "period") {
                        const auto period = parse_period(given);
                        if (!period) {
                            refuse(source, value.source(), key_name,
                                   fmt::format("must be \"<n> days\", \"<n> months\" or \"<n> "
                                               "years\" with n 0-{}",
                                               kMaxPeriod));
                        }
                        rule.period = *period;
                        has_period = true;
                    } else if (key.str() == "action") {
                        const auto action =
                            detail::parse_name<RetentionAction>(kActionNames, given);
                        if (!action || std::find(known->actions.begin(), known->actions.end(),
                                                 *action) == known->actions.end()) {
                            std::string allowed;
                            for (const auto a : known->actions) {
                                allowed += fmt::format("{}\"{}\"", allowed.empty() ? "" : " or ",
                                                       to_string(a));
                            }
                            refuse(source, value.source(), key_name, "must be " + allowed);
                        }
                        rule.action = *action;
                        has_action = true;
                    } else {
                        refuse(source, value.source(), key_name,
                               "unknown key (known: trigger, period, action)");
                    }
                }
                if (!has_trigger || !has_period || !has_action) {
                    refuse(source, rule_node.source(), full, "needs trigger, period and action");
                }
                policy.rules.push_back(rule);
            }
        } else if (name == "kept") {
            for (const auto& [table, reason] : table_of(name, node)) {
                const auto full = fmt::format("kept.{}", table.str());
                const std::string why = text_of(reason, full);
                if (why.find_first_not_of(" \t") == std::string::npos) {
                    refuse(source, reason.source(), full, "needs the reason it is kept");
                }
                policy.kept.push_back(KeptTable{std::string(table.str()), why});
            }
        } else {
            refuse(source, node.source(), name, "unknown section (known: settings, rules, kept)");
        }
    }

    std::sort(policy.rules.begin(), policy.rules.end(),
              [](const RetentionRule& a, const RetentionRule& b) { return a.record < b.record; });
    if (policy.rules.empty()) {
        refuse(source, root.source(), "rules", "the policy has no rule");
    }
    for (const auto& kept : policy.kept) {
        for (const auto& rule : policy.rules) {
            if (info(rule.record).table == kept.table) {
                refuse(source, root["kept"][kept.table].node()->source(),
                       fmt::format("kept.{}", kept.table),
                       fmt::format("the table is also purged by rules.{}", info(rule.record).name));
            }
        }
    }
    return policy;
}

RetentionPolicy load_retention_policy(const std::filesystem::path& file) {
    return parse_retention_policy(read_whole(file), file.string());
}

}  // namespace patron
