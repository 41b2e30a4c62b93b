#pragma once
// Conversions between domain values and the text forms PostgreSQL parameters and results use,
// and a builder for a prepared statement's parameters (some of them NULL).

#include <deque>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "patron/clock.hpp"

namespace patron::pg {

/// Parameters of one statement call. Values are copied and stay valid as long as the object.
class Params {
public:
    Params& add(std::string value);
    Params& add(std::optional<std::string> value);
    Params& add_null();
    [[nodiscard]] auto dynamic() const { return pqxx::prepare::make_dynamic_params(values_); }

private:
    std::deque<std::string> storage_;  // deque: pointers into it stay valid as it grows
    std::vector<const char*> values_;
};

/// bytea in PostgreSQL's hex text form ("\x0a1b").
[[nodiscard]] std::string bytea_text(std::string_view bytes);
/// bytea result field to raw bytes.
[[nodiscard]] std::string bytea_value(const pqxx::field& field);

/// Timestamps are written as to_iso(TimePoint) text and read back as: a result column selected as
/// `(extract(epoch FROM col) * 1000000)::bigint`.
[[nodiscard]] TimePoint timestamp_from_micros(const pqxx::field& field);

/// Dates are written as to_iso(Date) text and read back by this.
/// @throws DatabaseError on a malformed stored date
[[nodiscard]] Date date_value(const pqxx::field& field);

/// text[] literal ("{"a","b"}") with quoting, and back.
[[nodiscard]] std::string text_array(const std::vector<std::string>& items);
[[nodiscard]] std::vector<std::string> text_array_value(const pqxx::field& field);

/// @throws DatabaseError saying that `column` holds a value the register never writes.
[[noreturn]] void throw_corrupt(std::string_view column);

/// Re-validates a stored value through its domain type's parse(): values are only constructed
/// validated, and a failure means the database was changed behind the register's back.
template <class Value, class... Extra>
[[nodiscard]] Value stored(std::string_view column, const std::string& text,
                           const Extra&... extra) {
    auto value = Value::parse(text, extra...);
    if (!value) throw_corrupt(column);
    return std::move(*value);
}

}  // namespace patron::pg
