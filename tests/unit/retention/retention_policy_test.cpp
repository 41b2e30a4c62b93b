// The retention policy file: the shipped sample parses to the plan it documents; every malformed
// policy is refused as a whole with a ConfigError naming the source, the line and the reason;
// period arithmetic counts calendar months and years as Act 150/1930 §4 does; the legal holds
// reach the record classes they are documented to.

#include "patron/retention/retention_policy.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "patron/exception.hpp"
#include "patron/retention/legal_hold.hpp"
#include "support/config_refusal.hpp"

namespace patron {

inline void PrintTo(RecordClass record, std::ostream* os) { *os << info(record).name; }
inline void PrintTo(LegalHold hold, std::ostream* os) { *os << info(hold).name; }
inline void PrintTo(const RetentionPeriod& period, std::ostream* os) { *os << to_string(period); }

namespace {

namespace fs = std::filesystem;
using Unit = RetentionPeriod::Unit;

constexpr Date ymd(int year, unsigned month, unsigned day) {
    return Date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
}

// The sample shipped with patronctl, found from this file (tests/unit/retention/).
fs::path sample_policy() {
    return fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "service" /
           "patronctl" / "retention-policy.toml";
}

// The message with which `text` is refused, or "(accepted)".
std::string refusal(const std::string& text) {
    return test::config_refusal([&] { (void)parse_retention_policy(text, "p.toml"); });
}

// A valid policy of one rule (lines 1-4) and one kept table (lines 5-6), with `more` at line 7.
std::string valid(const std::string& more = "") {
    return "[rules.closed_holds]\n"
           "trigger = \"closed\"\n"
           "period = \"1 month\"\n"
           "action = \"erase\"\n"
           "[kept]\n"
           "patron_pins = \"with the patron\"\n" +
           more;
}

// The policy with the closed_holds period (line 3) set to `period`.
std::string with_period(const std::string& period) {
    return "[rules.closed_holds]\n"
           "trigger = \"closed\"\n"
           "period = \"" +
           period + "\"\naction = \"erase\"\n";
}

const std::string kPeriodReason =
    "must be \"<n> days\", \"<n> months\" or \"<n> years\" with n 0-1000";

// --- the sample policy ---------------------------------------------------------------------

TEST(RetentionPolicySample, ParsesWithEveryRecordClassAndTheDocumentedValues) {
    const RetentionPolicy policy = load_retention_policy(sample_policy());
    EXPECT_EQ(policy.batch_size, 1000u);
    EXPECT_EQ(policy.damage_claim_days, 30);
    const std::vector<RetentionRule> expected{
        {RecordClass::returned_loans, {0, Unit::days}, RetentionAction::detach},
        {RecordClass::closed_holds, {1, Unit::months}, RetentionAction::erase},
        {RecordClass::settled_fees, {1, Unit::years}, RetentionAction::erase},
        {RecordClass::closed_invoices, {1, Unit::years}, RetentionAction::erase},
        {RecordClass::ended_loan_bans, {1, Unit::years}, RetentionAction::erase},
        {RecordClass::sent_messages, {3, Unit::months}, RetentionAction::erase},
        {RecordClass::loan_history, {5, Unit::years}, RetentionAction::erase},
        {RecordClass::expired_guardianships, {0, Unit::days}, RetentionAction::erase},
        {RecordClass::expired_web_sessions, {1, Unit::days}, RetentionAction::erase},
        {RecordClass::inactive_patrons, {3, Unit::years}, RetentionAction::erase},
        {RecordClass::audit_entries, {5, Unit::years}, RetentionAction::erase},
    };
    ASSERT_EQ(policy.rules.size(), record_classes().size());
    EXPECT_EQ(policy.rules, expected);
    std::vector<std::string> kept;
    for (const auto& k : policy.kept) {
        kept.push_back(k.table);
        EXPECT_FALSE(k.reason.empty()) << k.table;
    }
    // In name order (TOML tables are unordered).
    EXPECT_EQ(kept, (std::vector<std::string>{"api_clients", "loan_history_consents",
                                              "organisation_contacts", "patron_pins"}));
    EXPECT_EQ(policy.digest.size(), 32u);
}

TEST(RetentionPolicySample, RuleForFindsEachClass) {
    const RetentionPolicy policy = load_retention_policy(sample_policy());
    for (const auto& c : record_classes()) {
        const RetentionRule* rule = policy.rule_for(c.record);
        ASSERT_NE(rule, nullptr) << c.name;
        EXPECT_EQ(rule->record, c.record);
    }
    const RetentionPolicy one = parse_retention_policy(valid(), "p.toml");
    EXPECT_EQ(one.rule_for(RecordClass::returned_loans), nullptr);
}

// --- a valid policy ------------------------------------------------------------------------

TEST(RetentionPolicyParse, DefaultsSettingsAndSortsRulesByRecordClass) {
    const RetentionPolicy policy = parse_retention_policy(
        "[rules.audit_entries]\ntrigger = \"recorded\"\nperiod = \"2 years\"\naction = "
        "\"erase\"\n"
        "[rules.returned_loans]\ntrigger = \"returned\"\nperiod = \"1 day\"\naction = "
        "\"erase\"\n",
        "p.toml");
    EXPECT_EQ(policy.batch_size, 1000u);
    EXPECT_EQ(policy.damage_claim_days, 30);
    EXPECT_TRUE(policy.kept.empty());
    EXPECT_EQ(policy.rules,
              (std::vector<RetentionRule>{
                  {RecordClass::returned_loans, {1, Unit::days}, RetentionAction::erase},
                  {RecordClass::audit_entries, {2, Unit::years}, RetentionAction::erase}}));
}

TEST(RetentionPolicyParse, ReadsSettingsAtTheirLimits) {
    const auto low = parse_retention_policy(
        valid("[settings]\nbatch_size = 1\ndamage_claim_days = 0\n"), "p.toml");
    EXPECT_EQ(low.batch_size, 1u);
    EXPECT_EQ(low.damage_claim_days, 0);
    const auto high = parse_retention_policy(
        valid("[settings]\nbatch_size = 100000\ndamage_claim_days = 3650\n"), "p.toml");
    EXPECT_EQ(high.batch_size, 100000u);
    EXPECT_EQ(high.damage_claim_days, 3650);
}

TEST(RetentionPolicyParse, AcceptsPeriodsInEveryUnitSingularAndPlural) {
    const std::vector<std::pair<std::string, RetentionPeriod>> cases{
        {"0 days", {0, Unit::days}},       {"1 day", {1, Unit::days}},
        {"1000 days", {1000, Unit::days}}, {"1 month", {1, Unit::months}},
        {"18 months", {18, Unit::months}}, {"1 year", {1, Unit::years}},
        {"7 years", {7, Unit::years}},
    };
    for (const auto& [text, period] : cases) {
        const auto policy = parse_retention_policy(with_period(text), "p.toml");
        ASSERT_EQ(policy.rules.size(), 1u);
        EXPECT_EQ(policy.rules[0].period, period) << text;
    }
}

TEST(RetentionPolicyParse, ReturnedLoansMayBeDetachedOrErased) {
    for (const std::string action : {"detach", "erase"}) {
        const auto policy = parse_retention_policy(
            "[rules.returned_loans]\ntrigger = \"returned\"\nperiod = \"0 days\"\naction = \"" +
                action + "\"\n",
            "p.toml");
        EXPECT_EQ(to_string(policy.rules.at(0).action), action);
    }
}

TEST(RetentionPolicyParse, DigestIsTheSha256OfTheTextSoAnyChangeShows) {
    const auto a = parse_retention_policy(valid(), "p.toml");
    const auto same = parse_retention_policy(valid(), "other.toml");
    const auto b = parse_retention_policy(valid("# a comment\n"), "p.toml");
    EXPECT_EQ(a.digest.size(), 32u);
    EXPECT_EQ(a.digest, same.digest);
    EXPECT_NE(a.digest, b.digest);
}

// --- refusals: each names the source, the line and the reason -------------------------------

TEST(RetentionPolicyRefusal, TomlSyntaxError) {
    const std::string message = refusal(valid("[settings\n"));
    EXPECT_EQ(message.rfind("retention policy p.toml: line 7: syntax: ", 0), 0u) << message;
}

TEST(RetentionPolicyRefusal, ARuleDefinedTwiceIsASyntaxError) {
    const std::string message = refusal(valid(with_period("2 months")));
    EXPECT_EQ(message.rfind("retention policy p.toml: line 7: syntax: ", 0), 0u) << message;
}

TEST(RetentionPolicyRefusal, UnknownSection) {
    EXPECT_EQ(refusal(valid("[rule]\nx = 1\n")),
              "retention policy p.toml: line 7: rule: unknown section (known: settings, rules, "
              "kept)");
}

TEST(RetentionPolicyRefusal, SectionThatIsNotATable) {
    EXPECT_EQ(refusal("rules = 5\n"), "retention policy p.toml: line 1: rules: must be a table");
    EXPECT_EQ(refusal(valid("[rules]\nclosed_invoices = \"1 year\"\n")),
              "retention policy p.toml: line 8: rules.closed_invoices: must be a table");
}

TEST(RetentionPolicyRefusal, UnknownKeyInSettings) {
    EXPECT_EQ(refusal(valid("[settings]\nbatch = 10\n")),
              "retention policy p.toml: line 8: settings.batch: unknown key (known: batch_size, "
              "damage_claim_days)");
}

TEST(RetentionPolicyRefusal, UnknownKeyInARule) {
    EXPECT_EQ(refusal("[rules.closed_holds]\ntrigger = \"closed\"\nperiod = \"1 month\"\n"
                      "action = \"erase\"\nwhy = \"desk questions\"\n"),
              "retention policy p.toml: line 5: rules.closed_holds.why: unknown key (known: "
              "trigger, period, action)");
}

TEST(RetentionPolicyRefusal, UnknownRecordClass) {
    EXPECT_EQ(refusal(valid("[rules.closed_loans]\ntrigger = \"closed\"\nperiod = \"1 day\"\n"
                            "action = \"erase\"\n")),
              "retention policy p.toml: line 7: rules.closed_loans: unknown record class");
}

TEST(RetentionPolicyRefusal, WrongTrigger) {
    EXPECT_EQ(refusal("[rules.closed_holds]\ntrigger = \"placed\"\nperiod = \"1 month\"\n"
                      "action = \"erase\"\n"),
              "retention policy p.toml: line 2: rules.closed_holds.trigger: must be \"closed\" "
              "for this record class");
    // Each class has its own trigger: another class's is refused too.
    EXPECT_EQ(refusal("[rules.inactive_patrons]\ntrigger = \"returned\"\nperiod = \"3 years\"\n"
                      "action = \"erase\"\n"),
              "retention policy p.toml: line 2: rules.inactive_patrons.trigger: must be "
              "\"last_activity\" for this record class");
}

TEST(RetentionPolicyRefusal, ActionTheClassDoesNotAllow) {
    EXPECT_EQ(refusal("[rules.closed_holds]\ntrigger = \"closed\"\nperiod = \"1 month\"\n"
                      "action = \"detach\"\n"),
              "retention policy p.toml: line 4: rules.closed_holds.action: must be \"erase\"");
    EXPECT_EQ(refusal("[rules.returned_loans]\ntrigger = \"returned\"\nperiod = \"1 month\"\n"
                      "action = \"delete\"\n"),
              "retention policy p.toml: line 4: rules.returned_loans.action: must be \"detach\" "
              "or \"erase\"");
}

TEST(RetentionPolicyRefusal, BadPeriods) {
    for (const std::string period :
         {"30", "x days", "-1 days", "1001 days", "3 weeks", "1.5 years", "", "days", "1  days",
          " 1 days", "1 days ", "+1 days", "1 Days", "0x10 days"}) {
        EXPECT_EQ(refusal(with_period(period)),
                  "retention policy p.toml: line 3: rules.closed_holds.period: " + kPeriodReason)
            << "period \"" << period << "\"";
    }
}

TEST(RetentionPolicyRefusal, ValuesOfTheWrongType) {
    EXPECT_EQ(refusal("[rules.closed_holds]\ntrigger = \"closed\"\nperiod = 30\n"
                      "action = \"erase\"\n"),
              "retention policy p.toml: line 3: rules.closed_holds.period: must be a string");
    EXPECT_EQ(refusal(valid("[settings]\nbatch_size = \"10\"\n")),
              "retention policy p.toml: line 8: settings.batch_size: must be an integer "
              "1-100000");
    EXPECT_EQ(refusal(valid("[settings]\nbatch_size = 10.0\n")),
              "retention policy p.toml: line 8: settings.batch_size: must be an integer "
              "1-100000");
    EXPECT_EQ(refusal(valid("patron_pins_again = 1\n")),
              "retention policy p.toml: line 7: kept.patron_pins_again: must be a string");
}

TEST(RetentionPolicyRefusal, SettingsOutOfRange) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"batch_size = 0", "settings.batch_size: must be an integer 1-100000"},
        {"batch_size = 100001", "settings.batch_size: must be an integer 1-100000"},
        {"batch_size = -5", "settings.batch_size: must be an integer 1-100000"},
        {"damage_claim_days = -1", "settings.damage_claim_days: must be an integer 0-3650"},
        {"damage_claim_days = 3651", "settings.damage_claim_days: must be an integer 0-3650"},
    };
    for (const auto& [line, reason] : cases) {
        EXPECT_EQ(refusal(valid("[settings]\n" + line + "\n")),
                  "retention policy p.toml: line 8: " + reason)
            << line;
    }
}

