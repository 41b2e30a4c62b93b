#include "sip2/session.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "sip2/message.hpp"
#include "sip2/response_values.hpp"

namespace patron::sip2 {
namespace {

// The purpose every call made for a kiosk names, in the audit log.
constexpr std::string_view kPurpose = "self-service at kiosk";

// A login that fails this many times on one connection closes it: a kiosk has its credentials
// configured, a guesser does not.
constexpr int kMaxFailedLogins = 3;
// Refused messages in a row (malformed, bad checksum, unknown code, nothing to resend): the
// first ones are answered with 96 (or not at all), this one closes the connection, so a broken
// or hostile peer cannot keep the session busy.
constexpr int kMaxRefusedInARow = 3;
// Items of one list in a 64, whatever BP/BQ ask: keeps a response short.
constexpr std::size_t kMaxListItems = 50;

// Screen messages (AF). A locked card is told apart from a wrong PIN, so patrons stop retrying.
constexpr std::string_view kPinNeeded = "Please enter your PIN";
constexpr std::string_view kWrongPin = "Wrong PIN";
constexpr std::string_view kCardLocked = "Card locked: try again later";
constexpr std::string_view kUnknownCard = "Card not recognised";
constexpr std::string_view kNoPinSet = "No PIN set: please ask the staff";
constexpr std::string_view kKioskBusy = "Too many attempts at this kiosk: try again later";
constexpr std::string_view kBlocked = "Borrowing not possible: please ask the staff";
constexpr std::string_view kUnknownItem = "Item not known";

constexpr std::string_view kNoCount = "    ";  // a 64 count the kiosk may not learn (SIP2)

bool has(const std::vector<BorrowBlock>& blocks, BorrowBlock block) {
    return std::find(blocks.begin(), blocks.end(), block) != blocks.end();
}

// What a 23 or 63 learned of its card and PIN.
struct PatronCheck {
    std::optional<KioskAnswer> answer;  // empty: no PIN given, nothing verified

    [[nodiscard]] bool verified() const { return answer && answer->pin_ok; }

    // What the kiosk may learn of the patron's blocks: before a verified PIN, only that the card
    // is locked (which the patron must know to stop retrying).
    [[nodiscard]] std::vector<BorrowBlock> visible_blocks() const {
        if (!answer) return {};
        if (answer->pin_ok) return answer->blocks;
        if (has(answer->blocks, BorrowBlock::card_locked)) return {BorrowBlock::card_locked};
        return {};
    }

    [[nodiscard]] std::string_view screen_message() const {
        if (!answer) return kPinNeeded;
        switch (answer->outcome) {
            case VerifyOutcome::verified:
                return answer->blocks.empty() ? std::string_view() : kBlocked;
            case VerifyOutcome::throttled:
                return kKioskBusy;
            case VerifyOutcome::unknown_card:
                return kUnknownCard;
            case VerifyOutcome::no_pin:
                return kNoPinSet;
            case VerifyOutcome::locked:
                return kCardLocked;
            case VerifyOutcome::wrong_pin:
                break;
        }
        // The wrong PIN that locked the card is answered as a locked card.
        return has(answer->blocks, BorrowBlock::card_locked) ? kCardLocked : kWrongPin;
    }
};

}  // namespace

struct Session::Impl {
    service::Services& services;
    service::Metrics& metrics;
    const Sip2Settings& settings;
    Framer framer;
    std::optional<Caller> kiosk;  // set by a successful login
    std::string institution;      // the last AO received, as received
    std::string last_response;    // for 97
    int failed_logins = 0;
    int refused_in_a_row = 0;
    bool closed = false;

    Impl(service::Services& s, service::Metrics& m, const Sip2Settings& in_settings)
        : services(s), metrics(m), settings(in_settings), framer(in_settings.max_message_bytes) {}

    // Text from the kiosk, as UTF-8.
    [[nodiscard]] std::string in(std::string_view text) const {
        return settings.encoding == Sip2Encoding::cp850 ? cp850_to_utf8(text) : std::string(text);
    }
    // Text for the kiosk, in its character set.
    [[nodiscard]] std::string out(std::string_view utf8) const {
        return settings.encoding == Sip2Encoding::cp850 ? utf8_to_cp850(utf8) : std::string(utf8);
    }

    [[nodiscard]] std::string now() const { return transaction_date(services.context.clock.now()); }

