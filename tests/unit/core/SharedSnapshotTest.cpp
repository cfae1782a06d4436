#include "core/SharedSnapshot.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace sluice {
namespace {

TEST(SharedSnapshotTest, ReadersSeeAReplacementOnTheirNextRead) {
  SharedSnapshot<const std::string> snapshot(std::make_shared<const std::string>("first"));
  EXPECT_EQ(*snapshot.current(), "first");
  snapshot.replace(std::make_shared<const std::string>("second"));
  EXPECT_EQ(*snapshot.current(), "second");
  EXPECT_EQ(snapshot.replacements(), 1u);
}

TEST(SharedSnapshotTest, AHolderKeepsTheValueItStartedWith) {
  SharedSnapshot<const std::string> snapshot(std::make_shared<const std::string>("old"));
  const auto held = snapshot.current();
  snapshot.replace(std::make_shared<const std::string>("new"));
  EXPECT_EQ(*held, "old");
  EXPECT_EQ(*snapshot.current(), "new");
}

// A thread's cached copy belongs to one snapshot: another snapshot of the same type, even one
// made later at the same address, never answers with it.
TEST(SharedSnapshotTest, SnapshotsOfOneTypeNeverShareAThreadsCopy) {
  auto a = std::make_unique<SharedSnapshot<const std::string>>(std::make_shared<const std::string>("a"));
  SharedSnapshot<const std::string> b(std::make_shared<const std::string>("b"));
  EXPECT_EQ(*a->current(), "a");
  EXPECT_EQ(*b.current(), "b");
  EXPECT_EQ(*a->current(), "a");
  a.reset();
  a = std::make_unique<SharedSnapshot<const std::string>>(std::make_shared<const std::string>("c"));
  EXPECT_EQ(*a->current(), "c");
}

TEST(SharedSnapshotTest, ConcurrentReadersAlwaysSeeAWholeValue) {
  SharedSnapshot<const std::vector<int>> snapshot(std::make_shared<const std::vector<int>>(64, 0));
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  std::atomic<int> torn{0};
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        const auto value = snapshot.current();
        for (const int element : *value) {
          if (element != value->front()) torn.fetch_add(1);
        }
      }
    });
  }
  for (int version = 1; version <= 500; ++version) {
    snapshot.replace(std::make_shared<const std::vector<int>>(64, version));
  }
  done = true;
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(snapshot.current()->front(), 500);
}

}  // namespace
}  // namespace sluice
