// Patron routes over the API: registering (201 with Location), reading, looking up by card or
// identity code in the body, the paginated listing walked by its cursor, contact data,
// category, card activity, guardians and their consent, PINs set by staff and changed by the
// patron, and loan-history consent and history — each with the refusals libpatron gives,
// answered as problems.

#include <gtest/gtest.h>

#include "db/http/http_fixture.hpp"

namespace patron::test {
namespace {

using HttpPatrons = HttpApiTest;

std::string path(PatronId id, std::string_view rest = "") {
    return fmt::format("/v1/patrons/{}{}", id.value, rest);
}

TEST_F(HttpPatrons, RegisteringAnswers201WithTheIdAndLocationAndIsAuditedForTheClient) {
    const std::string t = token(Role::circulation);
    const long start = last_audit_id();
    const auto answer = call("POST", "/v1/patrons", t,
                             form_json(person_form(card_for(2), hetu_for(kAdultBirth, 2))));
    const Json created = body_of(answer, 201);
    const PatronId id{created.value("id", std::int64_t{0})};
    EXPECT_EQ(created, Json({{"id", id.value}}));
    EXPECT_EQ(header(answer, "Location"), path(id));
    EXPECT_EQ(answer.route, "/v1/patrons");
    EXPECT_EQ(answer.actor, "client-circulation");
    EXPECT_EQ(audit_callers_after(start),
              std::vector<std::string>{fmt::format(
                  "patron.register|{}|client-circulation|circulation|patron registration via API",
                  id.value)});

    const Json record = body_of(call("GET", path(id), token(Role::circulation)));
    EXPECT_EQ(record["id"], id.value);
    EXPECT_EQ(record["kind"], "person");
    EXPECT_EQ(record["surname"], "Testinen");
    EXPECT_EQ(record["card_number"], card_for(2));
    EXPECT_EQ(record["hetu_masked"], hetu_for(kAdultBirth, 2).substr(0, 7) + "****");
    EXPECT_EQ(record["birth_date"], "1980-05-17");
    EXPECT_EQ(record["email"], "testi@example.fi");
    EXPECT_EQ(record["phones"], Json::array({"+358400000000"}));
    EXPECT_EQ(record["category"], "adult");
    EXPECT_EQ(record["card_expires_on"], nullptr);
    EXPECT_EQ(record["processing_restricted"], false);
    EXPECT_EQ(record["notices"]["overdue_notice"], "sms");
    EXPECT_EQ(record["created_by"], "client-circulation");
    EXPECT_FALSE(record.contains("hetu"));
}

TEST_F(HttpPatrons, RegisteringAnOrganisationNamesItsResponsiblePerson) {
    const PatronId responsible = add_adult(2);
    const Json created = body_of(call("POST", "/v1/patrons", token(Role::admin),
                                      form_json(organisation_form(card_for(3), responsible))),
                                 201);
    const Json record =
        body_of(call("GET", "/v1/patrons/" + created["id"].dump(), token(Role::admin)));
    EXPECT_EQ(record["kind"], "organisation");
    EXPECT_EQ(record["organisation_name"], "Testikoulu");
    EXPECT_EQ(record["responsible_person"], responsible.value);
    EXPECT_EQ(record["category"], "organisation");
}

TEST_F(HttpPatrons, RegistrationRefusalsAreProblemsAndRegisterNothing) {
    const PatronId adult = add_adult(2);
    const PatronId child = add_person(born_years_ago(9), 3, adult);
    const std::string t = token(Role::circulation);
    const long before = patron_count();

    PatronForm bad_hetu = person_form(card_for(4), hetu_for(kAdultBirth, 4));
    bad_hetu.hetu.back() = bad_hetu.hetu.back() == 'A' ? 'B' : 'A';
    EXPECT_TRUE(IsProblem(call("POST", "/v1/patrons", t, form_json(bad_hetu)), 422, "invalid_input",
                          "hetu"));

    EXPECT_TRUE(IsProblem(call("POST", "/v1/patrons", t,
                               form_json(person_form(card_for(2), hetu_for(kAdultBirth, 5)))),
                          409, "conflict", "card_number"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/patrons", t,
                               form_json(person_form(card_for(6), hetu_for(kAdultBirth, 2)))),
                          409, "conflict", "hetu"));