    // Writes an answer to `request` and remembers it for 97.
    void send(const Request& request, const Response& response, Output& output) {
        last_response = response.finish(request.sequence);
        output.responses.push_back(last_response);
        metrics.record_sip2_message(request.code);
        refused_in_a_row = 0;
    }

    // A message that gets no proper answer: 96 (request resend) when `resend`. False: close.
    bool refuse(Output& output, bool resend) {
        metrics.record_sip2_message("invalid");
        if (++refused_in_a_row >= kMaxRefusedInARow) return false;
        if (resend) {
            last_response = Response("96").finish(std::nullopt);
            output.responses.push_back(last_response);
        }
        return true;
    }

    // Answers one framed message. False: close the connection.
    bool handle(std::string_view message, Output& output) {
        auto request = parse(message, settings.max_message_bytes);
        // A bad checksum asks for a resend (SIP2 "Error detection"); so does malformed input, a
        // couple of times, in case the line garbled it.
        if (!request) return refuse(output, true);
        if (const std::string* ao = request->field("AO")) institution = *ao;
        const std::string& code = request->code;
        if (code == "97") return resend(output);
        if (code == "93") return login(*request, output);
        if (code == "99") return status(*request, output);
        // Nothing for anyone not logged in.
        if (!kiosk) {
            metrics.record_sip2_message("invalid");
            return false;
        }
        if (code == "23") return patron_status(*request, output);
        if (code == "63") return patron_information(*request, output);
        if (code == "35") return end_session(*request, output);
        if (code == "17") return item_information(*request, output);
        // A message this ACS does not serve (BX of the 98 lists those it does): no answer, as an
        // answer of another kind would mislead the kiosk; counted towards closing.
        return refuse(output, false);
    }

    bool resend(Output& output) {
        if (last_response.empty()) return refuse(output, false);
        output.responses.push_back(last_response);
        metrics.record_sip2_message("97");
        refused_in_a_row = 0;
        return true;
    }

    // 93 → 94. CN is an API client's name, CO its token; the client must have role kiosk. A new
    // login replaces the previous one, also when it fails.
    bool login(const Request& request, Output& output) {
        kiosk.reset();
        const std::string name = in(request.field_or_empty("CN"));
        const std::string token = in(request.field_or_empty("CO"));
        std::optional<Caller> caller;
        if (!name.empty() && !token.empty()) {
            caller = services.clients.authenticate(token, kPurpose);
        }
        const bool ok = caller && caller->actor == name && caller->role == Role::kiosk;
        if (ok) {
            kiosk = std::move(caller);
        } else {
            ++failed_logins;
        }
        send(request, Response("94").fixed(ok ? "1" : "0"), output);
        return ok || failed_logins < kMaxFailedLogins;
    }

    // 99 → 98. Only the messages of kSupportedMessages are offered: no checkin, checkout,
    // renewal or status update yet, no offline operation.
    bool status(const Request& request, Output& output) {
        Response response("98");
        response
            .fixed("Y")      // on-line
            .fixed("N")      // checkin ok
            .fixed("N")      // checkout ok
            .fixed("N")      // ACS renewal policy
            .fixed("N")      // status update ok
            .fixed("N")      // off-line ok
            .fixed("030")    // timeout period
            .fixed("003")    // retries allowed
            .fixed(now())    // date / time sync
            .fixed("2.00");  // protocol version
        response.field("AO", institution).field("AM", "").field("BX", kSupportedMessages);
        send(request, response, output);
        return true;
    }

    // The card (AA) and PIN (AD) of a 23 or 63 through the kiosk verifier, so lockout and
    // throttling apply. Empty: a refusal a kiosk cannot cause (close).
    std::optional<PatronCheck> check_patron(const Request& request) {
        const std::string_view pin = request.field_or_empty("AD");
        // No PIN is not a wrong PIN: the verifier would count it towards the lockout.
        if (pin.empty()) return PatronCheck{};
        auto answer = services.kiosk.verify(*kiosk, in(request.field_or_empty("AA")), in(pin),
                                            KioskProfile{.disclose_name = settings.disclose_name});
        if (!answer) {
            // Not a card number: to the kiosk, a card like any other it does not know.
            if (answer.error().code == ErrorCode::invalid_input) return PatronCheck{KioskAnswer{}};
            return std::nullopt;
        }
        metrics.record_verification(service::Transport::sip2, *answer);
        return PatronCheck{std::move(*answer)};
    }