TEST(RetentionPolicyRefusal, RuleMissingTriggerPeriodOrAction) {
    const std::string reason =
        "retention policy p.toml: line 1: rules.closed_holds: needs trigger, period and action";
    EXPECT_EQ(refusal("[rules.closed_holds]\nperiod = \"1 month\"\naction = \"erase\"\n"), reason);
    EXPECT_EQ(refusal("[rules.closed_holds]\ntrigger = \"closed\"\naction = \"erase\"\n"), reason);
    EXPECT_EQ(refusal("[rules.closed_holds]\ntrigger = \"closed\"\nperiod = \"1 month\"\n"),
              reason);
    EXPECT_EQ(refusal("[rules.closed_holds]\n"), reason);
}

TEST(RetentionPolicyRefusal, TableBothRuledAndKept) {
    EXPECT_EQ(refusal(valid("holds = \"for the desk\"\n")),
              "retention policy p.toml: line 7: kept.holds: the table is also purged by "
              "rules.closed_holds");
}

TEST(RetentionPolicyRefusal, EmptyKeptReason) {
    for (const std::string reason : {"", " ", " \t "}) {
        EXPECT_EQ(refusal(valid("loans = \"" + reason + "\"\n")),
                  "retention policy p.toml: line 7: kept.loans: needs the reason it is kept")
            << "reason of " << reason.size() << " blanks";
    }
}