    PatronForm orphan = person_form(card_for(7), hetu_for(born_years_ago(8), 7));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/patrons", t, form_json(orphan)), 422,
                          "guardian_required", "guardian"));
    orphan.guardian = child;  // not an adult
    EXPECT_TRUE(IsProblem(call("POST", "/v1/patrons", t, form_json(orphan)), 422,
                          "guardian_required", "guardian"));

    PatronForm bad_email = person_form(card_for(8), hetu_for(kAdultBirth, 8));
    bad_email.email = "Testinen at example";
    EXPECT_TRUE(IsProblem(call("POST", "/v1/patrons", t, form_json(bad_email)), 422,
                          "invalid_input", "email"));

    for (const Role role : {Role::kiosk, Role::home_service, Role::billing, Role::dpo}) {
        SCOPED_TRACE(to_string(role));
        EXPECT_TRUE(IsProblem(call("POST", "/v1/patrons", token(role),
                                   form_json(person_form(card_for(9), hetu_for(kAdultBirth, 9)))),
                              403, "permission_denied"));
    }
    EXPECT_EQ(patron_count(), before);
}

TEST_F(HttpPatrons, AnUnknownPatronIsNotFound) {
    EXPECT_TRUE(
        IsProblem(call("GET", "/v1/patrons/42", token(Role::circulation)), 404, "not_found"));
    EXPECT_TRUE(
        IsProblem(call("GET", "/v1/patrons/42", token(Role::kiosk)), 403, "permission_denied"));
}

TEST_F(HttpPatrons, LookupFindsByCardOrIdentityCodeGivenInTheBody) {
    const PatronId id = add_adult(2);
    add_adult(3);
    const std::string t = token(Role::home_service);
    EXPECT_EQ(
        body_of(call("POST", "/v1/patrons/lookup", t, Json{{"card_number", card_for(2)}}))["id"],
        id.value);
    // Card numbers are upper-cased like at the desk.
    EXPECT_EQ(
        body_of(call("POST", "/v1/patrons/lookup", t, Json{{"card_number", "card0002"}}))["id"],
        id.value);
    const auto by_hetu =
        call("POST", "/v1/patrons/lookup", t, Json{{"hetu", hetu_for(kAdultBirth, 2)}});
    EXPECT_EQ(body_of(by_hetu)["id"], id.value);
    EXPECT_EQ(by_hetu.route, "/v1/patrons/lookup");

    EXPECT_TRUE(IsProblem(call("POST", "/v1/patrons/lookup", t, Json::object()), 422,
                          "invalid_input", "card_number"));
    EXPECT_TRUE(
        IsProblem(call("POST", "/v1/patrons/lookup", t,
                       Json{{"card_number", card_for(2)}, {"hetu", hetu_for(kAdultBirth, 2)}}),
                  422, "invalid_input", "card_number"));
    EXPECT_TRUE(IsProblem(call("POST", "/v1/patrons/lookup", t, Json{{"card_number", card_for(9)}}),
                          404, "not_found"));
    EXPECT_TRUE(
        IsProblem(call("POST", "/v1/patrons/lookup", t, Json{{"hetu", hetu_for(kAdultBirth, 9)}}),
                  404, "not_found"));
    EXPECT_TRUE(IsProblem(
        call("POST", "/v1/patrons/lookup", token(Role::kiosk), Json{{"card_number", card_for(2)}}),
        403, "permission_denied"));
}

