#include "streams/EventStreamDecoder.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace sluice::streams {
namespace {

using namespace std::string_view_literals;

const std::filesystem::path kVectors =
    std::filesystem::path(SLUICE_SOURCE_DIR "/../shared/vectors/eventstream");
const std::filesystem::path kGoEncoded = kVectors / "aws-sdk-go/encoded";
const std::filesystem::path kGoDecoded = kVectors / "aws-sdk-go/decoded";
const std::filesystem::path kSmithy = kVectors / "smithy-rs";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir,
                                            std::string_view prefix = "") {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with(prefix)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (const char byte : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(byte));
  return out;
}

// A message as one comparable line: every header as name:type=value in wire order, then the
// payload. gtest prints both sides of a mismatch, so this doubles as the failure message.
std::string describe(const EventStreamMessage& message) {
  std::string out;
  for (const auto& header : message.headers) {
    out += fmt::format("{}:{}=", header.name, header.value.index());
    std::visit(
        [&out](const auto& value) {
          using Value = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<Value, EventStreamTimestamp>) {
            out += std::to_string(value.epoch_millis);
          } else if constexpr (std::is_same_v<Value, EventStreamBytes> ||
                               std::is_same_v<Value, EventStreamUuid>) {
            out += hex(value.bytes);
          } else if constexpr (std::is_same_v<Value, std::string>) {
            out += value;
          } else {
            out += std::to_string(static_cast<std::int64_t>(value));
          }
        },
        header.value);
    out += "; ";
  }
  return out + "payload=" + hex(message.payload);
}

struct Decoded {
  std::vector<std::string> messages;  // describe() of each
  bool failed = false;
  GatewayError error;
};

// Feeds `pieces` in order, then finish().
Decoded decode_pieces(const std::vector<std::string_view>& pieces,
                      EventStreamDecoder decoder = EventStreamDecoder()) {
  Decoded result;
  const EventStreamDecoder::MessageCallback collect = [&result](const EventStreamMessage& m) {
    result.messages.push_back(describe(m));
  };
  for (const auto piece : pieces) decoder.feed(piece, collect);
  decoder.finish();
  result.failed = decoder.failed();
  if (result.failed) result.error = decoder.error();
  return result;
}

Decoded decode_whole(std::string_view body) { return decode_pieces({body}); }

Decoded decode_byte_by_byte(std::string_view body) {
  std::vector<std::string_view> pieces;
  for (std::size_t i = 0; i < body.size(); ++i) pieces.push_back(body.substr(i, 1));
  return decode_pieces(pieces);
}

std::string base64_decode(std::string_view text) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const auto index = kAlphabet.find(c);
    if (index == std::string_view::npos) continue;  // '=' padding
    bits = (bits << 6) | static_cast<std::uint32_t>(index);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

// aws-sdk-go's decoded/ JSON: header values by type as JSON bools and numbers, and base64 for the
// byte array (6), string (7) and uuid (9) types and for the payload.
EventStreamMessage message_from_go_json(const boost::json::value& json) {
  EventStreamMessage message;
  for (const auto& header : json.at("headers").as_array()) {
    const auto& value = header.at("value");
    EventStreamHeaderValue typed;
    switch (header.at("type").to_number<int>()) {
      case 0:
      case 1: typed = value.as_bool(); break;
      case 2: typed = value.to_number<std::int8_t>(); break;
      case 3: typed = value.to_number<std::int16_t>(); break;
      case 4: typed = value.to_number<std::int32_t>(); break;
      case 5: typed = value.to_number<std::int64_t>(); break;
      case 6: typed = EventStreamBytes{base64_decode(value.as_string())}; break;
      case 7: typed = base64_decode(value.as_string()); break;
      case 8: typed = EventStreamTimestamp{value.to_number<std::int64_t>()}; break;
      case 9: typed = EventStreamUuid{base64_decode(value.as_string())}; break;
      default: ADD_FAILURE() << "unknown header type in " << header;
    }
    message.headers.push_back({std::string(header.at("name").as_string()), typed});
  }
  message.payload = base64_decode(json.at("payload").as_string());
  return message;
}

void put_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

std::uint32_t get_u32(std::string_view bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
  return value;
}

