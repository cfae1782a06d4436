#include "console/CsvWriter.h"

#include <algorithm>

namespace sluice::console {

namespace {

bool starts_like_formula(std::string_view field) {
  if (field.empty()) return false;
  const char first = field.front();
  return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
         first == '\r';
}

bool needs_quotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool is_decimal_number(std::string_view text) {
  if (text.starts_with('-')) text.remove_prefix(1);
  const auto point = text.find('.');
  if (point == std::string_view::npos) return all_digits(text);
  return all_digits(text.substr(0, point)) && all_digits(text.substr(point + 1));
}

void CsvWriter::separate() {
  if (row_open_) out_ += ',';
  row_open_ = true;
}

void CsvWriter::text(std::string_view field) {
  separate();
  std::string value;
  if (starts_like_formula(field)) value += '\'';
  value += field;
  if (!needs_quotes(value)) {
    out_ += value;
    return;
  }
  out_ += '"';
  for (const char c : value) {
    if (c == '"') out_ += '"';
    out_ += c;
  }
  out_ += '"';
}

void CsvWriter::number(std::string_view field) {
  if (!is_decimal_number(field)) {
    text(field);
    return;
  }
  separate();
  out_ += field;
}

void CsvWriter::number(std::int64_t value) { number(std::to_string(value)); }

void CsvWriter::end_row() {
  out_ += "\r\n";
  row_open_ = false;
}

}  // namespace sluice::console
