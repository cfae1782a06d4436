#include "auth/AwsCredentialProcess.h"

#include "auth/AwsCredentialDocument.h"
#include "auth/AwsCredentialSource.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace sluice::auth {

namespace {

namespace asio = boost::asio;
using asio::experimental::awaitable_operators::operator||;

// Helpers print a few hundred bytes; anything near this is not a credentials document.
constexpr std::size_t kMaxOutputBytes = 64 * 1024;
constexpr std::chrono::milliseconds kExitPollInterval{10};

// The program's file name, for messages: a path may be long but carries no secret; the
// arguments might.
std::string program_label(const std::string& program) {
  const auto slash = program.rfind('/');
  return slash == std::string::npos ? program : program.substr(slash + 1);
}

// posix_spawn's C structures, released however run_credential_process leaves.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attributes_);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attributes_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // stdin from /dev/null, stdout into `pipe_write`, stderr inherited; its own process group (so a
  // timeout kills the helper's children too); default SIGPIPE and an empty signal mask (a server
  // commonly ignores SIGPIPE, and ignored signals survive exec).
  bool prepare(int pipe_write) {
    sigset_t empty;
    sigset_t defaults;
    sigemptyset(&empty);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    return posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0) == 0 &&
           posix_spawn_file_actions_adddup2(&actions_, pipe_write, 1) == 0 &&
           posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                      POSIX_SPAWN_SETSIGDEF) == 0 &&
           posix_spawnattr_setpgroup(&attributes_, 0) == 0 &&
           posix_spawnattr_setsigmask(&attributes_, &empty) == 0 &&
           posix_spawnattr_setsigdefault(&attributes_, &defaults) == 0;
  }

  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attributes() const { return &attributes_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attributes_;
};

struct ReadOutcome {
  std::string output;
  bool too_large = false;
  bool failed = false;
};

asio::awaitable<ReadOutcome> read_to_end(asio::posix::stream_descriptor& pipe) {
  ReadOutcome outcome;
  std::array<char, 4096> buffer{};
  for (;;) {
    boost::system::error_code error;
    const std::size_t n =
        co_await pipe.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, error));
    outcome.output.append(buffer.data(), n);
    if (outcome.output.size() > kMaxOutputBytes) {
      outcome.too_large = true;
      co_return outcome;
    }
    if (error == asio::error::eof) co_return outcome;
    if (error) {
      outcome.failed = true;
      co_return outcome;
    }
  }
}

asio::awaitable<void> wait_on(asio::steady_timer& timer) {
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

// Kills the helper's whole process group and reaps the helper. SIGKILL cannot be caught, so the
// blocking waitpid returns at once.
void kill_and_reap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

Expected<std::vector<std::string>> split_command_line(std::string_view command_line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // "" is an (empty) word, so quotes start one even with no characters
  enum class Quote { kNone, kSingle, kDouble } quote = Quote::kNone;
  for (std::size_t i = 0; i < command_line.size(); ++i) {
    const char c = command_line[i];
    switch (quote) {
      case Quote::kSingle:
        if (c == '\'') quote = Quote::kNone;
        else word += c;
        break;
      case Quote::kDouble:
        if (c == '"') {
          quote = Quote::kNone;
        } else if (c == '\\' && i + 1 < command_line.size() &&
                   std::string_view("\"\\$`\n").find(command_line[i + 1]) != std::string_view::npos) {
          word += command_line[++i];
        } else {
          word += c;
        }
        break;
      case Quote::kNone:
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          if (in_word) words.push_back(std::move(word));
          word.clear();
          in_word = false;
        } else if (c == '\'') {
          quote = Quote::kSingle;
          in_word = true;
        } else if (c == '"') {
          quote = Quote::kDouble;
          in_word = true;
        } else if (c == '\\' && i + 1 < command_line.size()) {
          word += command_line[++i];
          in_word = true;
        } else {
          word += c;
          in_word = true;
        }
        break;
    }
  }
  if (quote != Quote::kNone) {
    return credentials_unavailable("credential_process has an unclosed quote");
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return credentials_unavailable("credential_process is empty");
  return words;
}

asio::awaitable<Expected<std::string>> run_credential_process(std::string_view command_line_view,
                                                              std::chrono::milliseconds timeout) {
  const std::string command_line(command_line_view);
  auto words = split_command_line(command_line);
  if (!words) co_return words.error();
  const std::string label = program_label(words->front());

  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {  // CLOEXEC: other threads' children must not inherit it
    co_return credentials_unavailable(
        fmt::format("credential_process `{}`: no pipe: {}", label, std::strerror(errno)));
  }
  std::vector<char*> argv;
  for (std::string& word : *words) argv.push_back(word.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  int spawn_error = 0;
  {
    SpawnSetup setup;
    spawn_error = setup.prepare(fds[1]) ? ::posix_spawnp(&pid, argv[0], setup.actions(),
                                                         setup.attributes(), argv.data(), environ)
                                        : EINVAL;
  }
  ::close(fds[1]);
  if (spawn_error != 0) {
    ::close(fds[0]);
    co_return credentials_unavailable(fmt::format("credential_process `{}` could not be started: {}",
                                                  label, std::strerror(spawn_error)));
  }

  const auto executor = co_await asio::this_coro::executor;
  asio::posix::stream_descriptor pipe(executor, fds[0]);
  asio::steady_timer deadline(executor);
  deadline.expires_after(timeout);

  auto raced = co_await (read_to_end(pipe) || wait_on(deadline));
  if (raced.index() == 1) {
    kill_and_reap(pid);
    co_return credentials_unavailable(fmt::format(
        "credential_process `{}` did not finish within {} ms and was killed", label, timeout.count()));
  }
  ReadOutcome read = std::move(std::get<0>(raced));
  if (read.too_large || read.failed) {
    kill_and_reap(pid);
    co_return credentials_unavailable(
        read.too_large ? fmt::format("credential_process `{}` wrote more than {} bytes", label, kMaxOutputBytes)
                       : fmt::format("credential_process `{}`: reading its output failed", label));
  }

  // Its stdout is closed; it should be exiting. Poll for that within what is left of the limit.
  int status = 0;
  for (;;) {
    const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) break;
    if (reaped < 0 && errno == EINTR) continue;
    if (reaped < 0) {
      // ECHILD: someone else reaped it (SIGCHLD ignored process-wide); the status is unknowable,
      // so the output decides.
      status = 0;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline.expiry()) {
      kill_and_reap(pid);
      co_return credentials_unavailable(fmt::format(
          "credential_process `{}` did not finish within {} ms and was killed", label, timeout.count()));
    }
    asio::steady_timer pause(executor, kExitPollInterval);
    boost::system::error_code ignored;
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (WIFSIGNALED(status)) {
    co_return credentials_unavailable(
        fmt::format("credential_process `{}` was killed by signal {}", label, WTERMSIG(status)));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    co_return credentials_unavailable(
        fmt::format("credential_process `{}` exited with status {}", label, WEXITSTATUS(status)));
  }
  co_return std::move(read.output);
}

asio::awaitable<Expected<AwsCredentials>> credentials_from_process(std::string command_line,
                                                                   std::chrono::milliseconds timeout,
                                                                   std::string source) {
  auto output = co_await run_credential_process(command_line, timeout);
  if (!output) co_return output.error();
  const auto words = split_command_line(command_line);
  const std::string what =
      fmt::format("the output of credential_process `{}`", program_label(words->front()));
  co_return parse_credential_document(*output, {"SessionToken", true}, std::move(source), what);
}

}  // namespace sluice::auth
