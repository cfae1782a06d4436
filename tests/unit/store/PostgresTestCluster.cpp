#include "PostgresTestCluster.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace sluice::store::testing {
namespace {

namespace fs = std::filesystem;

// SLUICE_POSTGRES_BIN, else the newest /usr/lib/postgresql/<version>/bin, else initdb on PATH.
std::optional<fs::path> find_server_binaries() {
  if (const char* configured = std::getenv("SLUICE_POSTGRES_BIN")) {
    if (fs::exists(fs::path(configured) / "pg_ctl")) return fs::path(configured);
    return std::nullopt;
  }
  std::optional<fs::path> newest;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    const fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "pg_ctl") && (!newest || bin > *newest)) newest = bin;
  }
  if (newest) return newest;
  const char* path = std::getenv("PATH");
  std::stringstream directories(path ? path : "");
  for (std::string directory; std::getline(directories, directory, ':');) {
    if (fs::exists(fs::path(directory) / "pg_ctl") && fs::exists(fs::path(directory) / "initdb")) {
      return fs::path(directory);
    }
  }
  return std::nullopt;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

// Who runs the server: ourselves, or (as root, which Postgres refuses) an unprivileged account.
struct RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

RunAs server_account() {
  if (::geteuid() != 0) return {};
  for (const char* name : {"postgres", "nobody"}) {
    if (const passwd* account = ::getpwnam(name)) return {true, account->pw_uid, account->pw_gid};
  }
  return {};
}

// Runs argv to completion with stdout and stderr appended to `log`; returns its exit status.
int run(const std::vector<std::string>& argv, const RunAs& account, const fs::path& log) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t child = ::fork();
  if (child == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
    }
    if (account.switch_user && (::setgid(account.gid) != 0 || ::setuid(account.uid) != 0)) {
      _exit(126);
    }
    ::execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// What the server log gained after its first `offset` bytes.
std::string log_text_since(const fs::path& log, std::uintmax_t offset) {
  std::ifstream in(log);
  in.seekg(static_cast<std::streamoff>(offset));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string tail_of(const fs::path& log) {
  std::string all = log_text_since(log, 0);
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

constexpr int kStartAttempts = 5;

std::string create_database(const std::string& admin_conninfo) {
  PGconn* connection = PQconnectdb(admin_conninfo.c_str());
  std::string error;
  if (PQstatus(connection) != CONNECTION_OK) {
    error = PQerrorMessage(connection);
  } else {
    PGresult* result = PQexec(connection, "CREATE DATABASE sluice_test");
    if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQresultErrorMessage(result);
    PQclear(result);
  }
  PQfinish(connection);
  return error;
}

const bool kRegistered = (PostgresTestCluster::instance(), true);

}  // namespace

PostgresTestCluster& PostgresTestCluster::instance() {
  // GoogleTest owns environments it is given and calls TearDown on them after the last test.
  static auto* cluster = static_cast<PostgresTestCluster*>(
      ::testing::AddGlobalTestEnvironment(new PostgresTestCluster));
  return *cluster;
}

PostgresTestCluster::Connection PostgresTestCluster::connection() {
  std::lock_guard lock(mutex_);
  if (!connection_) connection_ = start();
  return *connection_;
}

void PostgresTestCluster::TearDown() {
  std::lock_guard lock(mutex_);
  stop();
}

PostgresTestCluster::Connection PostgresTestCluster::start() {
  if (const char* url = std::getenv("SLUICE_TEST_POSTGRES_URL"); url != nullptr && *url != '\0') {
    return {url, ""};
  }
  const auto bin = find_server_binaries();
  if (!bin) {
    return {"",
            "Postgres server binaries (initdb, pg_ctl) were not found in SLUICE_POSTGRES_BIN, "
            "under /usr/lib/postgresql or on PATH. Install postgresql-15 (scripts/bootstrap does), "
            "set SLUICE_POSTGRES_BIN, or point SLUICE_TEST_POSTGRES_URL at a server."};
  }
  bin_ = *bin;
  // Short on purpose: the server's Unix socket lives here, and socket paths are limited to ~107.
  char directory_template[] = "/tmp/sluice-pg-XXXXXX";
  if (::mkdtemp(directory_template) == nullptr) {
    return {"", "mkdtemp failed for the Postgres cluster"};
  }
  directory_ = directory_template;
  const RunAs account = server_account();
  if (account.switch_user && ::chown(directory_.c_str(), account.uid, account.gid) != 0) {
    return {"", fmt::format("cannot hand {} to the Postgres server account", directory_.string())};
  }
  const fs::path data = directory_ / "data";
  const fs::path log = directory_ / "server.log";
  if (account.switch_user) {
    std::ofstream{log};
    if (::chown(log.c_str(), account.uid, account.gid) != 0) {
      return {"", "cannot chown the server log"};
    }
  }
  const std::vector<std::string> initdb = {(bin_ / "initdb").string(),
                                           "-D",
                                           data.string(),
                                           "-A",
                                           "trust",
                                           "-U",
                                           "sluice",
                                           "-E",
                                           "UTF8",
                                           "--no-sync"};
  if (run(initdb, account, log) != 0) {
    return {"", fmt::format("initdb failed:\n{}", tail_of(log))};
  }
  // The port is free when picked but not reserved: ctest runs test processes side by side, each
  // starting its own cluster, and another one (or any outgoing connection) can take it before the
  // server binds. A start that failed on that alone is retried on a fresh port.
  int port = 0;
  for (int attempt = 1;; ++attempt) {
    port = free_port();
    std::error_code no_size;
    const auto log_before = fs::file_size(log, no_size);
    // fsync off: a test cluster is thrown away, durability only costs time.
    const std::string options = fmt::format(
        "-k {} -c listen_addresses=127.0.0.1 -p {} -c fsync=off", directory_.string(), port);
    const std::vector<std::string> pg_ctl = {(bin_ / "pg_ctl").string(),
                                             "-D",
                                             data.string(),
                                             "-l",
                                             log.string(),
                                             "-o",
                                             options,
                                             "-w",
                                             "start"};
    if (run(pg_ctl, account, log) == 0) break;
    const bool port_taken = log_text_since(log, no_size ? 0 : log_before)
                                .find("Address already in use") != std::string::npos;
    if (!port_taken || attempt == kStartAttempts) {
      return {"", fmt::format("pg_ctl start failed:\n{}", tail_of(log))};
    }
  }
  const std::string server = fmt::format("host={} port={} user=sluice", directory_.string(), port);
  if (std::string error = create_database(server + " dbname=postgres"); !error.empty()) {
    return {"", "CREATE DATABASE sluice_test failed: " + error};
  }
  return {server + " dbname=sluice_test", ""};
}

void PostgresTestCluster::stop() {
  if (directory_.empty()) return;
  const std::vector<std::string> pg_ctl = {(bin_ / "pg_ctl").string(),
                                           "-D",
                                           (directory_ / "data").string(),
                                           "-m",
                                           "immediate",
                                           "-w",
                                           "stop"};
  (void)run(pg_ctl, server_account(), directory_ / "server.log");
  std::error_code ignored;
  fs::remove_all(directory_, ignored);
  directory_.clear();
}

}  // namespace sluice::store::testing
