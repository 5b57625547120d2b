#include "rawgan/play/terminal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace rawgan::play {
namespace {

KeyPress::Kind kind_of(const std::string& bytes) {
  return parse_key(bytes.data(), bytes.size()).kind;
}

TEST(ParseKey, DecodesDigitsArrowsAndCommands) {
  using Kind = KeyPress::Kind;
  KeyPress three = parse_key("3", 1);
  EXPECT_EQ(three.kind, Kind::kDigit);
  EXPECT_EQ(three.digit, 3);
  EXPECT_EQ(kind_of(" "), Kind::kSpace);
  EXPECT_EQ(kind_of("\033[C"), Kind::kRight);
  EXPECT_EQ(kind_of("\033[D"), Kind::kLeft);
  EXPECT_EQ(kind_of("\033OA"), Kind::kUp);
  EXPECT_EQ(kind_of("p"), Kind::kPause);
  EXPECT_EQ(kind_of("\n"), Kind::kPause);
  EXPECT_EQ(kind_of("q"), Kind::kQuit);
  EXPECT_EQ(kind_of("\033"), Kind::kQuit);
  EXPECT_EQ(kind_of("\003"), Kind::kQuit);
  EXPECT_EQ(kind_of("x"), Kind::kOther);
  EXPECT_EQ(kind_of(""), Kind::kNone);
}

TEST(RawTerminal, DoesNothingWithoutATerminal) {
  // ctest runs tests with stdin not a terminal: no raw mode, no key, no wait beyond timeout.
  if (isatty(0)) GTEST_SKIP() << "stdin is a terminal; this test covers the non-terminal path";
  RawTerminal terminal;
  EXPECT_FALSE(terminal.is_terminal());
  EXPECT_EQ(terminal.read_key(1).kind, KeyPress::Kind::kNone);
}

}  // namespace
}  // namespace rawgan::play