    // The fixed part both 24 and 64 start with.
    Response patron_response(std::string code, const Request& request,
                             const PatronCheck& check) const {
        Response response(std::move(code));
        response.fixed(sip2::patron_status(check.visible_blocks()))
            .fixed(std::string_view(request.fixed).substr(0, 3))  // language, as asked
            .fixed(now());
        return response;
    }

    // AO, AA and AE, the first fields of 24 and 64.
    void identity_fields(Response& response, const Request& request,
                         const PatronCheck& check) const {
        response.field("AO", request.field_or_empty("AO"))
            .field("AA", request.field_or_empty("AA"));
        if (check.verified() && check.answer->display_name) {
            response.field("AE", out(*check.answer->display_name));
        }
    }

    // BL and CQ: whether the card is known and the PIN right. Not when nothing was verified, nor
    // for a throttled kiosk, which learnt neither.
    static void validity_fields(Response& response, const PatronCheck& check) {
        if (!check.answer || check.answer->outcome == VerifyOutcome::throttled) return;
        response.field("BL", check.answer->card_known ? "Y" : "N")
            .field("CQ", check.answer->pin_ok ? "Y" : "N");
    }

    static void screen_field(Response& response, const PatronCheck& check) {
        if (const std::string_view text = check.screen_message(); !text.empty()) {
            response.field("AF", text);
        }
    }

    // 23 → 24: whether the patron is valid and may borrow; no personal data before the PIN.
    bool patron_status(const Request& request, Output& output) {
        const auto check = check_patron(request);
        if (!check) return false;
        Response response = patron_response("24", request, *check);
        identity_fields(response, request, *check);
        validity_fields(response, *check);
        response.field("BH", "EUR");
        screen_field(response, *check);
        send(request, response, output);
        return true;
    }

    // The verified patron's circulation record, read on the patron's behalf: the patron is at
    // the kiosk, authenticated by card and PIN, and role kiosk itself may not read records.
    // Empty for a patron under restriction of processing (GDPR art. 18: no kiosk use) or when
    // the record is refused.
    std::optional<CirculationRecord> record_of(const KioskAnswer& answer) {
        if (!answer.patron || has(answer.blocks, BorrowBlock::processing_restricted)) {
            return std::nullopt;
        }
        const Caller patron{kiosk->actor, Role::patron, std::string(kPurpose), answer.patron};
        auto record = services.circulation.record(patron, *answer.patron);
        if (!record) return std::nullopt;
        return std::move(*record);
    }

    // The items of `list` in `record`: barcodes (a kiosk asks 17 for a title), and for fees the
    // amount and what the fee is for.
    std::vector<std::string> items(const CirculationRecord& record, ItemList list) const {
        std::vector<std::string> values;
        const Date today = services.context.clock.today();
        switch (list) {
            case ItemList::hold:
            case ItemList::unavailable_hold: {
                const HoldStatus wanted =
                    list == ItemList::hold ? HoldStatus::ready : HoldStatus::placed;
                for (const Hold& hold : record.holds) {
                    if (hold.status == wanted) values.push_back(hold.item.barcode());
                }
                break;
            }
            case ItemList::overdue:
            case ItemList::charged:
                for (const Loan& loan : record.loans) {
                    if (list == ItemList::charged || loan.due_on < today) {
                        values.push_back(loan.item.barcode());
                    }
                }
                break;
            case ItemList::fine:
                for (const Fee& fee : record.fees) values.push_back(fine_item(fee));
                break;
            case ItemList::recall:
                break;
        }
        return values;
    }

    // "<barcode> 12.50 EUR <description>", parts the fee lacks left out.
    std::string fine_item(const Fee& fee) const {
        std::string text = fee.barcode ? *fee.barcode + " " : std::string();
        text += euros(fee.amount_cents) + " EUR";
        text +=
            " " + (fee.description.empty() ? std::string(to_string(fee.kind)) : fee.description);
        return out(text);
    }