TEST_F(HttpPatrons, TheListingIsWalkedPageByPageThroughItsCursor) {
    std::vector<std::int64_t> registered;
    for (int n = 2; n <= 6; ++n) registered.push_back(add_adult(n).value);
    const std::string t = token(Role::dpo);

    std::vector<std::int64_t> seen;
    std::vector<std::size_t> sizes;
    std::string target = "/v1/patrons?limit=2";
    for (int pages = 0; pages < 10; ++pages) {
        const Json page = body_of(call("GET", target, t));
        sizes.push_back(page["patrons"].size());
        for (const auto& summary : page["patrons"]) {
            seen.push_back(summary["id"]);
            EXPECT_EQ(summary["name"], "Testinen, Testi");
            EXPECT_FALSE(summary.contains("hetu_masked"));
            EXPECT_FALSE(summary.contains("address"));
        }
        if (page["next"].is_null()) break;
        EXPECT_EQ(page["next"], seen.back());
        target = fmt::format("/v1/patrons?limit=2&after={}", page["next"].get<std::int64_t>());
    }
    EXPECT_EQ(seen, registered);
    EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2, 1}));

    // A page that ends exactly at the last patron says so.
    const Json all = body_of(call("GET", "/v1/patrons?limit=5", t));
    EXPECT_EQ(all["patrons"].size(), 5U);
    EXPECT_TRUE(all["next"].is_null());
    const Json four = body_of(call("GET", "/v1/patrons?limit=4", t));
    EXPECT_EQ(four["next"], registered[3]);
    // The default page holds them all; after the last there is nothing.
    EXPECT_EQ(body_of(call("GET", "/v1/patrons", t))["patrons"].size(), 5U);
    EXPECT_EQ(body_of(call("GET", fmt::format("/v1/patrons?after={}", registered.back()), t)),
              Json({{"patrons", Json::array()}, {"next", nullptr}}));
    EXPECT_TRUE(
        IsProblem(call("GET", "/v1/patrons", token(Role::home_service)), 403, "permission_denied"));
}

TEST_F(HttpPatrons, ContactDataChangesAndAPatronMayNotChangeTheAddress) {
    const PatronId id = add_adult(2);
    const auto changed = call("PATCH", path(id, "/contact"), token(Role::circulation),
                              Json{{"email", "uusi@example.fi"}, {"phones", {"0401234567"}}});
    const Json record = body_of(changed);
    EXPECT_EQ(record["email"], "uusi@example.fi");
    EXPECT_EQ(record["phones"], Json::array({"+358401234567"}));
    EXPECT_EQ(changed.route, "/v1/patrons/{id}/contact");

    EXPECT_TRUE(IsProblem(call("PATCH", path(id, "/contact"), token(Role::circulation),
                               Json{{"email", "not an email"}}),
                          422, "invalid_input", "email"));
    EXPECT_TRUE(IsProblem(call("PATCH", path(id, "/contact"), token(Role::circulation),
                               Json{{"due_date_reminder", "pigeon"}}),
                          422, "invalid_input", "due_date_reminder"));
    // The sms channel needs a phone.
    EXPECT_TRUE(IsProblem(call("PATCH", path(id, "/contact"), token(Role::circulation),
                               Json{{"phones", Json::array()}}),
                          422, "invalid_input", "overdue_notice"));
    const std::string session = session_of(id);
    EXPECT_TRUE(IsProblem(call("PATCH", path(id, "/contact"), session,
                               Json{{"street_address", "Uusikatu 2"},
                                    {"postal_code", "00200"},
                                    {"post_office", "Helsinki"}}),
                          403, "permission_denied", "street_address"));
    EXPECT_EQ(body_of(call("PATCH", path(id, "/contact"), session,
                           Json{{"email", "oma@example.fi"}}))["email"],
              "oma@example.fi");
    EXPECT_TRUE(IsProblem(
        call("PATCH", path(id, "/contact"), token(Role::kiosk), Json{{"email", "x@example.fi"}}),
        403, "permission_denied"));
}

TEST_F(HttpPatrons, TheCategoryIsSetByStaff) {
    const PatronId id = add_adult(2);
    EXPECT_EQ(call("PUT", path(id, "/category"), token(Role::home_service),
                   Json{{"category", "home_service"}})
                  .response.status,
              204U);
    EXPECT_EQ(body_of(call("GET", path(id), token(Role::admin)))["category"], "home_service");
    EXPECT_TRUE(IsProblem(call("PUT", path(id, "/category"), token(Role::circulation),
                               Json{{"category", "Not A Code"}}),
                          422, "invalid_input", "category"));
    EXPECT_TRUE(
        IsProblem(call("PUT", path(id, "/category"), token(Role::circulation), Json::object()), 422,
                  "invalid_input", "category"));
    EXPECT_TRUE(IsProblem(
        call("PUT", path(id, "/category"), token(Role::billing), Json{{"category", "senior"}}), 403,
        "permission_denied"));
}

