// Passwords checked by libsodium, and what happens when the memory its hash
// needs (64 MiB) is not there: a check not made is never a wrong password
// (which would count against the name and lock it), nor a match.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sodium.h>

#include "api/passwords.hpp"

namespace api = tonghop::api;

namespace {

// This process's address space now, in bytes (VmSize).
std::uint64_t address_space() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;
  return 0;
}

// `f` run in a child whose address space may grow by 16 MiB only; its exit code.
template <class F>
int with_little_memory(F f) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const rlimit limit{address_space() + (16u << 20), address_space() + (16u << 20)};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(100);
    ::_exit(f());
  }
  int ws = 0;
  ::waitpid(pid, &ws, 0);
  return WIFEXITED(ws) ? WEXITSTATUS(ws) : 200;
}

}  // namespace

TEST(Passwords, AMatchAWrongOneAndAnUnknownName) {
  const auto hash = api::hash_password("một mật khẩu đủ dài");
  ASSERT_TRUE(hash);
  EXPECT_EQ(api::check_password("một mật khẩu đủ dài", hash), api::PasswordCheck::match);
  EXPECT_EQ(api::check_password("một mật khẩu khác", hash), api::PasswordCheck::mismatch);
  EXPECT_EQ(api::check_password("not a password of anyone", std::nullopt), api::PasswordCheck::mismatch)
      << "the dummy hash's own password is no way in";
  EXPECT_EQ(api::check_password("một mật khẩu đủ dài", std::nullopt), api::PasswordCheck::mismatch);
  // The dummy is a hash as the daemon makes them (else an unknown name
  // would answer faster than a known one).
  EXPECT_EQ(api::check_password("not a password of anyone", std::string(api::kDummyPasswordHash)),
            api::PasswordCheck::match);
  EXPECT_EQ(crypto_pwhash_str_needs_rehash(std::string(api::kDummyPasswordHash).c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                           crypto_pwhash_MEMLIMIT_INTERACTIVE),
            0);
  // A hash of other limits is read with its own.
  char other[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str(other, "mật khẩu cũ 123", std::strlen("mật khẩu cũ 123"), 3, 32u << 20), 0);
  EXPECT_EQ(api::check_password("mật khẩu cũ 123", std::string(other)), api::PasswordCheck::match);
  EXPECT_EQ(api::check_password("mật khẩu cũ 124", std::string(other)), api::PasswordCheck::mismatch);
  // One damaged, empty, or of 2^32 passes (hours at each sign-in): no
  // answer on it, in a dummy's time; never a wrong password.
  const std::string salt_and_hash = std::string(api::kDummyPasswordHash).substr(30);  // "$salt$hash"
  for (const std::string& stored : {std::string("$argon2id$v=19$m=65536,t=2,p=1$hỏng"), std::string(),
                                   "$argon2id$v=19$m=65536,t=4294967295,p=1" + salt_and_hash,
                                   "$argon2id$v=19$m=4294967295,t=2,p=1" + salt_and_hash,
                                   "$argon2i$v=19$m=65536,t=2,p=1" + salt_and_hash})
    EXPECT_EQ(api::check_password("mật khẩu cũ 123", stored), api::PasswordCheck::unusable) << stored;
}

// Without memory for the hash: hashing gives none (the API's 500), and a
// check, of a known name or an unknown one, is `unchecked` (the API's 503,
// not counted), never `mismatch`.
TEST(Passwords, WithoutMemoryForTheHashAPasswordIsNeitherWrongNorRight) {
  const auto hash = api::hash_password("một mật khẩu đủ dài");
  ASSERT_TRUE(hash);
  (void)api::check_password("x", std::nullopt);  // libsodium initialised before the limit
  EXPECT_EQ(with_little_memory([] { return api::hash_password("một mật khẩu đủ dài") ? 1 : 0; }), 0);
  for (const std::string password : {"một mật khẩu đủ dài", "một mật khẩu khác"}) {
    EXPECT_EQ(with_little_memory([&] { return static_cast<int>(api::check_password(password, hash)); }),
              static_cast<int>(api::PasswordCheck::unchecked))
        << password;
    EXPECT_EQ(with_little_memory([&] { return static_cast<int>(api::check_password(password, std::nullopt)); }),
              static_cast<int>(api::PasswordCheck::unchecked))
        << password;
  }
  // The same child with room for it: the check is made.
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(static_cast<int>(api::check_password("một mật khẩu khác", hash)));
  int ws = 0;
  ::waitpid(pid, &ws, 0);
  EXPECT_EQ(WEXITSTATUS(ws), static_cast<int>(api::PasswordCheck::mismatch));
}
