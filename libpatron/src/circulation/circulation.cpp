#include "patron/circulation/circulation.hpp"

#include <algorithm>

#include "access/authorization.hpp"
#include "circulation/borrowing.hpp"
#include "common/text.hpp"
#include "patron/domain/date.hpp"

namespace patron {
namespace {

constexpr std::int64_t kMaxFeeCents = 100'000'000;  // 1 000 000 EUR
constexpr std::size_t kMaxTextBytes = 500;

enum class Settle { pay, cancel };

bool is_open(const Hold& hold) {
    return hold.status == HoldStatus::placed || hold.status == HoldStatus::ready;
}

tl::unexpected<Error> no_such(const char* what) {
    return fail(ErrorCode::not_found, "", std::string("no such ") + what);
}

// A refusal as a Result of any type.
template <class T>
Result<T> refused(const Result<void>& check) {
    return tl::unexpected(check.error());
}

}  // namespace

struct Circulation::Impl {
    Context context;
    CirculationSettings settings;

    AuditEvent event(const Caller& caller, Operation operation, PatronId patron,
                     std::vector<std::string> fields) const {
        return detail::audit_event(context.clock, caller, operation, patron, std::move(fields));
    }

    // The table's scope for the patron a looked-up row belongs to (empty: no such row).
    Result<void> check_target(const Caller& caller, Operation operation,
                              std::optional<PatronId> target, store::Transaction& tx) const {
        return detail::check_target(caller, operation, target, tx.patrons(), context.clock.today());
    }

    // The patron's borrowing state, locked, when they exist and may borrow now.
    Result<store::BorrowerState> borrower(store::Transaction& tx, PatronId patron) const {
        auto state = tx.circulation().lock_borrower(patron, context.clock.today());
        if (!state) return no_such("patron");
        const auto blocks =
            detail::borrow_blocks(*state, settings, context.clock.now(), context.clock.today());
        if (!blocks.empty()) return detail::borrowing_blocked(blocks);
        return std::move(*state);
    }

    static void finish(store::Transaction& tx, const AuditEvent& event) {
        tx.audit().append({&event, 1});
        tx.commit();
    }

    Result<void> settle_fee(const Caller& caller, FeeId id, Settle how) const {
        if (auto ok = detail::check_caller(caller, Operation::settle_fee); !ok) return ok;
        auto tx = context.database.begin();
        auto& circulation = tx->circulation();
        const auto fee = circulation.lock_fee(id);
        const auto target = fee ? std::optional(fee->patron) : std::nullopt;
        if (auto ok = check_target(caller, Operation::settle_fee, target, *tx); !ok) return ok;
        if (!fee) return no_such("fee");
        if (fee->paid_at || fee->cancelled_at) {
            return fail(ErrorCode::conflict, "fee", "the fee is already settled");
        }
        if (fee->invoice) {
            return fail(ErrorCode::conflict, "fee", "the fee is on an open invoice: settle that");
        }
        if (how == Settle::pay) {
            circulation.pay_fee(id, context.clock.now(), caller.actor);
        } else {
            circulation.cancel_fee(id, context.clock.now(), caller.actor);
        }
        finish(*tx, event(caller, Operation::settle_fee, fee->patron, {"fees"}));
        return {};
    }