TEST(RetentionPolicyRefusal, NoRulesAtAll) {
    // Nothing but settings and kept tables: a policy that would purge nothing is a mistake. The
    // whole document is at fault, so the message names its first line.
    const std::string message = refusal("[settings]\nbatch_size = 10\n[kept]\nloans = \"all\"\n");
    EXPECT_EQ(message, "retention policy p.toml: line 1: rules: the policy has no rule");
    EXPECT_EQ(refusal(""), "retention policy p.toml: line 1: rules: the policy has no rule");
    EXPECT_EQ(refusal("[rules]\n"),
              "retention policy p.toml: line 1: rules: the policy has no rule");
}

TEST(RetentionPolicyRefusal, TheFirstFaultRefusesTheWholeFileEvenAfterValidRules) {
    // A valid rule before the fault does not make a partial policy.
    EXPECT_EQ(refusal(valid("[rules.settled_fees]\ntrigger = \"settled\"\nperiod = \"1 yr\"\n"
                            "action = \"erase\"\n")),
              "retention policy p.toml: line 9: rules.settled_fees.period: " + kPeriodReason);
}

TEST(RetentionPolicyLoad, UnreadableFileIsAConfigErrorNamingIt) {
    const fs::path missing = fs::temp_directory_path() / "patron-no-such-retention-policy.toml";
    try {
        (void)load_retention_policy(missing);
        ADD_FAILURE() << "a missing file was accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "retention policy " + missing.string() + ": cannot be read");
    }
}

