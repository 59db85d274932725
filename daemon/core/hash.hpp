#pragma once

#include <string>
#include <string_view>

namespace tonghop {

// Lower-case hex SHA-256 (OpenSSL's libcrypto): tokens and archived files.
std::string sha256_hex(std::string_view data);

}  // namespace tonghop
