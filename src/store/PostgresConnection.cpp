#include "store/PostgresConnection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <optional>
#include <vector>

namespace sluice::store {
namespace {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Integrity constraint violations (unique, foreign key, check) are SQLSTATE class 23.
GatewayError error_from(pg_conn* connection, const PGresult* result, std::string_view what) {
  const char* detail = result ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  std::string message = fmt::format("postgres {}: {}", what, detail);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state != nullptr && std::string_view(state).substr(0, 2) == "23") {
    return store_conflict(std::move(message));
  }
  return store_unavailable(std::move(message));
}

bool succeeded(const PGresult* result) {
  const auto status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

class PostgresStatement final : public StoreStatement {
 public:
  PostgresStatement(pg_conn* connection, std::string name, int parameter_count)
      : connection_(connection),
        name_(std::move(name)),
        parameters_(static_cast<std::size_t>(parameter_count)) {}

  void bind_null(int index) override { slot(index).reset(); }
  void bind_int64(int index, std::int64_t value) override { slot(index) = std::to_string(value); }
  void bind_double(int index, double value) override { slot(index) = fmt::format("{}", value); }
  void bind_text(int index, std::string_view value) override { slot(index) = std::string(value); }

  // The first step sends the statement and keeps the whole result; later steps walk its rows.
  Expected<bool> step() override {
    if (!result_) {
      if (auto executed = execute(); !executed) return executed.error();
      row_ = -1;
    }
    ++row_;
    return row_ < PQntuples(result_.get());
  }

  void reset() override {
    result_.reset();
    for (auto& parameter : parameters_) parameter.reset();
  }

  bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }
  std::int64_t column_int64(int column) const override {
    const std::string_view text = value(column);
    std::int64_t number = 0;
    std::from_chars(text.data(), text.data() + text.size(), number);
    return number;
  }
  double column_double(int column) const override {
    return std::strtod(PQgetvalue(result_.get(), row_, column), nullptr);
  }
  std::string column_text(int column) const override { return std::string(value(column)); }
  std::int64_t rows_affected() const override {
    const char* count = result_ ? PQcmdTuples(result_.get()) : "";
    return std::atoll(count);
  }

 private:
  std::optional<std::string>& slot(int index) {
    return parameters_.at(static_cast<std::size_t>(index - 1));
  }

  std::string_view value(int column) const {
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
  }

  Status execute() {
    std::vector<const char*> values;
    values.reserve(parameters_.size());
    for (const auto& parameter : parameters_) {
      values.push_back(parameter ? parameter->c_str() : nullptr);
    }
    Result result(PQexecPrepared(connection_, name_.c_str(), static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, 0));
    if (!result || !succeeded(result.get())) return error_from(connection_, result.get(), "query");
    result_ = std::move(result);
    return Done{};
  }

  pg_conn* connection_;
  std::string name_;
  std::vector<std::optional<std::string>> parameters_;
  Result result_;
  int row_ = -1;
};

void ignore_notice(void*, const char*) {}

}  // namespace

NumberedSql number_placeholders(std::string_view sql) {
  NumberedSql numbered;
  numbered.text.reserve(sql.size() + 16);
  char quote = 0;  // the quote character we are inside, or 0
  bool in_comment = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (in_comment) {
      in_comment = c != '\n';
    } else if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote re-enters on the next character: still inside
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      in_comment = true;
    } else if (c == '?') {
      numbered.text += fmt::format("${}", ++numbered.parameter_count);
      continue;
    }
    numbered.text += c;
  }
  return numbered;
}

Expected<std::unique_ptr<PostgresConnection>> PostgresConnection::open(
    const std::string& conninfo) {
  pg_conn* raw = PQconnectdb(conninfo.c_str());
  std::unique_ptr<PostgresConnection> connection(new PostgresConnection(raw));
  if (raw == nullptr) return store_unavailable("cannot connect to Postgres: out of memory");
  if (PQstatus(raw) != CONNECTION_OK) {
    // PQerrorMessage names host and user, never the password.
    return error_from(raw, nullptr, "connect");
  }
  // "relation already exists, skipping" and the like are for humans at a psql prompt.
  PQsetNoticeProcessor(raw, ignore_notice, nullptr);
  return connection;
}

PostgresConnection::~PostgresConnection() {
  statements_.clear();
  if (connection_ != nullptr) PQfinish(connection_);
}

bool PostgresConnection::healthy() const {
  return connection_ != nullptr && PQstatus(connection_) == CONNECTION_OK;
}

Expected<StoreStatement*> PostgresConnection::prepare(std::string_view sql) {
  if (auto cached = statements_.find(sql); cached != statements_.end()) {
    cached->second->reset();
    return cached->second.get();
  }
  const NumberedSql numbered = number_placeholders(sql);
  std::string name = fmt::format("sluice_{}", statements_.size() + 1);
  Result result(PQprepare(connection_, name.c_str(), numbered.text.c_str(),
                          numbered.parameter_count, nullptr));
  if (!result || !succeeded(result.get())) return error_from(connection_, result.get(), "prepare");
  auto statement =
      std::make_unique<PostgresStatement>(connection_, std::move(name), numbered.parameter_count);
  StoreStatement* pointer = statement.get();
  statements_.emplace(std::string(sql), std::move(statement));
  return pointer;
}

Status PostgresConnection::execute_script(std::string_view sql) {
  const std::string text(sql);
  Result result(PQexec(connection_, text.c_str()));
  if (!result || !succeeded(result.get())) return error_from(connection_, result.get(), "execute");
  return Done{};
}

}  // namespace sluice::store
