// CallerTags: request-log labels from x-oceans-* and x-sluice-* headers (api.md §5.1).
#include "ledger/CallerTags.h"

#include <gtest/gtest.h>

namespace sluice::ledger {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

TEST(CallerTags, ReadsTheReferenceHeaders) {
  const auto tags = CallerTags::from_headers(Headers{{"x-oceans-service", "billing"},
                                                     {"x-oceans-component", "invoicer"},
                                                     {"x-oceans-env", "prod"},
                                                     {"x-oceans-tags", "batch,nightly"}});
  EXPECT_EQ(tags.service, "billing");
  EXPECT_EQ(tags.component, "invoicer");
  EXPECT_EQ(tags.env, "prod");
  EXPECT_EQ(tags.tags, (std::vector<std::string>{"batch", "nightly"}));
  EXPECT_TRUE(tags.notes.empty());
}

TEST(CallerTags, HeaderNamesMatchInAnyCase) {
  const auto tags = CallerTags::from_headers(Headers{{"X-Sluice-Service", "billing"}});
  EXPECT_EQ(tags.service, "billing");
}

TEST(CallerTags, SluiceHeaderWinsOverTheReferenceOne) {
  const auto tags = CallerTags::from_headers(Headers{{"x-oceans-env", "staging"},
                                                     {"x-sluice-env", "prod"},
                                                     {"x-oceans-tags", "a,b"},
                                                     {"x-sluice-tags", "c"}});
  EXPECT_EQ(tags.env, "prod");
  EXPECT_EQ(tags.tags, (std::vector<std::string>{"c"}));
  EXPECT_EQ(tags.notes.size(), 2U);
  EXPECT_NE(tags.notes[0].find("x-sluice-env wins"), std::string::npos);
}

TEST(CallerTags, TagsAreTrimmedAndDeduplicated) {
  const auto tags = CallerTags::from_headers(
      Headers{{"x-oceans-tags", " a , b,,a ,  "}, {"x-oceans-tags", "b, c"}});
  EXPECT_EQ(tags.tags, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(CallerTags, KeepsAtMostSixteenTags) {
  std::string list;
  for (int i = 0; i < 20; ++i) list += "t" + std::to_string(i) + ",";
  const auto tags = CallerTags::from_headers(Headers{{"x-oceans-tags", list}});
  ASSERT_EQ(tags.tags.size(), CallerTags::kMaxTags);
  EXPECT_EQ(tags.tags.back(), "t15");
  EXPECT_EQ(tags.notes.size(), 4U);
  EXPECT_NE(tags.notes[0].find("more than 16 tags"), std::string::npos);
}

TEST(CallerTags, IgnoresOverlongAndNonVisibleLabelsWithANote) {
  const std::string long_tag(65, 'x');
  const auto tags =
      CallerTags::from_headers(Headers{{"x-oceans-tags", long_tag + ",ok,has space,caf\xc3\xa9"},
                                       {"x-oceans-service", std::string(65, 's')},
                                       {"x-oceans-env", "pr\x01od"}});
  EXPECT_EQ(tags.tags, (std::vector<std::string>{"ok"}));
  EXPECT_FALSE(tags.service);
  EXPECT_FALSE(tags.env);
  EXPECT_EQ(tags.notes.size(), 5U);
}

TEST(CallerTags, AcceptsTagsOfExactlySixtyFourCharacters) {
  const std::string tag(64, 'x');
  EXPECT_EQ(CallerTags::from_headers(Headers{{"x-oceans-tags", tag}}).tags,
            (std::vector<std::string>{tag}));
}

TEST(CallerTags, BlankOrMissingHeadersLeaveFieldsUnset) {
  const auto tags = CallerTags::from_headers(Headers{{"x-oceans-service", "   "}});
  EXPECT_FALSE(tags.service);
  EXPECT_FALSE(tags.component);
  EXPECT_TRUE(tags.tags.empty());
  EXPECT_TRUE(tags.notes.empty());
}

}  // namespace
}  // namespace sluice::ledger