    Result<void> settle_invoice(const Caller& caller, InvoiceId id, Settle how) const {
        if (auto ok = detail::check_caller(caller, Operation::handle_invoices); !ok) return ok;
        auto tx = context.database.begin();
        auto& circulation = tx->circulation();
        const auto invoice = circulation.lock_invoice(id);
        const auto target = invoice ? std::optional(invoice->patron) : std::nullopt;
        if (auto ok = check_target(caller, Operation::handle_invoices, target, *tx); !ok) {
            return ok;
        }
        if (!invoice) return no_such("invoice");
        if (invoice->status != InvoiceStatus::open) {
            return fail(ErrorCode::conflict, "invoice", "the invoice is closed");
        }
        if (how == Settle::pay) {
            circulation.pay_invoice(id, context.clock.now(), caller.actor);
        } else {
            circulation.cancel_invoice(id, context.clock.now(), caller.actor);
        }
        finish(*tx,
               event(caller, Operation::handle_invoices, invoice->patron, {"invoices", "fees"}));
        return {};
    }
};

Circulation::Circulation(const Context& context, const CirculationSettings& settings)
    : impl_(std::make_unique<Impl>(Impl{context, settings})) {}
Circulation::~Circulation() = default;

Result<Loan> Circulation::checkout(const Caller& caller, PatronId patron, const Item& item) {
    if (auto ok = detail::check_caller(caller, Operation::checkout); !ok) return refused<Loan>(ok);
    auto tx = impl_->context.database.begin();
    if (auto ok = impl_->check_target(caller, Operation::checkout, patron, *tx); !ok) {
        return refused<Loan>(ok);
    }
    const auto borrower = impl_->borrower(*tx, patron);
    if (!borrower) return tl::unexpected(borrower.error());
    auto& circulation = tx->circulation();

    // A hold of the patron's own is fulfilled; an item waiting for someone else stays theirs.
    std::optional<HoldId> own_hold;
    for (const Hold& hold : circulation.open_holds_on_item(item.barcode())) {
        if (hold.patron == patron) {
            own_hold = hold.id;
        } else if (hold.status == HoldStatus::ready) {
            return fail(ErrorCode::conflict, "barcode", "the item is held for another patron");
        }
    }
    const auto rule = circulation.loan_rule(item.material_type(), borrower->category);
    const TimePoint now = impl_->context.clock.now();
    const Date due = add_days(impl_->context.clock.today(), rule.loan_days);
    auto loan = circulation.insert_loan(patron, item, now, caller.actor, due);
    if (!loan) return fail(ErrorCode::conflict, "barcode", "the item is already on loan");
    std::vector<std::string> fields{"loans"};
    if (own_hold) {
        circulation.close_hold(*own_hold, HoldStatus::fulfilled, now, caller.actor);
        fields.emplace_back("holds");
    }
    Impl::finish(*tx, impl_->event(caller, Operation::checkout, patron, std::move(fields)));
    return std::move(*loan);
}

Result<Loan> Circulation::renew(const Caller& caller, LoanId id) {
    if (auto ok = detail::check_caller(caller, Operation::renew); !ok) return refused<Loan>(ok);
    auto tx = impl_->context.database.begin();
    auto& circulation = tx->circulation();
    auto loan = circulation.lock_loan(id);
    const auto target = loan ? std::optional(loan->patron) : std::nullopt;
    if (auto ok = impl_->check_target(caller, Operation::renew, target, *tx); !ok) {
        return refused<Loan>(ok);
    }
    if (!loan) return no_such("loan");
    const auto borrower = impl_->borrower(*tx, loan->patron);
    if (!borrower) return tl::unexpected(borrower.error());
    const auto rule = circulation.loan_rule(loan->item.material_type(), borrower->category);
    if (loan->renewals >= rule.max_renewals) {
        return fail(ErrorCode::not_renewable, "loan", "the renewal limit is reached");
    }
    if (!circulation.open_holds_on_item(loan->item.barcode()).empty()) {
        return fail(ErrorCode::not_renewable, "loan", "the item has holds");
    }
    // From today, never shortening the loan when renewed early.
    loan->due_on = std::max(loan->due_on, add_days(impl_->context.clock.today(), rule.loan_days));
    ++loan->renewals;
    circulation.renew_loan(id, loan->due_on);
    Impl::finish(*tx, impl_->event(caller, Operation::renew, loan->patron, {"loans"}));
    return std::move(*loan);
}

Result<void> Circulation::return_item(const Caller& caller, std::string_view barcode) {
    if (auto ok = detail::check_caller(caller, Operation::return_item); !ok) return ok;
    const auto code = Item::parse_barcode(barcode);
    if (!code) return tl::unexpected(code.error());
    auto tx = impl_->context.database.begin();
    auto& circulation = tx->circulation();
    const auto loan = circulation.lock_loan_of_item(*code);
    const auto target = loan ? std::optional(loan->patron) : std::nullopt;
    if (auto ok = impl_->check_target(caller, Operation::return_item, target, *tx); !ok) {
        return ok;
    }
    if (!loan) return fail(ErrorCode::not_found, "barcode", "the item is not on loan");
    std::vector<std::string> fields{"loans"};
    if (circulation.return_loan(loan->id, impl_->context.clock.now(), caller.actor)) {
        fields.emplace_back("loan_history");
    }
    Impl::finish(*tx,
                 impl_->event(caller, Operation::return_item, loan->patron, std::move(fields)));
    return {};
}

Result<Hold> Circulation::place_hold(const Caller& caller, PatronId patron, const Item& item) {
    if (auto ok = detail::check_caller(caller, Operation::place_hold); !ok) {
        return refused<Hold>(ok);
    }
    auto tx = impl_->context.database.begin();
    if (auto ok = impl_->check_target(caller, Operation::place_hold, patron, *tx); !ok) {
        return refused<Hold>(ok);
    }
    if (const auto borrower = impl_->borrower(*tx, patron); !borrower) {
        return tl::unexpected(borrower.error());
    }
    auto& circulation = tx->circulation();
    // Read, not locked: renewals lock a loan before its patron, and this holds the patron.
    const auto loans = circulation.loans(patron);
    if (std::any_of(loans.begin(), loans.end(),
                    [&](const Loan& loan) { return loan.item.barcode() == item.barcode(); })) {
        return fail(ErrorCode::conflict, "barcode", "the patron has the item on loan");
    }
    auto hold = circulation.insert_hold(patron, item, impl_->context.clock.now(), caller.actor);
    if (!hold) return fail(ErrorCode::conflict, "barcode", "the patron already holds the item");
    Impl::finish(*tx, impl_->event(caller, Operation::place_hold, patron, {"holds"}));
    return std::move(*hold);
}

Result<void> Circulation::cancel_hold(const Caller& caller, HoldId id) {
    if (auto ok = detail::check_caller(caller, Operation::cancel_hold); !ok) return ok;
    auto tx = impl_->context.database.begin();
    auto& circulation = tx->circulation();
    const auto hold = circulation.lock_hold(id);
    const auto target = hold ? std::optional(hold->patron) : std::nullopt;
    if (auto ok = impl_->check_target(caller, Operation::cancel_hold, target, *tx); !ok) {
        return ok;
    }
    if (!hold) return no_such("hold");
    if (!is_open(*hold)) return fail(ErrorCode::conflict, "hold", "the hold is closed");
    circulation.close_hold(id, HoldStatus::cancelled, impl_->context.clock.now(), caller.actor);
    Impl::finish(*tx, impl_->event(caller, Operation::cancel_hold, hold->patron, {"holds"}));
    return {};
}

Result<Hold> Circulation::hold_ready(const Caller& caller, HoldId id) {
    if (auto ok = detail::check_caller(caller, Operation::handle_holds); !ok) {
        return refused<Hold>(ok);
    }
    auto tx = impl_->context.database.begin();
    auto& circulation = tx->circulation();
    auto hold = circulation.lock_hold(id);
    const auto target = hold ? std::optional(hold->patron) : std::nullopt;
    if (auto ok = impl_->check_target(caller, Operation::handle_holds, target, *tx); !ok) {
        return refused<Hold>(ok);
    }
    if (!hold) return no_such("hold");
    if (hold->status != HoldStatus::placed) {
        return fail(ErrorCode::conflict, "hold", "only a placed hold becomes ready");
    }
    hold->status = HoldStatus::ready;
    hold->pickup_by = add_days(impl_->context.clock.today(), impl_->settings.hold_pickup_days);
    circulation.set_hold_ready(id, impl_->context.clock.now(), *hold->pickup_by);
    Impl::finish(*tx, impl_->event(caller, Operation::handle_holds, hold->patron, {"holds"}));
    return std::move(*hold);
}

Result<std::size_t> Circulation::expire_holds(const Caller& caller) {
    if (auto ok = detail::authorize(caller, Operation::handle_holds); !ok) {
        return refused<std::size_t>(ok);
    }
    auto tx = impl_->context.database.begin();
    const auto expired = tx->circulation().expire_holds(impl_->context.clock.today(),
                                                        impl_->context.clock.now(), caller.actor);
    std::vector<AuditEvent> events;
    events.reserve(expired.size());
    for (const Hold& hold : expired) {
        events.push_back(impl_->event(caller, Operation::handle_holds, hold.patron, {"holds"}));
    }
    tx->audit().append(events);
    tx->commit();
    return expired.size();
}

Result<Fee> Circulation::charge_fee(const Caller& caller, PatronId patron, FeeKind kind,
                                    std::int64_t amount_cents, std::string_view description,
                                    const std::optional<std::string>& barcode) {
    if (auto ok = detail::check_caller(caller, Operation::charge_fee); !ok) {
        return refused<Fee>(ok);
    }
    if (amount_cents < 1 || amount_cents > kMaxFeeCents) {
        return invalid("amount_cents", "must be 1-100000000 cents");
    }
    std::string text;
    if (!trim(description).empty()) {
        auto valid = detail::text_field("description", description, kMaxTextBytes);
        if (!valid) return tl::unexpected(valid.error());
        text = std::move(*valid);
    }
    std::optional<std::string> code;
    if (barcode) {
        auto valid = Item::parse_barcode(*barcode);
        if (!valid) return tl::unexpected(valid.error());
        code = std::move(*valid);
    }
    auto tx = impl_->context.database.begin();
    if (auto ok = impl_->check_target(caller, Operation::charge_fee, patron, *tx); !ok) {
        return refused<Fee>(ok);
    }
    auto& circulation = tx->circulation();
    if (!circulation.lock_borrower(patron, impl_->context.clock.today())) {
        return no_such("patron");
    }
    auto fee = circulation.insert_fee(patron, kind, amount_cents, text, code,
                                      impl_->context.clock.now(), caller.actor);
    if (!fee) return fail(ErrorCode::not_found, "barcode", "no such item");
    Impl::finish(*tx, impl_->event(caller, Operation::charge_fee, patron, {"fees"}));
    return std::move(*fee);
}

Result<void> Circulation::pay_fee(const Caller& caller, FeeId fee) {
    return impl_->settle_fee(caller, fee, Settle::pay);
}

Result<void> Circulation::cancel_fee(const Caller& caller, FeeId fee) {
    return impl_->settle_fee(caller, fee, Settle::cancel);
}

Result<Invoice> Circulation::create_invoice(const Caller& caller, PatronId patron) {
    if (auto ok = detail::check_caller(caller, Operation::handle_invoices); !ok) {
        return refused<Invoice>(ok);
    }
    auto tx = impl_->context.database.begin();
    if (auto ok = impl_->check_target(caller, Operation::handle_invoices, patron, *tx); !ok) {
        return refused<Invoice>(ok);
    }
    auto& circulation = tx->circulation();
    const Date today = impl_->context.clock.today();
    if (!circulation.lock_borrower(patron, today)) return no_such("patron");
    auto invoice =
        circulation.insert_invoice(patron, today, add_days(today, impl_->settings.invoice_due_days),
                                   impl_->context.clock.now(), caller.actor);
    if (!invoice) return invalid("patron", "has no unpaid fees to invoice");
    Impl::finish(*tx,
                 impl_->event(caller, Operation::handle_invoices, patron, {"invoices", "fees"}));
    return std::move(*invoice);
}

Result<void> Circulation::pay_invoice(const Caller& caller, InvoiceId invoice) {
    return impl_->settle_invoice(caller, invoice, Settle::pay);
}

Result<void> Circulation::cancel_invoice(const Caller& caller, InvoiceId invoice) {
    return impl_->settle_invoice(caller, invoice, Settle::cancel);
}

Result<LoanBan> Circulation::set_loan_ban(const Caller& caller, PatronId patron,
                                          std::string_view reason, Date starts_on,
                                          std::optional<Date> ends_on) {
    if (auto ok = detail::check_caller(caller, Operation::handle_loan_bans); !ok) {
        return refused<LoanBan>(ok);
    }
    auto text = detail::text_field("reason", reason, kMaxTextBytes);
    if (!text) return tl::unexpected(text.error());
    if (!starts_on.ok()) return invalid("starts_on", "is not a calendar date");
    if (ends_on && (!ends_on->ok() || *ends_on < starts_on)) {
        return invalid("ends_on", "must be a calendar date on or after starts_on");
    }
    auto tx = impl_->context.database.begin();
    if (auto ok = impl_->check_target(caller, Operation::handle_loan_bans, patron, *tx); !ok) {
        return refused<LoanBan>(ok);
    }
    auto& circulation = tx->circulation();
    if (!circulation.lock_borrower(patron, impl_->context.clock.today())) {
        return no_such("patron");
    }
    LoanBan ban = circulation.insert_loan_ban(patron, *text, starts_on, ends_on,
                                              impl_->context.clock.now(), caller.actor);
    Impl::finish(*tx, impl_->event(caller, Operation::handle_loan_bans, patron, {"loan_bans"}));
    return ban;
}

Result<void> Circulation::lift_loan_ban(const Caller& caller, LoanBanId id) {
    if (auto ok = detail::check_caller(caller, Operation::handle_loan_bans); !ok) return ok;
    auto tx = impl_->context.database.begin();
    auto& circulation = tx->circulation();
    const auto ban = circulation.lock_loan_ban(id);
    const auto target = ban ? std::optional(ban->patron) : std::nullopt;
    if (auto ok = impl_->check_target(caller, Operation::handle_loan_bans, target, *tx); !ok) {
        return ok;
    }
    if (!ban) return no_such("loan ban");
    if (ban->lifted_at) return fail(ErrorCode::conflict, "loan_ban", "the ban is already lifted");
    circulation.lift_loan_ban(id, impl_->context.clock.now(), caller.actor);
    Impl::finish(*tx,
                 impl_->event(caller, Operation::handle_loan_bans, ban->patron, {"loan_bans"}));
    return {};
}

Result<ItemStatus> Circulation::item_status(const Caller& caller, std::string_view barcode) {
    if (auto ok = detail::authorize(caller, Operation::checkout); !ok) {
        return refused<ItemStatus>(ok);
    }
    const auto code = Item::parse_barcode(barcode);
    if (!code) return tl::unexpected(code.error());
    auto tx = impl_->context.database.begin(store::Atomicity::statement);
    auto status = tx->circulation().item_status(*code);
    tx->commit();
    if (!status) return fail(ErrorCode::not_found, "barcode", "no such item");
    return std::move(*status);
}

Result<CirculationRecord> Circulation::record(const Caller& caller, PatronId patron) {
    if (auto ok = detail::check_caller(caller, Operation::read_circulation); !ok) {
        return refused<CirculationRecord>(ok);
    }
    auto tx = impl_->context.database.begin();
    if (auto ok = impl_->check_target(caller, Operation::read_circulation, patron, *tx); !ok) {
        return refused<CirculationRecord>(ok);
    }
    if (!tx->patrons().find_by_id(patron)) return no_such("patron");
    auto& circulation = tx->circulation();
    CirculationRecord record{circulation.loans(patron),
                             circulation.holds(patron),
                             circulation.fees(patron),
                             circulation.invoices(patron),
                             circulation.loan_bans(patron, impl_->context.clock.today()),
                             tx->messages().messages(patron)};
    Impl::finish(*tx,
                 impl_->event(caller, Operation::read_circulation, patron,
                              {"loans", "holds", "fees", "invoices", "loan_bans", "messages"}));
    return record;
}

Result<CirculationSummary> Circulation::summary(const Caller& caller, PatronId patron) {
    if (auto ok = detail::check_caller(caller, Operation::read_summary); !ok) {
        return refused<CirculationSummary>(ok);
    }
    // One statement and the audit entry: the read is returned only once its entry is written.
    auto tx = impl_->context.database.begin(store::Atomicity::statement);
    if (auto ok = impl_->check_target(caller, Operation::read_summary, patron, *tx); !ok) {
        return refused<CirculationSummary>(ok);
    }
    const Date today = impl_->context.clock.today();
    auto row = tx->circulation().summary(patron, today);
    if (!row) return no_such("patron");
    CirculationSummary summary = std::move(row->counts);
    summary.blocks =
        detail::borrow_blocks(row->borrower, impl_->settings, impl_->context.clock.now(), today);
    summary.may_borrow = summary.blocks.empty();
    Impl::finish(*tx, impl_->event(caller, Operation::read_summary, patron, {}));
    return summary;
}

}  // namespace patron
