#include "store/PostgresConnection.h"

#include <gtest/gtest.h>

namespace sluice::store {
namespace {

TEST(PostgresPlaceholders, NumbersQuestionMarksInOrder) {
  const auto numbered = number_placeholders("SELECT a FROM t WHERE b = ? AND c < ? LIMIT ?");
  EXPECT_EQ(numbered.text, "SELECT a FROM t WHERE b = $1 AND c < $2 LIMIT $3");
  EXPECT_EQ(numbered.parameter_count, 3);
}

TEST(PostgresPlaceholders, LeavesQuestionMarksInLiteralsIdentifiersAndCommentsAlone) {
  const auto numbered =
      number_placeholders("SELECT '?', 'it''s ?', \"odd?\" FROM t -- why?\nWHERE a = ?");
  EXPECT_EQ(numbered.text, "SELECT '?', 'it''s ?', \"odd?\" FROM t -- why?\nWHERE a = $1");
  EXPECT_EQ(numbered.parameter_count, 1);
}

}  // namespace
}  // namespace sluice::store