std::uint32_t crc_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32_z(0, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

// Frames raw header bytes and a payload as a message with correct lengths and CRCs.
std::string encode(std::string_view headers, std::string_view payload) {
  std::string out;
  put_u32(out, static_cast<std::uint32_t>(16 + headers.size() + payload.size()));
  put_u32(out, static_cast<std::uint32_t>(headers.size()));
  put_u32(out, crc_of(out));
  out.append(headers).append(payload);
  put_u32(out, crc_of(out));
  return out;
}

// A string header (type 7) in wire form.
std::string string_header(std::string_view name, std::string_view value) {
  std::string out;
  out.push_back(static_cast<char>(name.size()));
  out.append(name);
  out.push_back('\x07');
  out.push_back(static_cast<char>(value.size() >> 8));
  out.push_back(static_cast<char>(value.size() & 0xFF));
  return out.append(value);
}

// `message` truncated to its total_length, with its message CRC made right again, so whatever is
// wrong with its headers is all that is wrong with it.
std::string with_recomputed_message_crc(std::string message) {
  message.resize(get_u32(message, 0) - 4);
  put_u32(message, crc_of(message));
  return message;
}

std::vector<std::string> positive_vectors() {
  std::vector<std::string> bodies;
  for (const auto& path : files_in(kGoEncoded / "positive")) bodies.push_back(read_file(path));
  for (const auto& path : files_in(kSmithy, "valid_")) bodies.push_back(read_file(path));
  return bodies;
}

// The tests that read the shared vectors; the rest build their messages with encode().
class EventStreamDecoderVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kVectors)) GTEST_SKIP() << "no shared vectors at " << kVectors;
  }
};

TEST_F(EventStreamDecoderVectorsTest, AwsSdkGoPositiveVectorsDecodeToTheHeadersAndPayloadTheirJsonNames) {
  const auto encoded = files_in(kGoEncoded / "positive");
  ASSERT_EQ(encoded.size(), 5u);
  for (const auto& path : encoded) {
    SCOPED_TRACE(path.filename().string());
    const auto expected = message_from_go_json(
        boost::json::parse(read_file(kGoDecoded / "positive" / path.filename())));
    const Decoded decoded = decode_whole(read_file(path));
    EXPECT_FALSE(decoded.failed) << decoded.error.message;
    EXPECT_EQ(decoded.messages, std::vector<std::string>{describe(expected)});
  }
}

TEST_F(EventStreamDecoderVectorsTest, AwsSdkGoNegativeVectorsFail) {
  const auto encoded = files_in(kGoEncoded / "negative");
  ASSERT_EQ(encoded.size(), 4u);
  for (const auto& path : encoded) {
    SCOPED_TRACE(path.filename().string() + ", which aws-sdk-go rejects with: " +
                 read_file(kGoDecoded / "negative" / path.filename()));
    const Decoded decoded = decode_whole(read_file(path));
    EXPECT_TRUE(decoded.failed);
    EXPECT_TRUE(decoded.messages.empty());
  }
}

TEST_F(EventStreamDecoderVectorsTest, SmithyRsValidVectorsDecode) {
  EXPECT_EQ(decode_whole(read_file(kSmithy / "valid_no_headers")).messages,
            std::vector<std::string>{"payload=" + hex("another test payload")});
  EXPECT_EQ(decode_whole(read_file(kSmithy / "valid_empty_payload")).messages,
            std::vector<std::string>{"some-header:2=500; payload="});

  const Decoded all = decode_whole(read_file(kSmithy / "valid_with_all_headers_and_payload"));
  EXPECT_FALSE(all.failed) << all.error.message;
  EXPECT_EQ(all.messages,
            std::vector<std::string>{
                "true:0=1; false:0=0; byte:1=50; short:2=20000; int:3=500000; long:4=50000000000; "
                "bytes:5=" + hex("some bytes") + "; str:6=some str; time:7=5000000000; "
                "uuid:8=b79bc914de214e13b8b2bc47e85b7f0b; payload=" + hex("some payload")});
}

TEST_F(EventStreamDecoderVectorsTest, SmithyRsInvalidVectorsFail) {
  const auto invalid = files_in(kSmithy, "invalid_");
  ASSERT_EQ(invalid.size(), 8u);
  for (const auto& path : invalid) {
    SCOPED_TRACE(path.filename().string());
    const Decoded decoded = decode_whole(read_file(path));
    EXPECT_TRUE(decoded.failed);
    EXPECT_TRUE(decoded.messages.empty());
  }
}

TEST_F(EventStreamDecoderVectorsTest, SmithyRsInvalidHeaderVectorsFailOnTheirHeadersEvenWithARightMessageCrc) {
  // As published these vectors also fail the message CRC, which the decoder checks first; with the
  // CRC made right they show that the header checks stand on their own.
  const auto invalid = files_in(kSmithy, "invalid_header_");
  ASSERT_EQ(invalid.size(), 5u);
  for (const auto& path : invalid) {
    SCOPED_TRACE(path.filename().string());
    const Decoded decoded = decode_whole(with_recomputed_message_crc(read_file(path)));
    EXPECT_TRUE(decoded.failed);
    EXPECT_TRUE(decoded.messages.empty());
    EXPECT_NE(decoded.error.message.find("header"), std::string::npos) << decoded.error.message;
  }
}

