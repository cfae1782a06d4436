#include "streams/SseParser.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sluice::streams {
namespace {

struct Event {
  std::string event;
  std::string data;
  std::string id;
  bool operator==(const Event&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Event& e) {
  return os << "{event=" << e.event << " data=" << e.data << " id=" << e.id << "}";
}

// Feeds `pieces` in order, then finish(); returns every event dispatched.
std::vector<Event> parse_pieces(const std::vector<std::string_view>& pieces,
                                SseParser parser = SseParser()) {
  std::vector<Event> events;
  const SseParser::EventCallback collect = [&events](const SseEvent& e) {
    events.push_back({std::string(e.event), std::string(e.data), std::string(e.id)});
  };
  for (const auto piece : pieces) parser.feed(piece, collect);
  parser.finish(collect);
  return events;
}

std::vector<Event> parse_whole(std::string_view body) { return parse_pieces({body}); }

std::vector<Event> parse_byte_by_byte(std::string_view body) {
  std::vector<std::string_view> pieces;
  for (std::size_t i = 0; i < body.size(); ++i) pieces.push_back(body.substr(i, 1));
  return parse_pieces(pieces);
}

const std::filesystem::path kFixtures =
    std::filesystem::path(SLUICE_SOURCE_DIR "/../shared/vectors/anthropic/sse-fixtures");

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count_occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (auto pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) {
    ++count;
  }
  return count;
}

TEST(SseParser, AnthropicFixturesYieldTheSameEventsWholeSplitAnywhereAndByteByByte) {
  if (!std::filesystem::is_directory(kFixtures)) GTEST_SKIP() << "no shared vectors at " << kFixtures;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    SCOPED_TRACE(entry.path().filename().string());
    ++files;
    const std::string body = read_file(entry.path());
    const std::vector<Event> whole = parse_whole(body);

    // Every `event:` line is one event (the last one closed by finish(), since no fixture ends in a
    // blank line), named as its JSON says.
    ASSERT_EQ(whole.size(), count_occurrences(body, "event: "));
    for (const auto& event : whole) {
      const auto data = boost::json::parse(event.data);
      EXPECT_EQ(data.at("type").as_string(), event.event);
    }

    for (std::size_t split = 0; split <= body.size(); ++split) {
      const std::string_view view(body);
      ASSERT_EQ(parse_pieces({view.substr(0, split), view.substr(split)}), whole)
          << "split at byte " << split;
    }
    EXPECT_EQ(parse_byte_by_byte(body), whole);
  }
  EXPECT_EQ(files, 7u);
}

TEST(SseParser, FixtureEndingWithoutNewlineDispatchesItsLastEventOnlyAtFinish) {
  const std::string_view body = "event: message_stop\ndata: {\"type\":\"message_stop\"}";
  SseParser parser;
  std::vector<std::string> names;
  const SseParser::EventCallback collect = [&names](const SseEvent& e) {
    names.emplace_back(e.event);
  };
  parser.feed(body, collect);
  EXPECT_TRUE(names.empty());
  parser.finish(collect);
  EXPECT_EQ(names, std::vector<std::string>{"message_stop"});
}

TEST(SseParser, LfCrlfAndCrLineEndsAllYieldTheSameEvents) {
  const std::vector<Event> expected = {{"a", "1", ""}, {"b", "2\n3", ""}};
  EXPECT_EQ(parse_whole("event: a\ndata: 1\n\nevent: b\ndata: 2\ndata: 3\n\n"), expected);
  EXPECT_EQ(parse_whole("event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2\r\ndata: 3\r\n\r\n"), expected);
  EXPECT_EQ(parse_whole("event: a\rdata: 1\r\revent: b\rdata: 2\rdata: 3\r\r"), expected);
  EXPECT_EQ(parse_whole("event: a\rdata: 1\n\r\nevent: b\r\ndata: 2\rdata: 3\n\n"), expected);
}

