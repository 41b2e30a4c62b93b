#include "patron/domain/patron.hpp"

#include "common/enum_names.hpp"

namespace patron {
namespace {

constexpr std::array<std::string_view, 2> kKinds{"person", "organisation"};
constexpr std::array<std::string_view, 4> kGenders{"not_given", "female", "male", "other"};
constexpr std::array<std::string_view, 4> kChannels{"none", "email", "sms", "letter"};

}  // namespace

std::string Patron::display_name() const {
    if (kind == PatronKind::organisation) return organisation_name;
    return surname + ", " + given_names;
}

std::string_view to_string(PatronKind kind) noexcept { return detail::name_of(kKinds, kind); }
std::string_view to_string(Gender gender) noexcept { return detail::name_of(kGenders, gender); }
std::string_view to_string(Channel channel) noexcept { return detail::name_of(kChannels, channel); }

std::optional<PatronKind> parse_patron_kind(std::string_view text) noexcept {
    return detail::parse_name<PatronKind>(kKinds, text);
}
std::optional<Gender> parse_gender(std::string_view text) noexcept {
    return detail::parse_name<Gender>(kGenders, text);
}
std::optional<Channel> parse_channel(std::string_view text) noexcept {
    return detail::parse_name<Channel>(kChannels, text);
}

}  // namespace patron
