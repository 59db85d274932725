// People (branch season): users with a role and an argon2id password hash,
// named and owned API tokens that can be revoked, sign-in sessions kept as
// the hash of their id, and the audit trail read back. The Store's member
// functions for these are in store/people.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tonghop::store {

struct User {
  std::string name, role, district;  // role: admin | viewer | district (with its district)
  bool disabled = false;
  std::string created_at, updated_at;
};

// What an admin may change of a user; absent members stay as they are.
struct UserChange {
  std::optional<std::string> role, district;  // district "" with a role that is not district
  std::optional<bool> disabled;
  std::optional<std::string> password_hash;   // a new argon2id hash (a reset)
};

// A token as listed: never its secret, which only its SHA-256 stands for.
struct TokenInfo {
  std::int64_t id = 0;
  std::string name, role, district;
  std::string owner;       // the person it is for ("" none)
  std::string created_by;  // who made it
  std::string created_at, revoked_at;  // revoked_at "" while it works
};

// Who a request is from: a token, a session, or the configuration's admin token.
struct Principal {
  std::string name, role, district;
};

struct AuditEntry {
  std::int64_t id = 0;
  std::string at, who, role, action, detail;
};

// What a change of the store came to, when it is refused.
enum class Refusal { none, not_found, conflict, failed };
struct Change {
  Refusal refusal = Refusal::none;
  std::string message;  // why, when refused
  explicit operator bool() const { return refusal == Refusal::none; }
};

}  // namespace tonghop::store
