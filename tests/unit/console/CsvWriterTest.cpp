// CsvWriter: RFC 4180 quoting, CRLF rows, and the guard against spreadsheet formula injection.
#include "console/CsvWriter.h"

#include <gtest/gtest.h>

namespace sluice::console {
namespace {

std::string one_field(std::string_view text) {
  CsvWriter csv;
  csv.text(text);
  csv.end_row();
  return csv.take();
}

TEST(CsvWriterTest, WritesPlainFieldsSeparatedByCommasWithCrlfRows) {
  CsvWriter csv;
  csv.text("a");
  csv.text("b c");
  csv.end_row();
  csv.text("");
  csv.number("12.5000");
  csv.end_row();
  EXPECT_EQ(csv.document(), "a,b c\r\n,12.5000\r\n");
}

TEST(CsvWriterTest, QuotesFieldsWithCommasQuotesAndLineBreaks) {
  EXPECT_EQ(one_field("a,b"), "\"a,b\"\r\n");
  EXPECT_EQ(one_field("say \"hi\""), "\"say \"\"hi\"\"\"\r\n");
  EXPECT_EQ(one_field("two\nlines"), "\"two\nlines\"\r\n");
  EXPECT_EQ(one_field("cr\rhere"), "\"cr\rhere\"\r\n");
}

TEST(CsvWriterTest, PrefixesTextThatStartsLikeAFormulaWithAnApostrophe) {
  EXPECT_EQ(one_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"\r\n");
  EXPECT_EQ(one_field("+1"), "'+1\r\n");
  EXPECT_EQ(one_field("-2"), "'-2\r\n");
  EXPECT_EQ(one_field("@SUM(A1)"), "'@SUM(A1)\r\n");
  EXPECT_EQ(one_field("\tcmd"), "'\tcmd\r\n");
  EXPECT_EQ(one_field("a=b"), "a=b\r\n");
}

TEST(CsvWriterTest, WritesNumbersUnguarded) {
  CsvWriter csv;
  csv.number("-3.2500");
  csv.number(std::int64_t{-7});
  csv.number(std::int64_t{42});
  csv.end_row();
  EXPECT_EQ(csv.document(), "-3.2500,-7,42\r\n");
}

TEST(CsvWriterTest, TreatsANonNumberPassedAsANumberAsText) {
  CsvWriter csv;
  csv.number("-1+cmd");
  csv.number("1,5");
  csv.end_row();
  EXPECT_EQ(csv.document(), "'-1+cmd,\"1,5\"\r\n");
}

TEST(CsvWriterTest, RecognisesDecimalNumbers) {
  EXPECT_TRUE(is_decimal_number("0"));
  EXPECT_TRUE(is_decimal_number("-12.0001"));
  EXPECT_FALSE(is_decimal_number(""));
  EXPECT_FALSE(is_decimal_number("-"));
  EXPECT_FALSE(is_decimal_number("1."));
  EXPECT_FALSE(is_decimal_number(".5"));
  EXPECT_FALSE(is_decimal_number("1e5"));
}

}  // namespace
}  // namespace sluice::console