TEST_F(HttpPatrons, CardActivityIsTodayUnlessADateIsGiven) {
    const PatronId id = add_adult(2);
    const std::string t = token(Role::kiosk);
    EXPECT_EQ(raw("POST", path(id, "/card-activity"), t, "", "").response.status, 204U);
    EXPECT_EQ(last_card_activity(id), "2026-11-24");
    // An earlier date does not move it back.
    EXPECT_EQ(
        call("POST", path(id, "/card-activity"), t, Json{{"date", "2026-11-20"}}).response.status,
        204U);
    EXPECT_EQ(last_card_activity(id), "2026-11-24");
    EXPECT_TRUE(IsProblem(call("POST", path(id, "/card-activity"), t, Json{{"date", "2026-11-25"}}),
                          422, "invalid_input", "date"));
    EXPECT_TRUE(IsProblem(call("POST", path(id, "/card-activity"), t, Json{{"date", "2026-02-30"}}),
                          422, "invalid_input", "date"));
    EXPECT_TRUE(IsProblem(call("POST", path(id, "/card-activity"), t, Json{{"date", 20261124}}),
                          422, "invalid_input", "date"));
}

TEST_F(HttpPatrons, GuardiansAreAddedAndTheirConsentRecorded) {
    const PatronId first = add_adult(2);
    const PatronId second = add_adult(3);
    const PatronId stranger = add_adult(4);
    const PatronId ward = add_ward(born_years_ago(9), 5, first, false);
    const std::string t = token(Role::circulation);

    EXPECT_EQ(
        call("POST", path(ward, "/guardians"), t, Json{{"guardian", second.value}}).response.status,
        204U);
    EXPECT_EQ(call("PUT", path(ward, fmt::format("/guardians/{}/consent", second.value)), t,
                   Json{{"consent", true}})
                  .response.status,
              204U);
    const Json record = body_of(call("GET", path(ward), t));
    EXPECT_EQ(record["guardians"], Json::array({first.value, second.value}));
    EXPECT_EQ(record["consenting_guardians"], Json::array({second.value}));

    EXPECT_TRUE(
        IsProblem(call("PUT", path(ward, fmt::format("/guardians/{}/consent", stranger.value)), t,
                       Json{{"consent", true}}),
                  404, "not_found", "guardian"));
    EXPECT_TRUE(IsProblem(call("POST", path(ward, "/guardians"), t, Json{{"guardian", ward.value}}),
                          422, "invalid_input", "guardian"));
    EXPECT_TRUE(
        IsProblem(call("POST", path(first, "/guardians"), t, Json{{"guardian", second.value}}), 422,
                  "invalid_input", "ward"));
    EXPECT_TRUE(IsProblem(call("POST", path(ward, "/guardians"), t, Json::object()), 422,
                          "invalid_input", "guardian"));
    EXPECT_TRUE(IsProblem(call("POST", path(ward, "/guardians"), token(Role::dpo),
                               Json{{"guardian", stranger.value}}),
                          403, "permission_denied"));
}