// --- period arithmetic ----------------------------------------------------------------------

TEST(RetentionPeriodBefore, DaysCountBackAcrossMonthsAndLeapDays) {
    EXPECT_EQ((RetentionPeriod{0, Unit::days}.before(ymd(2026, 11, 24))), ymd(2026, 11, 24));
    EXPECT_EQ((RetentionPeriod{30, Unit::days}.before(ymd(2026, 11, 24))), ymd(2026, 10, 25));
    EXPECT_EQ((RetentionPeriod{1, Unit::days}.before(ymd(2024, 3, 1))), ymd(2024, 2, 29));
    EXPECT_EQ((RetentionPeriod{1, Unit::days}.before(ymd(2026, 1, 1))), ymd(2025, 12, 31));
    EXPECT_EQ((RetentionPeriod{366, Unit::days}.before(ymd(2025, 3, 1))), ymd(2024, 2, 29));
}

TEST(RetentionPeriodBefore, MonthsKeepTheDayOrTakeTheLastDayOfAShorterMonth) {
    EXPECT_EQ((RetentionPeriod{1, Unit::months}.before(ymd(2026, 11, 24))), ymd(2026, 10, 24));
    EXPECT_EQ((RetentionPeriod{1, Unit::months}.before(ymd(2025, 3, 31))), ymd(2025, 2, 28));
    EXPECT_EQ((RetentionPeriod{1, Unit::months}.before(ymd(2024, 3, 31))), ymd(2024, 2, 29));
    EXPECT_EQ((RetentionPeriod{1, Unit::months}.before(ymd(2026, 5, 31))), ymd(2026, 4, 30));
    EXPECT_EQ((RetentionPeriod{2, Unit::months}.before(ymd(2026, 1, 15))), ymd(2025, 11, 15));
    EXPECT_EQ((RetentionPeriod{3, Unit::months}.before(ymd(2026, 5, 31))), ymd(2026, 2, 28));
    EXPECT_EQ((RetentionPeriod{0, Unit::months}.before(ymd(2026, 1, 31))), ymd(2026, 1, 31));
}

