// Passwords (branch season): argon2id hashes through libsodium
// (crypto_pwhash_str, its interactive limits: 2 passes, 64 MiB), the rule a
// new password must meet, and the names users may have. Shared by the API
// and `tonghopd users`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tonghop::api {

// The encoded argon2id hash ("$argon2id$v=19$..."), or none when libsodium
// cannot (out of memory).
std::optional<std::string> hash_password(std::string_view password);
// What checking a password against its hash found.
enum class PasswordCheck {
  match,
  mismatch,
  // The hash could not be computed (no memory for its 64 MiB, or libsodium
  // not started): neither a match nor a wrong password.
  unchecked,
  // The stored hash is not one this daemon makes (damaged, written by hand,
  // or of more than libsodium's "sensitive" limits): not checked.
  unusable,
};
// The password against the hash; with no hash, a dummy one is checked so
// that an unknown name costs the same time as a wrong password (and fails
// the same way when memory is short), never a match.
PasswordCheck check_password(std::string_view password, const std::optional<std::string>& hash);
// That dummy: crypto_pwhash_str of "not a password of anyone", the same
// limits, made once (so that no sign-in depends on memory to make it).
inline constexpr std::string_view kDummyPasswordHash =
    "$argon2id$v=19$m=65536,t=2,p=1$hkCmbFtWf3XPwBE7bnPBNQ$e9l6PEwRMY7SWrQZXw9l5rGz65TTa4r4CWeLQCx7+kw";
// Why a new password is refused, in Vietnamese and English; none when it is good.
std::optional<std::string> weak_password(std::string_view password, std::string_view user);
// Why a user name is refused; none when it is good: 2 to 64 of A-Z a-z 0-9 . _ - @.
std::optional<std::string> bad_user_name(std::string_view name);
// Random bytes as lower-case hex (a session id).
std::string random_hex(std::size_t bytes);
// Equal without telling how much of it was (CSRF tokens).
bool same_secret(std::string_view a, std::string_view b);

}  // namespace tonghop::api
