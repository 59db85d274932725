// The sector from whole words of an organisation's name, by the rules of
// config/indicators.toml: the keyword that comes first in the name decides.
#include <gtest/gtest.h>

#include "normalise/catalogue.hpp"

using namespace tonghop::normalise;

namespace {

struct Named {
  const char* name;
  const char* sector;
};

// Names as the returns of a mountain province write them.
constexpr Named kNames[] = {
    {"Đảng bộ xã Mường Cang", "commune"},
    {"Đảng bộ xã Phúc Than", "commune"},
    {"ĐẢNG BỘ XÃ TÀ HỪA", "commune"},
    {"Đảng bộ phường Tân Phong", "commune"},
    {"Đảng bộ Thị trấn Than Uyên", "commune"},
    {"Đảng bộ thị trấn Tam Đường", "commune"},
    {"Chi bộ Phòng Tài nguyên và Môi trường", "agency"},
    {"Chi bộ Tài nguyên và Môi trường", "agency"},
    {"Chi bộ Phòng Giáo dục và Đào tạo", "agency"},
    {"Chi bộ Phòng Lao động - Thương binh và Xã hội", "agency"},
    {"Chi bộ Kho bạc Nhà nước huyện", "agency"},
    {"Chi bộ Ngân hàng Chính sách xã hội huyện", "agency"},
    {"Chi bộ Bảo hiểm xã hội huyện", "agency"},
    {"Chi bộ Chi cục Thuế huyện", "agency"},
    {"Chi bộ Cơ quan Ủy ban nhân dân huyện", "agency"},
    {"Chi bộ Văn phòng Huyện ủy", "agency"},
    {"Chi bộ Viện Kiểm sát nhân dân huyện", "agency"},
    {"Chi bộ Tòa án nhân dân huyện", "agency"},
    {"Chi bộ Cơ quan Mặt trận Tổ quốc và các đoàn thể", "agency"},
    {"Chi bộ Hạt Kiểm lâm", "agency"},
    {"Chi bộ Đội Quản lý thị trường số 5", "agency"},
    {"Chi bộ Thanh tra huyện", "agency"},
    {"Chi bộ Chi cục Thi hành án dân sự", "agency"},
    {"Đảng bộ Khối Dân", "agency"},
    {"Chi bộ Trường Mầm non xã Nậm Cần", "public_service"},
    {"Chi bộ Trường Mầm non Mường Than", "public_service"},
    {"Chi bộ Trường THCS Mường Kim", "public_service"},
    {"Chi bộ Trường THPT Than Uyên", "public_service"},
    {"Chi bộ Trường PTDTBT Tiểu học Tà Mung", "public_service"},
    {"Chi bộ Trường Tiểu học thị trấn Than Uyên", "public_service"},
    {"Đảng bộ Bệnh viện Đa khoa huyện", "public_service"},
    {"Đảng bộ Trung tâm Y tế huyện", "public_service"},
    {"Chi bộ Trạm Y tế xã Hua Nà", "public_service"},
    {"Chi bộ Trung tâm Chính trị huyện", "public_service"},
    {"Chi bộ Đài Truyền thanh - Truyền hình huyện", "public_service"},
    {"Chi bộ Ban Quản lý dự án đầu tư xây dựng", "public_service"},
    {"Đảng bộ Công an huyện", "armed_forces"},
    {"Chi bộ Công an xã Mường Mít", "armed_forces"},
    {"Chi bộ Quân sự huyện", "armed_forces"},
    {"Chi bộ Ban Chỉ huy Quân sự huyện", "armed_forces"},
    {"Đảng bộ Đồn Biên phòng Mường Kim", "armed_forces"},
    {"Chi bộ Công ty TNHH Thủy điện Nậm Mu", "enterprise"},
    {"Chi bộ Công ty Cổ phần chè Than Uyên", "enterprise"},
    {"Chi bộ Điện lực Than Uyên", "enterprise"},
    {"Chi bộ Ngân hàng Nông nghiệp và Phát triển nông thôn", "enterprise"},
    {"Chi bộ Hợp tác xã Nông nghiệp Mường Than", "enterprise"},
    {"Chi bộ Bưu điện huyện", "enterprise"},
    {"Chi bộ Nông trường Than Uyên", "enterprise"},
    {"Chi bộ Hội Cựu chiến binh huyện", "agency"},
    {"Chi bộ Liên đoàn Lao động huyện", "agency"},
    {"Chi bộ Nậm Sỏ", "other"},
};

}  // namespace

TEST(Sector, FromWholeWordsOfFiftyNames) {
  const auto c = load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  ASSERT_TRUE(c.ok()) << c.error();
  static_assert(std::size(kNames) >= 40);
  for (const auto& n : kNames) EXPECT_EQ(c->sector_from_name(n.name), n.sector) << n.name;
}

TEST(Sector, AWordInsideAnotherWordIsNoKeyword) {
  const auto c = load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  ASSERT_TRUE(c.ok());
  // "xã" is no part of "xã hội" by itself coming first: the earlier keyword decides.
  EXPECT_EQ(c->sector_from_name("Chi bộ Ngân hàng Chính sách xã hội"), "agency");
  // Not a substring: "phongphu" holds "phong" but is no word of it.
  EXPECT_EQ(c->sector_from_name("Chi bộ Phongphu"), "other");
  EXPECT_EQ(c->sector_from_name(""), "other");
}