TEST_F(HttpPatrons, StaffSetAPinAndThePatronChangesItWithTheOldOne) {
    const PatronId id = add_adult(2);
    const std::string staff_token = token(Role::circulation);
    EXPECT_EQ(call("PUT", path(id, "/pin"), staff_token, Json{{"pin", std::string(kPin)}})
                  .response.status,
              204U);
    const auto verified = call("POST", "/v1/kiosk/verify", token(Role::kiosk),
                               Json{{"card_number", card_for(2)}, {"pin", std::string(kPin)}});
    EXPECT_EQ(body_of(verified)["outcome"], "verified");

    EXPECT_TRUE(IsProblem(call("PUT", path(id, "/pin"), staff_token, Json{{"pin", "1234"}}), 422,
                          "invalid_input", "pin"));
    EXPECT_TRUE(IsProblem(call("PUT", path(id, "/pin"), staff_token, Json{{"pin", 58203917}}), 422,
                          "invalid_input", "pin"));
    EXPECT_TRUE(IsProblem(call("PUT", path(id, "/pin"), staff_token, Json::object()), 422,
                          "invalid_input", "pin"));
    // Staff never know the old PIN: a change is the patron's.
    EXPECT_TRUE(
        IsProblem(call("PUT", path(id, "/pin"), staff_token,
                       Json{{"old_pin", std::string(kPin)}, {"pin", std::string(kOtherPin)}}),
                  403, "permission_denied"));

    const auto login_answer = login(card_for(2), kPin);
    const std::string session = body_of(login_answer, 201)["token"];
    const auto wrong =
        call("PUT", path(id, "/pin"), session,
             Json{{"old_pin", std::string(kWrongPin)}, {"pin", std::string(kOtherPin)}});
    EXPECT_TRUE(IsProblem(wrong, 401, "wrong_pin", "old_pin"));
    EXPECT_EQ(header(wrong, "WWW-Authenticate"), "Bearer");
    EXPECT_EQ(call("PUT", path(id, "/pin"), session,
                   Json{{"old_pin", std::string(kPin)}, {"pin", std::string(kOtherPin)}})
                  .response.status,
              204U);
    EXPECT_EQ(login(card_for(2), kOtherPin).response.status, 201U);
    // A patron cannot set a PIN without the old one.
    EXPECT_TRUE(IsProblem(call("PUT", path(id, "/pin"), session, Json{{"pin", std::string(kPin)}}),
                          403, "permission_denied"));
}

TEST_F(HttpPatrons, LoanHistoryConsentIsGrantedReadAndWithdrawn) {
    const PatronId id = add_adult(2);
    const std::string t = token(Role::home_service);
    EXPECT_TRUE(IsProblem(call("POST", path(id, "/loan-history/consent"), t, Json::object()), 422,
                          "invalid_input", "method"));
    EXPECT_TRUE(
        IsProblem(call("POST", path(id, "/loan-history/consent"), t, Json{{"method", "telepathy"}}),
                  422, "invalid_input", "method"));
    EXPECT_EQ(call("POST", path(id, "/loan-history/consent"), t, Json{{"method", "written"}})
                  .response.status,
              204U);
    EXPECT_TRUE(
        IsProblem(call("POST", path(id, "/loan-history/consent"), t, Json{{"method", "verbal"}}),
                  409, "conflict"));
    lend(id, "ITEM1");
    take_back("ITEM1");

    const Json history = body_of(call("GET", path(id, "/loan-history"), t));
    EXPECT_EQ(history["consent"]["method"], "written");
    EXPECT_EQ(history["consent"]["granted_by"], "client-home_service");
    ASSERT_EQ(history["entries"].size(), 1U);
    EXPECT_EQ(history["entries"][0]["item"]["barcode"], "ITEM1");

    EXPECT_EQ(body_of(call("DELETE", path(id, "/loan-history/consent"), t)),
              Json({{"deleted_entries", 1}}));
    EXPECT_TRUE(IsProblem(call("DELETE", path(id, "/loan-history/consent"), t), 404, "not_found"));
    EXPECT_EQ(body_of(call("GET", path(id, "/loan-history"), t)),
              Json({{"consent", nullptr}, {"entries", Json::array()}}));
    EXPECT_TRUE(IsProblem(call("GET", path(id, "/loan-history"), token(Role::circulation)), 403,
                          "permission_denied"));
}

TEST_F(HttpPatrons, APatronGrantsTheirOwnLoanHistoryConsentElectronically) {
    const PatronId id = add_adult(2);
    const std::string session = session_of(id);
    EXPECT_TRUE(IsProblem(
        call("POST", path(id, "/loan-history/consent"), session, Json{{"method", "written"}}), 422,
        "invalid_input", "method"));
    EXPECT_EQ(raw("POST", path(id, "/loan-history/consent"), session, "", "").response.status,
              204U);
    EXPECT_EQ(body_of(call("GET", path(id, "/loan-history"), session))["consent"]["method"],
              "electronic");
}

}  // namespace
}  // namespace patron::test
