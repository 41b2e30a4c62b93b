#pragma once
/// @file
/// The only form in which a PIN reaches storage.

#include <cstdint>
#include <string>

namespace patron {

/// An Argon2id hash of a PIN in PHC string form
/// (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<tag>`, unpadded base64), with the id of the pepper
/// (the Argon2 secret from the key file) it was computed with.
struct StoredPin {
    std::string phc;
    std::uint16_t pepper_id = 0;
    friend bool operator==(const StoredPin&, const StoredPin&) = default;
};

}  // namespace patron
