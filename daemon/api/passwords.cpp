#include "api/passwords.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>

#include <sys/mman.h>

#include <fmt/format.h>
#include <sodium.h>

namespace tonghop::api {

namespace {

bool ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::size_t characters(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<std::string> hash_password(std::string_view password) {
  if (!ready()) return std::nullopt;
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return std::nullopt;
  return std::string(out.data());
}

PasswordCheck check_password(std::string_view password, const std::optional<std::string>& hash) {
  if (!ready()) return PasswordCheck::unchecked;
  // crypto_pwhash_str of "not a password of anyone", the same limits: made
  // once, here, so that no first sign-in depends on memory to make it.
  static constexpr const char* kDummy =
      "$argon2id$v=19$m=65536,t=2,p=1$hkCmbFtWf3XPwBE7bnPBNQ$e9l6PEwRMY7SWrQZXw9l5rGz65TTa4r4CWeLQCx7+kw";
  const char* h = hash ? hash->c_str() : kDummy;
  if (crypto_pwhash_str_verify(h, password.data(), password.size()) == 0)
    return hash ? PasswordCheck::match : PasswordCheck::mismatch;
  // libsodium's -1 (errno EINVAL) is a wrong password, and a hash it had no
  // memory to compute too (Debian 12's 1.0.18, tried under RLIMIT_AS): which
  // one, the memory tells. Mapped, not touched: no page is taken.
  void* room = ::mmap(nullptr, crypto_pwhash_MEMLIMIT_INTERACTIVE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
  if (room == MAP_FAILED) return PasswordCheck::unchecked;  // errno: ENOMEM
  ::munmap(room, crypto_pwhash_MEMLIMIT_INTERACTIVE);
  return PasswordCheck::mismatch;
}

std::optional<std::string> weak_password(std::string_view password, std::string_view user) {
  if (password.size() > 1024) return std::string("Mật khẩu quá dài (tối đa 1024 byte) / the password is longer than 1024 bytes");
  if (characters(password) < 10)
    return std::string("Mật khẩu phải có ít nhất 10 ký tự / the password must have at least 10 characters");
  if (std::all_of(password.begin(), password.end(), [&](char c) { return c == password.front(); }))
    return std::string("Mật khẩu không được chỉ lặp một ký tự / the password must not repeat one character");
  const std::string p = lower(password);
  if (user.size() >= 4 && p.find(lower(user)) != std::string::npos)
    return std::string("Mật khẩu không được chứa tên người dùng / the password must not contain the user name");
  static const char* const kCommon[] = {"1234567890", "0123456789", "12345678910", "123456789a", "password",
                                        "matkhau",    "qwertyuiop", "abcdefghij",  "tonghop",    "abc123456"};
  for (const char* c : kCommon)
    if (p.find(c) != std::string::npos && characters(password) < 16)
      return std::string("Mật khẩu quá dễ đoán / the password is too easy to guess");
  return std::nullopt;
}

std::optional<std::string> bad_user_name(std::string_view name) {
  const bool ok = name.size() >= 2 && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
                  });
  if (ok) return std::nullopt;
  return std::string("Tên người dùng gồm 2 đến 64 ký tự A-Z, a-z, 0-9, . _ - @ (không dấu, không khoảng trắng) / a user "
                     "name is 2 to 64 of A-Z a-z 0-9 . _ - @");
}

std::string random_hex(std::size_t bytes) {
  ready();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out;
  for (const unsigned char b : raw) out += fmt::format("{:02x}", b);
  return out;
}

bool same_secret(std::string_view a, std::string_view b) {
  ready();
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tonghop::api