TEST(SseParser, CrAtTheEndOfOneChunkAndLfAtTheStartOfTheNextAreOneLineEnd) {
  // Were CR and LF read as two line ends, the blank line between them would split this event.
  const auto events = parse_pieces({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
  EXPECT_EQ(events, (std::vector<Event>{{"", "a\nb", ""}}));
}

TEST(SseParser, CrThenCrAcrossChunksIsABlankLine) {
  const auto events = parse_pieces({"data: a\r", "\rdata: b\r", "\r"});
  EXPECT_EQ(events, (std::vector<Event>{{"", "a", ""}, {"", "b", ""}}));
}

TEST(SseParser, JoinsSeveralDataLinesWithNewlines) {
  EXPECT_EQ(parse_whole("data: {\ndata:   \"x\": 1\ndata: }\n\n"),
            (std::vector<Event>{{"", "{\n  \"x\": 1\n}", ""}}));
}

TEST(SseParser, IgnoresCommentLines) {
  EXPECT_EQ(parse_whole(": OPENROUTER PROCESSING\n\n:keep-alive\ndata: x\n: more\n\n"),
            (std::vector<Event>{{"", "x", ""}}));
}

TEST(SseParser, StripsOnlyOneSpaceAfterTheColon) {
  EXPECT_EQ(parse_whole("data:x\n\ndata:  y\n\n"),
            (std::vector<Event>{{"", "x", ""}, {"", " y", ""}}));
}

TEST(SseParser, LineWithoutColonIsAFieldWithAnEmptyValue) {
  EXPECT_EQ(parse_whole("data\n\n"), (std::vector<Event>{{"", "", ""}}));
}

TEST(SseParser, BlankLineWithoutDataDispatchesNothingAndForgetsTheName) {
  EXPECT_EQ(parse_whole("event: lonely\n\ndata: x\n\n"), (std::vector<Event>{{"", "x", ""}}));
}

TEST(SseParser, IgnoresRetryAndUnknownFields) {
  EXPECT_EQ(parse_whole("retry: 3000\nfoo: bar\ndata: x\n\n"), (std::vector<Event>{{"", "x", ""}}));
}

TEST(SseParser, LastEventIdPersistsAcrossEvents) {
  EXPECT_EQ(parse_whole("id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"),
            (std::vector<Event>{{"", "a", "7"}, {"", "b", "7"}, {"", "c", ""}}));
}

TEST(SseParser, FinishDispatchesAPendingEventWithData) {
  EXPECT_EQ(parse_whole("event: e\ndata: x\n"), (std::vector<Event>{{"e", "x", ""}}));
  EXPECT_EQ(parse_whole("event: e\ndata: x\r"), (std::vector<Event>{{"e", "x", ""}}));
}

TEST(SseParser, FinishDropsAPendingEventWithoutData) {
  EXPECT_EQ(parse_whole("data: x\n\nevent: e\n"), (std::vector<Event>{{"", "x", ""}}));
  EXPECT_EQ(parse_whole("event: e\nid: 1"), std::vector<Event>{});
}

TEST(SseParser, DropsALeadingByteOrderMarkEvenWhenSplit) {
  EXPECT_EQ(parse_pieces({"\xEF", "\xBB", "\xBF" "data: x\n\n"}), (std::vector<Event>{{"", "x", ""}}));
  // A BOM anywhere else is content.
  EXPECT_EQ(parse_whole("data: \xEF\xBB\xBFx\n\n"), (std::vector<Event>{{"", "\xEF\xBB\xBFx", ""}}));
}

TEST(SseParser, EventOverTheSizeLimitFailsTheParserAndStopsDispatching) {
  SseParser parser(16);
  std::size_t dispatched = 0;
  const SseParser::EventCallback count = [&dispatched](const SseEvent&) { ++dispatched; };
  parser.feed("data: 0123456789\n\n", count);
  EXPECT_EQ(dispatched, 1u);
  parser.feed("data: 0123456789\ndata: 0123456789\n\n", count);
  EXPECT_TRUE(parser.failed());
  parser.feed("data: x\n\n", count);
  parser.finish(count);
  EXPECT_EQ(dispatched, 1u);
  EXPECT_EQ(parser.error().code, "upstream_transport");
  EXPECT_EQ(parser.error().type, "upstream_error");
}

TEST(SseParser, UnterminatedLineOverTheSizeLimitFailsWithoutWaitingForItsEnd) {
  SseParser parser(16);
  const SseParser::EventCallback ignore = [](const SseEvent&) {};
  parser.feed("data: 0123456789", ignore);
  EXPECT_FALSE(parser.failed());
  parser.feed("0123456789", ignore);
  EXPECT_TRUE(parser.failed());
}

TEST(SseParser, ResetClearsAFailure) {
  SseParser parser(4);
  const SseParser::EventCallback ignore = [](const SseEvent&) {};
  parser.feed("data: too long\n\n", ignore);
  ASSERT_TRUE(parser.failed());
  parser.reset();
  EXPECT_FALSE(parser.failed());
}

}  // namespace
}  // namespace sluice::streams
