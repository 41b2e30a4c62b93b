#include "pg/sql_values.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "patron/domain/date.hpp"
#include "patron/exception.hpp"

namespace patron::pg {

Params& Params::add(std::string value) {
    storage_.push_back(std::move(value));
    values_.push_back(storage_.back().c_str());
    return *this;
}

Params& Params::add(std::optional<std::string> value) {
    return value ? add(std::move(*value)) : add_null();
}

Params& Params::add_null() {
    values_.push_back(nullptr);
    return *this;
}

std::string bytea_text(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\\x";
    out.reserve(2 + 2 * bytes.size());
    for (unsigned char c : bytes) {
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
    return out;
}

std::string bytea_value(const pqxx::field& field) { return pqxx::binarystring(field).str(); }

TimePoint timestamp_from_micros(const pqxx::field& field) {
    return TimePoint{std::chrono::duration_cast<TimePoint::duration>(
        std::chrono::microseconds{field.as<std::int64_t>()})};
}

Date date_value(const pqxx::field& field) {
    const auto date = parse_iso_date(field.c_str());
    if (!date) throw_corrupt(field.name());
    return *date;
}

std::string text_array(const std::vector<std::string>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out.push_back(',');
        out.push_back('"');
        for (char c : items[i]) {
            if (c == '"' || c == '\\') out.push_back('\\');
            out.push_back(c);
        }
        out.push_back('"');
    }
    out.push_back('}');
    return out;
}

std::vector<std::string> text_array_value(const pqxx::field& field) {
    std::vector<std::string> items;
    auto parser = field.as_array();
    for (auto [juncture, value] = parser.get_next(); juncture != pqxx::array_parser::done;
         std::tie(juncture, value) = parser.get_next()) {
        if (juncture == pqxx::array_parser::string_value) items.push_back(std::move(value));
    }
    return items;
}

void throw_corrupt(std::string_view column) {
    throw DatabaseError(fmt::format("column {} holds a value the register never writes", column));
}

}  // namespace patron::pg
