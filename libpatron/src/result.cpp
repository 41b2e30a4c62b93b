#include "patron/result.hpp"

namespace patron {

std::string_view to_string(ErrorCode code) noexcept {
    // No default label: -Wswitch then flags a new enumerator that lacks a name here.
    switch (code) {
        case ErrorCode::invalid_input:
            return "invalid_input";
        case ErrorCode::not_found:
            return "not_found";
        case ErrorCode::conflict:
            return "conflict";
        case ErrorCode::guardian_required:
            return "guardian_required";
        case ErrorCode::permission_denied:
            return "permission_denied";
        case ErrorCode::wrong_pin:
            return "wrong_pin";
        case ErrorCode::card_locked:
            return "card_locked";
        case ErrorCode::borrowing_blocked:
            return "borrowing_blocked";
        case ErrorCode::not_renewable:
            return "not_renewable";
    }
    // Reached only by a value cast from outside the enumeration.
    return "unknown";
}

}  // namespace patron
