// CsvWriter: builds an RFC 4180 CSV document (CRLF line ends) that is safe to open in a spreadsheet.
//
// A text field is quoted when it holds a comma, a quote, CR or LF, with its quotes doubled. Because
// exports end up in spreadsheets, a text field that starts like a formula (=, +, -, @, tab or CR)
// gets a leading apostrophe, so Excel, LibreOffice and Sheets show it as text instead of running it
// (OWASP's "CSV injection"). Numbers are written as they are: a negative amount is not a formula,
// and an apostrophe would turn it into text for whoever sums the column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::console {

class CsvWriter {
 public:
  // Adds a field to the current row.
  void text(std::string_view field);
  // Adds a decimal number ("-12.5000", "42"). Anything that is not one is written as text(), so
  // the guard cannot be bypassed by calling the wrong one.
  void number(std::string_view field);
  void number(std::int64_t value);
  // Ends the current row (CRLF).
  void end_row();

  const std::string& document() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();

  std::string out_;
  bool row_open_ = false;
};

// True for an optional minus, digits, and an optional fraction of digits.
bool is_decimal_number(std::string_view text);

}  // namespace sluice::console