TEST_F(EventStreamDecoderVectorsTest, EveryPositiveVectorDecodesTheSameSplitAtEveryByte) {
  for (const std::string& body : positive_vectors()) {
    const Decoded whole = decode_whole(body);
    ASSERT_EQ(whole.messages.size(), 1u);
    const std::string_view view(body);
    for (std::size_t split = 0; split <= body.size(); ++split) {
      const Decoded halves = decode_pieces({view.substr(0, split), view.substr(split)});
      ASSERT_FALSE(halves.failed) << "split at byte " << split << ": " << halves.error.message;
      ASSERT_EQ(halves.messages, whole.messages) << "split at byte " << split;
    }
  }
}

TEST_F(EventStreamDecoderVectorsTest, EveryPositiveVectorDecodesTheSameFedOneByteAtATime) {
  for (const std::string& body : positive_vectors()) {
    const Decoded byte_by_byte = decode_byte_by_byte(body);
    EXPECT_FALSE(byte_by_byte.failed) << byte_by_byte.error.message;
    EXPECT_EQ(byte_by_byte.messages, decode_whole(body).messages);
  }
}

TEST(EventStreamDecoderTest, DecodesTwoMessagesBackToBackInOneFeed) {
  const std::string first = encode(string_header(":event-type", "messageStart"), R"({"role":"assistant"})");
  const std::string second = encode(string_header(":event-type", "messageStop"), R"({"stopReason":"end_turn"})");
  const Decoded decoded = decode_whole(first + second);
  EXPECT_FALSE(decoded.failed);
  EXPECT_EQ(decoded.messages,
            (std::vector<std::string>{
                ":event-type:6=messageStart; payload=" + hex(R"({"role":"assistant"})"),
                ":event-type:6=messageStop; payload=" + hex(R"({"stopReason":"end_turn"})")}));
}

TEST(EventStreamDecoderTest, DecodesAMessageWhoseEndAndTheNextOnesStartShareAChunk) {
  const std::string body = encode("", "one") + encode("", "two") + encode("", "three");
  const std::string_view view(body);
  const Decoded decoded = decode_pieces({view.substr(0, 10), view.substr(10, 25), view.substr(35)});
  EXPECT_FALSE(decoded.failed);
  EXPECT_EQ(decoded.messages, (std::vector<std::string>{"payload=" + hex("one"), "payload=" + hex("two"),
                                                        "payload=" + hex("three")}));
}

TEST(EventStreamDecoderTest, RejectsMessageWithBadPreludeCrc) {
  std::string message = encode("", "payload");
  message[8] = static_cast<char>(message[8] ^ 0x01);
  const Decoded decoded = decode_whole(message);
  EXPECT_TRUE(decoded.failed);
  EXPECT_EQ(decoded.error.message, "upstream event stream message failed its prelude CRC32 check");
}

TEST(EventStreamDecoderTest, RejectsMessageWithACorruptedPayloadByteByItsMessageCrc) {
  std::string message = encode(string_header(":event-type", "contentBlockDelta"), R"({"delta":{"text":"Hel"}})");
  message[message.size() - 6] = static_cast<char>(message[message.size() - 6] ^ 0x20);
  const Decoded decoded = decode_whole(message);
  EXPECT_TRUE(decoded.failed);
  EXPECT_TRUE(decoded.messages.empty());
  EXPECT_EQ(decoded.error.message, "upstream event stream message failed its message CRC32 check");
}

TEST(EventStreamDecoderTest, RejectsMessageLargerThanTheLimitAsSoonAsItsPreludeArrives) {
  const std::string message = encode("", std::string(100, 'x'));
  EventStreamDecoder decoder(64);
  decoder.feed(std::string_view(message).substr(0, 12), [](const EventStreamMessage&) {
    ADD_FAILURE() << "no message expected";
  });
  EXPECT_TRUE(decoder.failed());
  EXPECT_EQ(decoder.error().message,
            "upstream event stream message declares 116 bytes, more than the 64-byte limit");
}

TEST(EventStreamDecoderTest, AcceptsMessageOfExactlyTheLimit) {
  const std::string message = encode("", std::string(48, 'x'));
  const Decoded decoded = decode_pieces({message}, EventStreamDecoder(64));
  EXPECT_FALSE(decoded.failed) << decoded.error.message;
  EXPECT_EQ(decoded.messages.size(), 1u);
}

TEST(EventStreamDecoderTest, RejectsTotalLengthBelowTheSixteenByteMinimum) {
  std::string prelude;
  put_u32(prelude, 12);
  put_u32(prelude, 0);
  put_u32(prelude, crc_of(prelude));
  const Decoded decoded = decode_whole(prelude + "0000");
  EXPECT_TRUE(decoded.failed);
  EXPECT_NE(decoded.error.message.find("minimum"), std::string::npos) << decoded.error.message;
}

