#include "codepage.hpp"

#include <cerrno>

#include <iconv.h>

#include "biff.hpp"

namespace tonghop::xls {

namespace {
// windows-1252's 0x80-0x9F (0 where Windows keeps the C1 control).
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E,
    0x0178};

std::string iconv_name(unsigned n) {
  switch (n) {
    case 367: return "ASCII";
    case 932: return "CP932";
    case 936: return "GBK";
    case 949: return "CP949";
    case 950: return "BIG5";
    case 1361: return "JOHAB";
    case 10000:
    case 32768: return "MACINTOSH";
    case 32769: return "CP1252";
    default: return "CP" + std::to_string(n);
  }
}
}  // namespace

CodePage::CodePage(unsigned number) : number_(number == 32769 || number == 0 ? 1252 : number) {
  if (number_ == 1252 || number_ == 1200) return;
  const iconv_t cd = iconv_open("UTF-8", iconv_name(number_).c_str());
  if (cd != reinterpret_cast<iconv_t>(-1)) cd_ = cd;
}

CodePage::~CodePage() {
  if (cd_ != nullptr) iconv_close(static_cast<iconv_t>(cd_));
}

std::string CodePage::name() const {
  if (number_ == 1200) return "utf-16le";
  if (number_ == 367) return "ascii";
  if (number_ == 874 || (number_ >= 1250 && number_ <= 1258)) return "windows-" + std::to_string(number_);
  if (number_ == 10000 || number_ == 32768) return "macintosh";
  return "cp" + std::to_string(number_);
}

bool CodePage::decode(std::string_view bytes, std::string& out) {
  if (number_ == 1252 || number_ == 1200) {  // 1200 in a byte string: its bytes are Latin-1
    for (const char ch : bytes) {
      const auto b = static_cast<unsigned char>(ch);
      const char16_t u = number_ == 1252 && b >= 0x80 && b < 0xA0 && kCp1252High[b - 0x80] != 0 ? kCp1252High[b - 0x80] : b;
      append_utf8(u, out);
    }
    return true;
  }
  if (cd_ == nullptr) return false;
  const auto cd = static_cast<iconv_t>(cd_);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char buf[1024];
  while (in_left > 0) {
    char* o = buf;
    std::size_t o_left = sizeof buf;
    const std::size_t rc = iconv(cd, &in, &in_left, &o, &o_left);
    out.append(buf, static_cast<std::size_t>(o - buf));
    if (rc == static_cast<std::size_t>(-1) && errno != E2BIG) return false;
  }
  // Always flush the state: windows-1258 holds back the last letter, waiting
  // for a tone mark that may combine with it ("A" alone comes out only here).
  char* o = buf;
  std::size_t o_left = sizeof buf;
  const std::size_t rc = iconv(cd, nullptr, nullptr, &o, &o_left);
  out.append(buf, static_cast<std::size_t>(o - buf));
  return rc != static_cast<std::size_t>(-1);
}

}  // namespace tonghop::xls
