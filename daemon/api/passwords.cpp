#include "api/passwords.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <mutex>

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

namespace {

// An argon2id hash as crypto_pwhash_str writes it:
// $argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt>$<hash>, in base64 without padding.
struct Argon2id {
  unsigned long long passes = 0;
  std::size_t memory = 0;  // bytes
  std::array<unsigned char, crypto_pwhash_SALTBYTES> salt{};
  std::array<unsigned char, 64> hash{};
  std::size_t hash_size = 0;
};

std::optional<Argon2id> parse_argon2id(std::string_view s) {
  constexpr std::string_view kPrefix = "$argon2id$v=19$m=";
  if (!s.starts_with(kPrefix)) return std::nullopt;
  s.remove_prefix(kPrefix.size());
  Argon2id a;
  unsigned long long kib = 0, lanes = 0;
  auto number = [&](unsigned long long& n, std::string_view then) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || !std::string_view(end, static_cast<std::size_t>(s.data() + s.size() - end)).starts_with(then))
      return false;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()) + then.size());
    return true;
  };
  if (!number(kib, ",t=") || !number(a.passes, ",p=") || !number(lanes, "$") || lanes != 1) return std::nullopt;
  // Limits crypto_pwhash takes, and no more than libsodium's "sensitive"
  // ones (4 passes, 1 GiB; the daemon makes 2 over 64 MiB): a stored hash
  // of 2^32 passes would hold a thread for hours at each sign-in.
  if (kib > crypto_pwhash_MEMLIMIT_SENSITIVE / 1024 || kib * 1024 < crypto_pwhash_MEMLIMIT_MIN ||
      a.passes < crypto_pwhash_OPSLIMIT_MIN || a.passes > crypto_pwhash_OPSLIMIT_SENSITIVE)
    return std::nullopt;
  a.memory = static_cast<std::size_t>(kib) * 1024;
  const std::size_t dollar = s.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  const std::string salt(s.substr(0, dollar)), hash(s.substr(dollar + 1));
  std::size_t salt_size = 0;
  if (sodium_base642bin(a.salt.data(), a.salt.size(), salt.data(), salt.size(), nullptr, &salt_size, nullptr,
                        sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
      salt_size != a.salt.size())
    return std::nullopt;
  if (sodium_base642bin(a.hash.data(), a.hash.size(), hash.data(), hash.size(), nullptr, &a.hash_size, nullptr,
                        sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
      a.hash_size < crypto_pwhash_BYTES_MIN)
    return std::nullopt;
  return a;
}

}  // namespace

PasswordCheck check_password(std::string_view password, const std::optional<std::string>& hash) {
  errno = 0;  // what a failed computation leaves is its reason (the caller logs it)
  if (!ready()) return PasswordCheck::unchecked;
  const std::string_view h = hash ? std::string_view(*hash) : kDummyPasswordHash;
  // The hash computed again from its own parameters, and compared: the
  // computation either is made or fails (no memory for it), so a check not
  // made is told from a wrong password by what happened, not guessed after.
  // (crypto_pwhash_str_verify answers -1 and EINVAL to both in libsodium
  // 1.0.18, as tried under RLIMIT_AS.)
  const auto a = parse_argon2id(h);
  if (!a) {
    // Not a hash this daemon makes (a damaged or hand-written one): no
    // answer on it, neither a match nor a wrong password; the dummy is
    // computed so that it takes the time any other name takes.
    if (hash) (void)check_password(password, std::nullopt);
    return PasswordCheck::unusable;
  }
  std::array<unsigned char, 64> again{};
  if (crypto_pwhash(again.data(), a->hash_size, password.data(), password.size(), a->salt.data(), a->passes, a->memory,
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    return PasswordCheck::unchecked;
  const bool same = sodium_memcmp(again.data(), a->hash.data(), a->hash_size) == 0;
  return same && hash ? PasswordCheck::match : PasswordCheck::mismatch;
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
