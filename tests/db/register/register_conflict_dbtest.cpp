// Register::register_patron on values that must be unique: card numbers (in any case) and
// identity codes, one caller after another and many at once.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "db/register/register_fixture.hpp"
#include "patron/exception.hpp"
#include "patron/register/register.hpp"

namespace patron::test {
namespace {

class RegisterConflictTest : public RegisterDbTest {
protected:
    struct RaceOutcome {
        int succeeded = 0;
        int conflicts = 0;       // refused as conflict on the expected field
        int other_refusals = 0;  // refused in any other way
        int escaped_exceptions = 0;
        std::optional<PatronId> winner;
    };

    // Runs `forms.size()` registrations at once, one thread each, released together.
    RaceOutcome race(const std::vector<PatronForm>& forms, std::string_view conflict_field) {
        Register reg(context());
        std::latch start(static_cast<std::ptrdiff_t>(forms.size()));
        std::vector<std::optional<Result<PatronId>>> results(forms.size());
        std::vector<bool> threw(forms.size(), false);
        {
            std::vector<std::jthread> threads;
            for (std::size_t i = 0; i < forms.size(); ++i) {
                threads.emplace_back([&, i] {
                    start.arrive_and_wait();
                    try {
                        results[i] = reg.register_patron(staff(), forms[i]);
                    } catch (...) {
                        threw[i] = true;
                    }
                });
            }
        }
        RaceOutcome outcome;
        for (std::size_t i = 0; i < forms.size(); ++i) {
            if (threw[i]) {
                ++outcome.escaped_exceptions;
            } else if (*results[i]) {
                ++outcome.succeeded;
                outcome.winner = **results[i];
            } else if (results[i]->error().code == ErrorCode::conflict &&
                       results[i]->error().field == conflict_field) {
                ++outcome.conflicts;
            } else {
                ++outcome.other_refusals;
            }
        }
        return outcome;
    }
};

TEST_F(RegisterConflictTest, SecondRegistrationOfACardNumberIsRefusedInAnyCase) {
    add(person_form("card1", hetu_for(kAdultBirth, 2)));
    Register reg(context());
    const StorageSnapshot before = snapshot();
    const long patrons = patron_count();
    int n = 2;
    for (const char* card : {"card1", "CARD1", " Card1 "}) {
        SCOPED_TRACE(fmt::format("attempt {}", n - 1));
        ++n;
        EXPECT_TRUE(
            Refused(reg.register_patron(staff(), person_form(card, hetu_for(kAdultBirth, n))),
                    ErrorCode::conflict, "card_number"));
        EXPECT_EQ(patron_count(), patrons);
        EXPECT_EQ(snapshot(), before);
    }
    // An organisation (no identity code) meets the same rule.
    const PatronId adult = add_adult(20);
    const StorageSnapshot with_adult = snapshot();
    EXPECT_TRUE(Refused(reg.register_patron(staff(), organisation_form("cArD1", adult)),
                        ErrorCode::conflict, "card_number"));
    EXPECT_EQ(snapshot(), with_adult);
    EXPECT_EQ(count("SELECT count(*) FROM patrons WHERE card_number = 'CARD1'"), 1);
}

TEST_F(RegisterConflictTest, SecondRegistrationOfAnIdentityCodeIsRefused) {
    const std::string code = hetu_for(kAdultBirth, 2);
    add(person_form("CARD0001", code));
    Register reg(context());
    const StorageSnapshot before = snapshot();
    const long patrons = patron_count();
    EXPECT_TRUE(Refused(reg.register_patron(staff(), person_form("CARD0002", code)),
                        ErrorCode::conflict, "hetu"));
    EXPECT_EQ(patron_count(), patrons);
    EXPECT_EQ(snapshot(), before);
    // Taken card and taken code together: either refusal is a conflict, and nothing is written.
    const auto both = reg.register_patron(staff(), person_form("CARD0001", code));
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().code, ErrorCode::conflict);
    EXPECT_EQ(snapshot(), before);
}

TEST_F(RegisterConflictTest, ConcurrentRegistrationsOfOneIdentityCodeAdmitExactlyOne) {
    constexpr int kThreads = 8;
    constexpr int kRounds = 5;
    int card = 0;
    for (int round = 0; round < kRounds; ++round) {
        SCOPED_TRACE(fmt::format("round {}", round));
        const std::string code = hetu_for(kAdultBirth, 100 + round);
        std::vector<PatronForm> forms;
        for (int t = 0; t < kThreads; ++t) forms.push_back(person_form(card_for(++card), code));
        const long patrons = patron_count();

        const RaceOutcome outcome = race(forms, "hetu");
        EXPECT_EQ(outcome.escaped_exceptions, 0);
        EXPECT_EQ(outcome.other_refusals, 0);
        EXPECT_EQ(outcome.succeeded, 1);
        EXPECT_EQ(outcome.conflicts, kThreads - 1);
        EXPECT_EQ(patron_count(), patrons + 1);

        Register reg(context());
        const auto found = reg.find_by_hetu(staff(), code);
        ASSERT_TRUE(Succeeded(found));
        ASSERT_TRUE(outcome.winner);
        EXPECT_EQ(found->id.value, outcome.winner->value);
    }
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'patron.register'"), kRounds);
}

TEST_F(RegisterConflictTest, ConcurrentRegistrationsOfOneCardNumberAdmitExactlyOne) {
    constexpr int kThreads = 8;
    std::vector<PatronForm> forms;
    for (int t = 0; t < kThreads; ++t) {
        forms.push_back(person_form("SAMECARD", hetu_for(kAdultBirth, 200 + t)));
    }
    const RaceOutcome outcome = race(forms, "card_number");
    EXPECT_EQ(outcome.escaped_exceptions, 0);
    EXPECT_EQ(outcome.other_refusals, 0);
    EXPECT_EQ(outcome.succeeded, 1);
    EXPECT_EQ(outcome.conflicts, kThreads - 1);
    EXPECT_EQ(patron_count(), 1);
    EXPECT_EQ(audit_count(), 1);
}

}  // namespace
}  // namespace patron::test
