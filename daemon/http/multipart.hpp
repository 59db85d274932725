// multipart/form-data: the part named "file" of an upload.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tonghop::http {

struct FilePart {
  std::string filename;
  std::string_view bytes;  // a view into the body
};

// content_type: the request's Content-Type header. nullopt when it is not
// multipart/form-data or has no part named `name`.
// True when the content type is multipart/form-data (whatever its parts).
bool is_multipart(std::string_view content_type);
std::optional<FilePart> multipart_file(std::string_view content_type, std::string_view body, std::string_view name = "file");

}  // namespace tonghop::http