    // 63 → 64: 24's answer and, after a verified PIN, the counts, the fee amount and limit, and
    // the item list the summary field asks for (BP/BQ honoured).
    bool patron_information(const Request& request, Output& output) {
        const auto check = check_patron(request);
        if (!check) return false;
        std::optional<CirculationRecord> record;
        if (check->verified()) record = record_of(*check->answer);

        Response response = patron_response("64", request, *check);
        const Date today = services.context.clock.today();
        if (record) {
            const auto ready =
                std::count_if(record->holds.begin(), record->holds.end(),
                              [](const Hold& h) { return h.status == HoldStatus::ready; });
            const auto overdue = std::count_if(record->loans.begin(), record->loans.end(),
                                               [&](const Loan& l) { return l.due_on < today; });
            response.fixed(count_field(static_cast<std::size_t>(ready)))
                .fixed(count_field(static_cast<std::size_t>(overdue)))
                .fixed(count_field(record->loans.size()))
                .fixed(count_field(record->fees.size()))
                .fixed(count_field(0))  // recalls do not exist in the register
                .fixed(count_field(record->holds.size() - static_cast<std::size_t>(ready)));
        } else {
            for (int i = 0; i < 6; ++i) response.fixed(kNoCount);
        }
        identity_fields(response, request, *check);
        validity_fields(response, *check);
        response.field("BH", "EUR");
        if (record) {
            std::int64_t unpaid = 0;
            for (const Fee& fee : record->fees) unpaid += fee.amount_cents;
            response.field("BV", euros(unpaid))
                .field("CC", euros(services.config.circulation.fee_limit_cents));
            const std::string_view summary = std::string_view(request.fixed).substr(21, 10);
            if (const auto list = requested_list(summary)) {
                const auto values = items(*record, *list);
                const ItemWindow window = item_window(request.field("BP"), request.field("BQ"),
                                                      values.size(), kMaxListItems);
                for (std::size_t i = window.first; i < window.end; ++i) {
                    response.field(list_field(*list), values[i]);
                }
            }
        }
        // BD, BE, BF (address, email, phone): never; a kiosk has no need of them.
        screen_field(response, *check);
        send(request, response, output);
        return true;
    }

    // 35 → 36. The session keeps nothing of the patron beyond the last response, which the 36
    // replaces.
    bool end_session(const Request& request, Output& output) {
        Response response("36");
        response.fixed("Y").fixed(now());
        response.field("AO", request.field_or_empty("AO"))
            .field("AA", request.field_or_empty("AA"));
        send(request, response, output);
        return true;
    }

    // 17 → 18, from what the register knows of the item; nothing of who has or holds it.
    bool item_information(const Request& request, Output& output) {
        const std::string_view barcode = request.field_or_empty("AB");
        const auto status = services.circulation.item_status(*kiosk, in(barcode));
        if (!status && status.error().code != ErrorCode::not_found &&
            status.error().code != ErrorCode::invalid_input) {
            return false;
        }
        // Circulation status: 01 other (unknown item), 03 available, 04 charged, 08 waiting on
        // hold shelf.
        std::string_view circulation = "01";
        if (status) {
            circulation = status->due_on ? "04" : status->on_hold_shelf ? "08" : "03";
        }
        Response response("18");
        response.fixed(circulation)
            .fixed("00")  // security marker: other
            .fixed("01")  // fee type: other/unknown
            .fixed(now());
        if (status) {
            response.field("CF", std::to_string(status->holds));
            if (status->due_on) response.field("AH", due_date(*status->due_on));
            response.field("AB", out(status->item.barcode()))
                .field("AJ", out(status->item.title()));
        } else {
            response.field("AB", barcode).field("AJ", "").field("AF", kUnknownItem);
        }
        send(request, response, output);
        return true;
    }
};

Session::Session(service::Services& services, service::Metrics& metrics,
                 const Sip2Settings& settings)
    : impl_(std::make_unique<Impl>(services, metrics, settings)) {}
Session::~Session() = default;

Output Session::receive(std::string_view bytes) noexcept {
    Output output;
    Impl& s = *impl_;
    if (s.closed) {
        output.close = true;
        return output;
    }
    try {
        s.framer.append(bytes);
        while (!s.closed) {
            const std::optional<std::string> message = s.framer.next();
            if (!message) break;
            if (!s.handle(*message, output)) s.closed = true;
        }
        // An oversized message: the stream cannot be resynchronised safely.
        if (!s.closed && s.framer.too_long()) {
            s.metrics.record_sip2_message("invalid");
            s.closed = true;
        }
    } catch (...) {
        // Storage failures (DatabaseError, TransactionConflict) and anything unforeseen: nothing
        // half-done is answered; the kiosk reconnects and asks again.
        s.closed = true;
    }
    output.close = s.closed;
    return output;
}

}  // namespace patron::sip2
