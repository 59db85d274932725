// Which BIFF8 formulas can only give a text (plugins/import-xls/biff.cpp,
// text_formula): a number cached for one is no value any program
// calculated (LibreOffice 7.4 writes 0 for text results when it saves an
// .xls it opened as .xls). The tokens are written here byte by byte as
// [MS-XLS] 2.5.198 lays them out; every rule that keeps a correct number
// from being refused has its case.
#include <gtest/gtest.h>

#include <string>

#include "biff.hpp"

namespace {
bool text(std::initializer_list<int> bytes) {
  std::string rgce;
  for (const int b : bytes) rgce.push_back(static_cast<char>(b));
  return tonghop::xls::text_formula(rgce);
}
}  // namespace

TEST(XlsTokens, ATextConstantTheAmpersandAndTextFunctionsGiveAText) {
  EXPECT_TRUE(text({0x17, 1, 0, 'x'}));                                       // ="x"
  EXPECT_TRUE(text({0x17, 2, 1, 'a', 0, 'b', 0}));                            // ="ab", two bytes a character
  EXPECT_TRUE(text({0x24, 0, 0, 0, 0, 0x17, 1, 0, 'x', 0x08}));               // =A1&"x"
  EXPECT_TRUE(text({0x1E, 5, 0, 0x17, 1, 0, '0', 0x41, 48, 0}));              // =TEXT(5,"0"): tFunc 48
  EXPECT_TRUE(text({0x17, 1, 0, 'a', 0x17, 1, 0, 'b', 0x42, 2, 0x50, 0x01}));  // CONCATENATE: tFuncVar 336
  EXPECT_TRUE(text({0x17, 1, 0, 'x', 0x15}));                                 // =("x"): parentheses around it
  EXPECT_TRUE(text({0x17, 1, 0, 'x', 0x12}));                                 // =+"x": a unary plus
  EXPECT_TRUE(text({0x17, 1, 0, 'x', 0x19, 0x40, 0, 1}));                     // a space after it (tAttrSpace)
}

TEST(XlsTokens, FiguresAndWhatMayBeEitherAreNotJudged) {
  EXPECT_FALSE(text({}));
  EXPECT_FALSE(text({0x1E, 5, 0}));                                    // =5
  EXPECT_FALSE(text({0x24, 0, 0, 0, 0, 0x1E, 2, 0, 0x03}));            // =A1+2
  EXPECT_FALSE(text({0x24, 0, 0, 0, 0}));                               // =A1: a reference may hold either
  EXPECT_FALSE(text({0x17, 1, 0, 'x', 0x19, 0x10, 0, 0}));             // =SUM("x") in one argument: tAttrSum, a number
  EXPECT_FALSE(text({0x17, 1, 0, 'a', 0x17, 1, 0, 'b', 0x42, 2, 0x50, 0x81}));  // a command's index (0x8000 set)
  EXPECT_FALSE(text({0x1E, 1, 0, 0x17, 1, 0, 'a', 0x42, 2, 0x01, 0}));  // IF: either
  EXPECT_FALSE(text({0x01, 0, 0, 1, 0}));                                // tExp: the shared formula says
  EXPECT_FALSE(text({0x17, 1, 0, 'x', 0x13}));                           // =-"x": a number
  EXPECT_FALSE(text({0x17, 1, 0, 'x', 0x14}));                           // ="x"%: a number
}

TEST(XlsTokens, ATokenNotKnownOrCutShortStopsTheWalk) {
  // An extended token (0x18) is not known: the bytes after it are not read
  // as tokens, the & among them.
  EXPECT_FALSE(text({0x18, 0x08}));
  EXPECT_FALSE(text({0x18, 0x17, 1, 0, 'x'}));
  EXPECT_FALSE(text({0x17, 5, 0, 'a'}));          // a text longer than what is left
  EXPECT_FALSE(text({0x17, 1}));                   // cut in its header
  EXPECT_FALSE(text({0x41, 48}));                  // a function cut short
  EXPECT_FALSE(text({0x19, 0x04, 2, 0, 0, 0}));    // a choice's table cut short
  EXPECT_FALSE(text({0x80, 0x08}));                // past the tokens' range
}

TEST(XlsTokens, AChoicesJumpTableIsSteppedOver) {
  // tInt 1, then tAttrChoose of one option: its table (2 words) holds no
  // token; the text after it is the last.
  EXPECT_TRUE(text({0x1E, 1, 0, 0x19, 0x04, 1, 0, 0x18, 0x00, 0x18, 0x00, 0x17, 1, 0, 'a'}));
}
