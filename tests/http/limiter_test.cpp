// The per-address limit on failed authentications, driven by its own clock.
#include <gtest/gtest.h>

#include "http/limiter.hpp"

using tonghop::http::FailureLimiter;
using namespace std::chrono_literals;

TEST(FailureLimiter, ABurstThenAWaitThatRefills) {
  FailureLimiter l(10);
  const auto t0 = FailureLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 9; ++i) {
    EXPECT_FALSE(l.failed("10.0.0.1", t0)) << i;
    EXPECT_EQ(l.blocked_for("10.0.0.1", t0), 0u) << i;
  }
  EXPECT_TRUE(l.failed("10.0.0.1", t0));  // the tenth
  EXPECT_EQ(l.blocked_for("10.0.0.1", t0), 6u);  // one attempt back in 60/10 s
  EXPECT_EQ(l.blocked_for("10.0.0.2", t0), 0u) << "another address is not held";
  EXPECT_EQ(l.blocked_for("10.0.0.1", t0 + 3s), 3u);
  EXPECT_EQ(l.blocked_for("10.0.0.1", t0 + 6s), 0u);
  EXPECT_TRUE(l.failed("10.0.0.1", t0 + 6s)) << "one attempt came back, and is used";
}

TEST(FailureLimiter, TheTableIsBounded) {
  FailureLimiter l(3, 100);
  const auto t0 = FailureLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 1000; ++i) l.failed("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256), t0);
  EXPECT_LE(l.tracked(), 100u);
}

TEST(FailureLimiter, AddressesWithoutPorts) {
  EXPECT_EQ(tonghop::http::address_of("10.0.0.1:5555"), "10.0.0.1");
  EXPECT_EQ(tonghop::http::address_of("::1:5555"), "::1");
}
