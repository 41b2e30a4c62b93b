// main() of the database tests: one server for the whole binary, set up before the first test.

#include <gtest/gtest.h>

#include "support/test_cluster.hpp"

namespace {

class ServerEnvironment final : public ::testing::Environment {
public:
    void SetUp() override { server_ = std::make_unique<patron::test::TestServer>(); }
    void TearDown() override { server_.reset(); }

private:
    std::unique_ptr<patron::test::TestServer> server_;
};

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment);  // gtest takes ownership
    return RUN_ALL_TESTS();
}
