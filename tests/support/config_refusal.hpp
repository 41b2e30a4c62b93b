#pragma once
// What a configuration or policy load that should fail came to: the refusal's message.

#include <gtest/gtest.h>

#include <exception>
#include <string>

#include "patron/exception.hpp"

namespace patron::test {

/// The message of the ConfigError `load()` throws, "(accepted)" when it throws nothing; any other
/// exception fails the test.
template <class Load>
std::string config_refusal(Load&& load) {
    try {
        load();
    } catch (const ConfigError& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "threw something other than ConfigError: " << e.what();
        return e.what();
    }
    return "(accepted)";
}

}  // namespace patron::test
