// The HTTP layer's own refusals say what happened in Vietnamese, then " / ",
// then in English, as every other refusal does; sizes are written as people
// read them.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tuple>

#include <boost/json.hpp>

#include "http/refusals.hpp"

using namespace tonghop::http;

namespace {

// The message of the contract's error shape, and its code.
std::pair<std::string, std::string> code_and_message(const Response& r) {
  const auto e = boost::json::parse(r.body).at("errors").at(0);
  return {std::string(e.at("code").as_string()), std::string(e.at("message").as_string())};
}

// "Vietnamese / English": a letter only Vietnamese writes before the
// separator, plain ASCII after it.
void expect_bilingual(const Response& r, unsigned status, const std::string& code, const std::string& vi_part,
                      const std::string& en_part) {
  SCOPED_TRACE(r.body);
  EXPECT_EQ(r.status, status);
  const auto [c, m] = code_and_message(r);
  EXPECT_EQ(c, code);
  const auto slash = m.find(" / ");
  ASSERT_NE(slash, std::string::npos);
  EXPECT_EQ(m.find(" / ", slash + 3), std::string::npos) << "one separator only";
  const std::string vi = m.substr(0, slash), en = m.substr(slash + 3);
  bool vietnamese = false;
  for (const char* letter : {"ệ", "ả", "ạ", "ờ", "ữ", "ố", "ộ", "ớ", "ợ", "ư", "ơ", "đ", "ă", "ấ", "ầ", "ể", "ỏ", "ị", "ử", "ừ"})
    vietnamese = vietnamese || vi.find(letter) != std::string::npos;
  EXPECT_TRUE(vietnamese) << vi;
  for (const char ch : en) EXPECT_LT(static_cast<unsigned char>(ch), 0x80) << en;
  EXPECT_NE(vi.find(vi_part), std::string::npos) << vi;
  EXPECT_NE(en.find(en_part), std::string::npos) << en;
}

}  // namespace

TEST(Refusals, SizesAreWrittenAsPeopleReadThem) {
  EXPECT_EQ(size_text(0), "0 B");
  EXPECT_EQ(size_text(1023), "1023 B");
  EXPECT_EQ(size_text(1024), "1 KiB");
  EXPECT_EQ(size_text(64 << 20), "64 MiB");
  EXPECT_EQ(size_text(std::uint64_t{1} << 30), "1 GiB");
  EXPECT_EQ(size_text(100'000'000), "95.4 MiB");
  EXPECT_EQ(size_text(100'000'000, ','), "95,4 MiB");
  EXPECT_EQ(size_text(1536), "1.5 KiB");
  // Rounded, and never to a whole unit it is not: just under 1 MiB.
  EXPECT_EQ(size_text((1 << 20) - 1), "1024.0 KiB");
  // A Content-Length of 2^64 - 1 (anyone may declare it) without overflow.
  EXPECT_EQ(size_text(UINT64_MAX), "16777216.0 TiB");
}

