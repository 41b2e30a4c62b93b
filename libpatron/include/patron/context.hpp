#pragma once
/// @file
/// What every service is given instead of global state.

#include "patron/clock.hpp"
#include "patron/crypto/key_ring.hpp"
#include "patron/store/database.hpp"

namespace patron {

/// The storage, keys and clock a service works with. Holds references: the objects must outlive
/// every service built from the context. Thread-safe to share.
struct Context {
    store::Database& database;
    const KeyRing& keys;
    const Clock& clock;
};

}  // namespace patron
