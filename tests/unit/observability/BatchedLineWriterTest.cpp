#include "observability/AccessLog.h"
#include "observability/BatchedLineWriter.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace sluice::observability {
namespace {

using namespace std::chrono_literals;

// A pipe whose read end the test reads; closed on destruction.
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int ends[2];
    if (::pipe(ends) != 0) throw std::runtime_error("pipe");
    read_end = ends[0];
    write_end = ends[1];
  }
  ~Pipe() {
    if (read_end >= 0) ::close(read_end);
    if (write_end >= 0) ::close(write_end);
  }
  // Everything readable within `wait` (then until the pipe is momentarily empty).
  std::string read_available(std::chrono::milliseconds wait) const {
    std::string out;
    pollfd ready{read_end, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(wait.count())) <= 0) return out;
    char chunk[65536];
    for (;;) {
      const ssize_t got = ::read(read_end, chunk, sizeof chunk);
      if (got <= 0) break;
      out.append(chunk, static_cast<std::size_t>(got));
      pollfd more{read_end, POLLIN, 0};
      if (::poll(&more, 1, 0) <= 0) break;
    }
    return out;
  }
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start) + "<no newline>");
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

TEST(BatchedLineWriter, FlushReturnsOnceEveryLineIsWrittenInOrder) {
  Pipe pipe;
  BatchedLineWriter writer(pipe.write_end, {.wake_bytes = 1 << 20,
                                            .max_pending_bytes = 8 << 20,
                                            .flush_interval = std::chrono::milliseconds(10'000)});
  for (int i = 0; i < 100; ++i) writer.append("line " + std::to_string(i));
  writer.flush();
  EXPECT_EQ(writer.pending_lines(), 0u);
  const auto lines = split_lines(pipe.read_available(0ms));
  ASSERT_EQ(lines.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(lines[static_cast<std::size_t>(i)], "line " + std::to_string(i));
}

TEST(BatchedLineWriter, ALineWaitsForTheGatherWindowNotForAWritePerLine) {
  Pipe pipe;
  BatchedLineWriter writer(pipe.write_end, {.wake_bytes = 1 << 20,
                                            .max_pending_bytes = 8 << 20,
                                            .flush_interval = std::chrono::milliseconds(400)});
  writer.append("first");
  writer.append("second");
  // Not written at once: the writer gathers for the interval.
  EXPECT_EQ(pipe.read_available(100ms), "");
  EXPECT_EQ(writer.pending_lines(), 2u);
  // ...and written by itself when the interval ends, both lines in one batch.
  EXPECT_EQ(pipe.read_available(2000ms), "first\nsecond\n");
}

TEST(BatchedLineWriter, ABufferPastWakeBytesIsWrittenBeforeTheInterval) {
  Pipe pipe;
  BatchedLineWriter writer(pipe.write_end, {.wake_bytes = 1024,
                                            .max_pending_bytes = 8 << 20,
                                            .flush_interval = std::chrono::milliseconds(60'000)});
  const std::string line(99, 'x');
  for (int i = 0; i < 11; ++i) writer.append(line);  // 1,100 bytes with the newlines
  const std::string written = pipe.read_available(2000ms);
  EXPECT_EQ(split_lines(written).size(), 11u);
}

TEST(BatchedLineWriter, AFullBufferMakesTheCallerWaitAndLosesNothing) {
  Pipe pipe;
  // A pipe holds 64 KiB; the writer holds 1 KiB more. 400 KiB of lines can only get through if
  // appenders wait for room while the reader is slow.
  BatchedLineWriter writer(pipe.write_end, {.wake_bytes = 512,
                                            .max_pending_bytes = 1024,
                                            .flush_interval = std::chrono::milliseconds(5)});
  constexpr int kThreads = 4;
  constexpr int kLines = 1000;
  std::vector<std::thread> appenders;
  for (int t = 0; t < kThreads; ++t) {
    appenders.emplace_back([&writer, t] {
      for (int i = 0; i < kLines; ++i) {
        std::string line = std::to_string(t) + ":" + std::to_string(i) + ":";
        line.resize(99, 'p');
        writer.append(line);
      }
    });
  }
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (received.size() < kThreads * kLines * 100u && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);  // a slow reader
    received += pipe.read_available(50ms);
  }
  for (auto& appender : appenders) appender.join();
  writer.flush();
  received += pipe.read_available(0ms);

  std::map<int, int> next_per_thread;
  std::size_t count = 0;
  for (const std::string& line : split_lines(received)) {
    ASSERT_EQ(line.size(), 99u) << line;
    const int thread = std::stoi(line.substr(0, line.find(':')));
    const int index = std::stoi(line.substr(line.find(':') + 1));
    EXPECT_EQ(index, next_per_thread[thread]) << "lines of one caller stay in order";
    next_per_thread[thread] = index + 1;
    ++count;
  }
  EXPECT_EQ(count, static_cast<std::size_t>(kThreads * kLines));
  EXPECT_EQ(writer.lost_lines(), 0u);
}

TEST(BatchedLineWriter, ADescriptorThatRefusesTheLinesCountsThemLost) {
  std::signal(SIGPIPE, SIG_IGN);  // as the gateway does; a closed pipe is then EPIPE
  Pipe pipe;
  ::close(pipe.read_end);
  pipe.read_end = -1;
  BatchedLineWriter writer(pipe.write_end, {.wake_bytes = 1 << 20,
                                            .max_pending_bytes = 8 << 20,
                                            .flush_interval = std::chrono::milliseconds(10)});
  writer.append("a");
  writer.append("b");
  writer.flush();
  EXPECT_EQ(writer.lost_lines(), 2u);
  writer.append("c");
  writer.flush();
  EXPECT_EQ(writer.lost_lines(), 3u);
}

TEST(BatchedLineWriter, DestructionWritesWhatIsPending) {
  Pipe pipe;
  {
    BatchedLineWriter writer(pipe.write_end, {.wake_bytes = 1 << 20,
                                              .max_pending_bytes = 8 << 20,
                                              .flush_interval = std::chrono::milliseconds(60'000)});
    writer.append("last words");
  }
  EXPECT_EQ(pipe.read_available(0ms), "last words\n");
}

TEST(AccessLog, WritesOneJsonLinePerRecordThroughItsWriter) {
  Pipe pipe;
  AccessLog log(std::make_unique<BatchedLineWriter>(pipe.write_end));
  AccessLogRecord longer;
  longer.request_id = "req-1";
  longer.method = "POST";
  longer.path = "/v1/chat/completions";
  longer.status = 200;
  longer.model = "a-model-with-a-long-name";
  longer.usage_present = true;
  longer.input_tokens = 12;
  longer.output_tokens = 7;
  AccessLogRecord shorter;
  shorter.request_id = "req-2";
  shorter.method = "GET";
  shorter.path = "/v1/models";
  shorter.status = 404;
  log.write(longer);
  log.write(shorter);  // the per-thread buffer is reused: nothing of the first line may remain
  log.flush();
  EXPECT_EQ(log.queue_depth(), 0u);
  const auto lines = split_lines(pipe.read_available(0ms));
  ASSERT_EQ(lines.size(), 2u);
  const auto first = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(first.at("request_id").as_string(), "req-1");
  EXPECT_EQ(first.at("usage").at("output_tokens").as_int64(), 7);
  const auto second = boost::json::parse(lines[1]).as_object();
  EXPECT_EQ(second.at("request_id").as_string(), "req-2");
  EXPECT_EQ(second.at("status").as_int64(), 404);
  EXPECT_FALSE(second.contains("model"));
  EXPECT_FALSE(second.contains("usage"));
}

TEST(AccessLog, WithoutAWriterDiscardsLines) {
  AccessLog log(nullptr);
  AccessLogRecord record;
  record.request_id = "ignored";
  log.write(record);
  log.flush();
  EXPECT_EQ(log.queue_depth(), 0u);
}

}  // namespace
}  // namespace sluice::observability