TEST(Refusals, EachSaysWhatHappenedInVietnameseThenEnglish) {
  // A file's route names the file's limit, the one people are told ([limits] max_input_size).
  expect_bilingual(refusal::body_too_large(100'000'000, (64 << 20) + (64 << 10), 64 << 20), 413, "body_too_large",
                   "Tệp gửi lên nặng 95,4 MiB vượt giới hạn 64 MiB của một tệp: chưa có gì được nhận",
                   "the request body (100000000 bytes) is larger than this route accepts: a file of at most 64 MiB "
                   "(67108864 bytes, a form's framing aside); nothing was received or stored");
  // Never the advice to split a return: a later file of the district and period replaces the earlier one.
  {
    const auto [code, m] = code_and_message(refusal::body_too_large(100'000'000, (64 << 20) + (64 << 10), 64 << 20));
    EXPECT_EQ(m.find("hãy chia"), std::string::npos) << m;
    EXPECT_NE(m.find("đừng chia báo cáo thành nhiều tệp: tệp gửi sau sẽ thay tệp gửi trước"), std::string::npos) << m;
  }
  // Sizes that round alike are said in bytes: 1 GiB + 65537 bytes is not "1,0 GiB".
  expect_bilingual(refusal::body_too_large((1ull << 30) + 65537, (1ull << 30) + 65536, 1ull << 30), 413,
                   "body_too_large", "nặng 1073807361 byte vượt giới hạn 1073741824 byte của một tệp",
                   "a file of at most 1 GiB");
  expect_bilingual(refusal::body_too_large(std::nullopt, (64 << 20) + (64 << 10), 64 << 20), 413, "body_too_large",
                   "Tệp gửi lên vượt giới hạn 64 MiB của một tệp: máy chủ đã ngừng nhận",
                   "the request body is larger than this route accepts: a file of at most 64 MiB");
  // Any other route, its body's.
  expect_bilingual(refusal::body_too_large(5000, 1024), 413, "body_too_large",
                   "Nội dung gửi lên nặng 4,9 KiB vượt giới hạn 1 KiB",
                   "the request body (5000 bytes) is larger than the 1024 bytes (1 KiB) this route accepts; nothing "
                   "was received");
  expect_bilingual(refusal::body_too_large(std::nullopt, 1024), 413, "body_too_large",
                   "Nội dung gửi lên vượt giới hạn 1 KiB", "larger than the 1024 bytes (1 KiB)");
  expect_bilingual(refusal::body_cut_short(3 << 20, 6 << 20, true), 400, "bad_request",
                   "Tệp gửi lên bị ngắt giữa chừng: mới nhận 3 MiB trên 6 MiB",
                   "partial message): 3145728 of 6291456 bytes");
  expect_bilingual(refusal::body_cut_short(10, std::nullopt, false), 400, "bad_request",
                   "Nội dung gửi lên bị ngắt giữa chừng",
                   "partial message");
  expect_bilingual(refusal::body_too_slow(true), 408, "timeout", "Tệp gửi lên đến quá chậm",
                   "came too slowly; nothing was stored");
  expect_bilingual(refusal::body_too_slow(false), 408, "timeout", "Nội dung gửi lên đến quá chậm", "came too slowly");
  expect_bilingual(refusal::head_too_slow(), 408, "timeout", "quá chậm", "the request came too slowly");
  expect_bilingual(refusal::head_too_large(), 431, "header_too_large", "Phần đầu", "head is larger");
  expect_bilingual(refusal::malformed("bad method"), 400, "bad_request", "(bad method)",
                   "malformed HTTP request: bad method");
  expect_bilingual(refusal::no_host(), 400, "bad_request", "thiếu dòng Host", "needs a Host header");
  expect_bilingual(refusal::body_not_kept(), 500, "internal", "không giữ được", "could not be kept");
  expect_bilingual(refusal::not_found("/api/v1/nothing"), 404, "not_found", "/api/v1/nothing",
                   "no such resource: /api/v1/nothing");
  expect_bilingual(refusal::method_not_allowed("DELETE", "/healthz"), 405, "method_not_allowed",
                   "không nhận yêu cầu DELETE", "DELETE is not allowed on /healthz");
  expect_bilingual(refusal::internal("disk full"), 500, "internal", "(disk full)", "internal error: disk full");
  expect_bilingual(refusal::internal(""), 500, "internal", "báo quản trị viên", "internal error");
  // A 503 says in words the wait its Retry-After asks, and that nothing was stored.
  for (const auto& [busy, vi, en] :
       {std::tuple{refusal::no_memory_for_body(), "thiếu bộ nhớ", "no memory for this request body"},
        std::tuple{refusal::imports_busy(), "đang đọc nhiều tệp cùng lúc", "too many imports are running or waiting"}}) {
    expect_bilingual(busy, 503, "busy", vi, en);
    ASSERT_EQ(busy.headers.size(), 1u);
    EXPECT_EQ(busy.headers[0], (std::pair<std::string, std::string>{"Retry-After", "5"}));
    EXPECT_NE(busy.body.find("chưa có gì được lưu, xin gửi lại sau 5 giây / "), std::string::npos) << busy.body;
    EXPECT_NE(busy.body.find("; nothing was stored; send it again in 5 seconds"), std::string::npos) << busy.body;
  }
}