TEST(EventStreamDecoderTest, RejectsHeadersLengthThatLeavesNoRoomForTheTrailer) {
  std::string message;
  put_u32(message, 20);
  put_u32(message, 5);
  put_u32(message, crc_of(message));
  message.append(8, '\0');
  const Decoded decoded = decode_whole(message);
  EXPECT_TRUE(decoded.failed);
  EXPECT_NE(decoded.error.message.find("bytes of headers"), std::string::npos) << decoded.error.message;
}

TEST(EventStreamDecoderTest, RejectsHeaderWithAnEmptyName) {
  const Decoded decoded = decode_whole(encode("\x00\x00"sv, ""));
  EXPECT_TRUE(decoded.failed);
  EXPECT_EQ(decoded.error.message, "upstream event stream message header 1 has an empty name");
}

TEST(EventStreamDecoderTest, RejectsHeaderOfUnknownType) {
  const Decoded decoded = decode_whole(encode(string_header("a", "b") + "\x01x\x0A", ""));
  EXPECT_TRUE(decoded.failed);
  EXPECT_EQ(decoded.error.message, "upstream event stream message header 2 has unknown value type 10");
}

TEST(EventStreamDecoderTest, RejectsHeaderValueRunningPastTheHeadersSection) {
  std::string header = string_header(":content-type", "application/json");
  header.pop_back();  // the value's length still says 16 bytes, but only 15 are in the section
  const Decoded decoded = decode_whole(encode(header, "xyz"));
  EXPECT_TRUE(decoded.failed);
  EXPECT_EQ(decoded.error.message,
            "upstream event stream message header 1 runs past the end of the headers section");
}

TEST(EventStreamDecoderTest, RejectsHeaderNameRunningPastTheHeadersSection) {
  const Decoded decoded = decode_whole(encode("\x05:eve", ""));
  EXPECT_TRUE(decoded.failed);
  EXPECT_EQ(decoded.error.message,
            "upstream event stream message header 1 runs past the end of the headers section");
}

TEST(EventStreamDecoderTest, FinishInsideAMessageFails) {
  const std::string message = encode("", "cut short");
  EventStreamDecoder decoder;
  decoder.feed(std::string_view(message).substr(0, message.size() - 1),
               [](const EventStreamMessage&) { ADD_FAILURE() << "no message expected"; });
  EXPECT_FALSE(decoder.failed());
  decoder.finish();
  EXPECT_TRUE(decoder.failed());
  EXPECT_EQ(decoder.error().message,
            "upstream event stream ended inside a message (24 of 25 bytes received)");
}

TEST(EventStreamDecoderTest, FinishInsideAPreludeFails) {
  const Decoded decoded = decode_whole(encode("", "x").substr(0, 5));
  EXPECT_TRUE(decoded.failed);
  EXPECT_EQ(decoded.error.message,
            "upstream event stream ended inside a message prelude (5 of 12 bytes received)");
}

TEST(EventStreamDecoderTest, FinishBetweenMessagesSucceeds) {
  const Decoded decoded = decode_whole(encode("", "a") + encode("", "b"));
  EXPECT_FALSE(decoded.failed);
  EXPECT_EQ(decoded.messages.size(), 2u);
}

TEST(EventStreamDecoderTest, EmptyBodyIsNoMessagesAndNoError) {
  const Decoded decoded = decode_whole("");
  EXPECT_FALSE(decoded.failed);
  EXPECT_TRUE(decoded.messages.empty());
}

TEST(EventStreamDecoderTest, IgnoresAllInputAfterAFailure) {
  std::string broken = encode("", "broken");
  broken[broken.size() - 1] = static_cast<char>(broken[broken.size() - 1] ^ 0x01);
  const std::string good = encode("", "good");
  const Decoded decoded = decode_pieces({encode("", "first"), broken + good, good});
  EXPECT_TRUE(decoded.failed);
  EXPECT_EQ(decoded.messages, std::vector<std::string>{"payload=" + hex("first")});
  EXPECT_EQ(decoded.error.message, "upstream event stream message failed its message CRC32 check");
}

TEST(EventStreamDecoderTest, ErrorIsAnUpstreamTransportError) {
  const Decoded decoded = decode_whole("\x00\x00\x00\x10\x00\x00\x00\x00\xde\xad\xbe\xef"sv);
  ASSERT_TRUE(decoded.failed);
  EXPECT_EQ(decoded.error.status, 502);
  EXPECT_EQ(decoded.error.type, "upstream_error");
  EXPECT_EQ(decoded.error.code, "upstream_transport");
  EXPECT_FALSE(decoded.error.param.has_value());
}

}  // namespace
}  // namespace sluice::streams
