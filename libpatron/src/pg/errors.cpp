#include "pg/errors.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "patron/exception.hpp"

namespace patron::pg {

void rethrow_translated(std::string_view operation) {
    try {
        throw;
    } catch (const patron::Exception&) {
        throw;
    } catch (const pqxx::transaction_rollback&) {
        // serialization_failure and deadlock_detected are not sql_errors in libpqxx 6.4.
        throw TransactionConflict(fmt::format("{}: transaction conflict, retry", operation));
    } catch (const pqxx::broken_connection&) {
        throw DatabaseError(fmt::format("{}: database connection lost", operation));
    } catch (const pqxx::in_doubt_error&) {
        throw DatabaseError(
            fmt::format("{}: connection lost during commit; outcome unknown", operation));
    } catch (const pqxx::sql_error& e) {
        // lock_not_available: a lock_timeout ran out while another transaction held the rows.
        if (e.sqlstate() == "55P03") {
            throw TransactionConflict(
                fmt::format("{}: rows locked by another transaction, retry", operation));
        }
        // libpqxx 6.4 leaves sqlstate() empty on its specific subclasses.
        throw DatabaseError(fmt::format("{}: database error (SQLSTATE {})", operation,
                                        e.sqlstate().empty() ? "not reported" : e.sqlstate()));
    } catch (const pqxx::usage_error&) {
        throw DatabaseError(fmt::format("{}: database API misuse", operation));
    } catch (const pqxx::failure&) {
        throw DatabaseError(fmt::format("{}: database failure", operation));
    } catch (const pqxx::conversion_error&) {
        throw DatabaseError(fmt::format("{}: unexpected value in the database", operation));
    } catch (...) {
        throw;
    }
}

}  // namespace patron::pg
