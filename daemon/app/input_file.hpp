// The file `tonghopd check` reads: a regular file through a read-only
// mapping (its pages come from the page cache as they are read, so an 800 MB
// return never sits in this process's memory as a copy); anything else (a
// pipe, a device) read into memory. The importer bounds its size.
//
// A file that changes while it is read (a copy still being made over it, a
// clerk saving again) is not judged: cut short under the mapping, it faults
// (SIGBUS), which is told and ends the process with exit 2; grown or
// rewritten, changed() says so once it is read.
#pragma once

#include <sys/stat.h>

#include <string>
#include <string_view>

namespace tonghop::app {

class InputFile {
 public:
  explicit InputFile(const std::string& path);
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  bool is_open() const { return open_; }
  std::string_view bytes() const {
    return map_ != nullptr ? std::string_view(static_cast<const char*>(map_), size_) : std::string_view(copy_);
  }
  // Whether the file on disk is no longer the one read: another size, inode
  // or time of last change than when it was opened (a regular file only).
  bool changed() const;
  // What a clerk is told when it did, in Vietnamese and English.
  const std::string& changed_message() const { return message_; }

 private:
  std::string path_, message_;
  bool open_ = false, regular_ = false;
  struct stat opened_{};
  void* map_ = nullptr;
  std::size_t size_ = 0;
  std::string copy_;
};

}  // namespace tonghop::app