TEST(RetentionPeriodBefore, YearsFromALeapDayEndOnFebruary28) {
    EXPECT_EQ((RetentionPeriod{1, Unit::years}.before(ymd(2024, 2, 29))), ymd(2023, 2, 28));
    EXPECT_EQ((RetentionPeriod{4, Unit::years}.before(ymd(2024, 2, 29))), ymd(2020, 2, 29));
    EXPECT_EQ((RetentionPeriod{5, Unit::years}.before(ymd(2028, 2, 29))), ymd(2023, 2, 28));
    EXPECT_EQ((RetentionPeriod{3, Unit::years}.before(ymd(2026, 11, 24))), ymd(2023, 11, 24));
    EXPECT_EQ((RetentionPeriod{12, Unit::months}.before(ymd(2024, 2, 29))),
              (RetentionPeriod{1, Unit::years}.before(ymd(2024, 2, 29))));
}

TEST(RetentionPeriodText, NamesCountAndUnit) {
    EXPECT_EQ(to_string(RetentionPeriod{0, Unit::days}), "0 days");
    EXPECT_EQ(to_string(RetentionPeriod{1, Unit::days}), "1 day");
    EXPECT_EQ(to_string(RetentionPeriod{30, Unit::days}), "30 days");
    EXPECT_EQ(to_string(RetentionPeriod{1, Unit::months}), "1 month");
    EXPECT_EQ(to_string(RetentionPeriod{3, Unit::years}), "3 years");
}

// --- record classes and the holds that reach them ---------------------------------------------

TEST(RecordClasses, AreListedInEnumeratorOrderWithTheirTables) {
    const auto classes = record_classes();
    ASSERT_EQ(classes.size(), 11u);
    for (std::size_t i = 0; i < classes.size(); ++i) {
        EXPECT_EQ(static_cast<std::size_t>(classes[i].record), i);
        EXPECT_EQ(&info(classes[i].record), &classes[i]);
    }
    EXPECT_EQ(info(RecordClass::returned_loans).table, "loans");
    EXPECT_EQ(info(RecordClass::expired_guardianships).trigger, "ward_turns_15");
    EXPECT_EQ(info(RecordClass::inactive_patrons).table, "patrons");
    EXPECT_EQ(info(RecordClass::audit_entries).table, "audit_log");
}

TEST(LegalHolds, ReachTheRecordClassesTheyAreDocumentedTo) {
    using H = LegalHold;
    // Processing restriction keeps every record of the patron; the others keep the patron.
    EXPECT_EQ(holds_for(RecordClass::returned_loans),
              (std::vector<H>{H::processing_restriction, H::damage_claim}));
    for (const auto record :
         {RecordClass::closed_holds, RecordClass::settled_fees, RecordClass::closed_invoices,
          RecordClass::ended_loan_bans, RecordClass::sent_messages, RecordClass::loan_history,
          RecordClass::expired_guardianships}) {
        EXPECT_EQ(holds_for(record), (std::vector<H>{H::processing_restriction}))
            << info(record).name;
    }
    EXPECT_EQ(holds_for(RecordClass::inactive_patrons),
              (std::vector<H>{H::processing_restriction, H::current_loans, H::open_holds,
                              H::unpaid_fees, H::open_invoices, H::guardian_of_minor,
                              H::responsible_person, H::damage_claim}));
    EXPECT_TRUE(holds_for(RecordClass::expired_web_sessions).empty());
    EXPECT_TRUE(holds_for(RecordClass::audit_entries).empty());
    ASSERT_EQ(legal_holds().size(), 8u);
    for (const auto& hold : legal_holds()) {
        EXPECT_EQ(&info(hold.hold), &hold);
        EXPECT_FALSE(hold.reason.empty()) << hold.name;
    }
}

}  // namespace
}  // namespace patron
