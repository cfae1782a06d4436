// credential_process: splitting the command line without a shell, running the helper directly,
// reading its JSON, and refusing helpers that fail or run too long.
#include "auth/AwsCredentialProcess.h"

#include "auth/AwsProfileCredentials.h"

#include "AwsCredentialTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::auth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::FakeEnvironment;
using test::TempDir;
using test::run_on;
using test::utc;

using Words = std::vector<std::string>;

Words split(std::string_view line) {
  auto words = split_command_line(line);
  EXPECT_TRUE(words.ok()) << (words.ok() ? "" : words.error().message);
  return words.ok() ? *words : Words{};
}

TEST(AwsCredentialProcess, SplitsOnWhitespaceRespectingQuotes) {
  EXPECT_EQ(split("/bin/helper --profile dev"), (Words{"/bin/helper", "--profile", "dev"}));
  EXPECT_EQ(split("  a\t b  "), (Words{"a", "b"}));
  EXPECT_EQ(split("'/opt/my tools/helper' \"two words\" x"),
            (Words{"/opt/my tools/helper", "two words", "x"}));
  EXPECT_EQ(split(R"(a "say \"hi\" \\ \n" 'it''s' b\ c "")"),
            (Words{"a", R"(say "hi" \ \n)", "its", "b c", ""}));
  // No shell: metacharacters are plain characters.
  EXPECT_EQ(split("helper ; rm -rf / | cat $HOME"),
            (Words{"helper", ";", "rm", "-rf", "/", "|", "cat", "$HOME"}));
}

TEST(AwsCredentialProcess, RefusesUnclosedQuotesAndEmptyCommands) {
  EXPECT_FALSE(split_command_line("helper 'unclosed").ok());
  EXPECT_FALSE(split_command_line("helper \"unclosed").ok());
  EXPECT_FALSE(split_command_line("   ").ok());
}

class AwsCredentialProcessRun : public ::testing::Test {
 protected:
  Expected<AwsCredentials> run(const std::string& command, std::chrono::milliseconds timeout = 10'000ms) {
    return run_on(io_, credentials_from_process(command, timeout, "credential-process:test"));
  }

  asio::io_context io_;
  TempDir dir_;
};

TEST_F(AwsCredentialProcessRun, ReadsTemporaryCredentialsFromTheHelpersJson) {
  const auto helper = dir_.script("helper.sh", R"(cat <<'JSON'
{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret",
 "SessionToken": "process-token", "Expiration": "2030-01-02T03:04:05Z"}
JSON
)");
  const auto credentials = run(helper);
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "AKIDPROCESS");
  EXPECT_EQ(credentials->secret_access_key.reveal(), "process-secret");
  ASSERT_TRUE(credentials->session_token);
  EXPECT_EQ(credentials->session_token->reveal(), "process-token");
  ASSERT_TRUE(credentials->expiration);
  EXPECT_EQ(*credentials->expiration, utc(2030, 1, 2, 3, 4, 5));
  EXPECT_EQ(credentials->source, "credential-process:test");
}

TEST_F(AwsCredentialProcessRun, PassesQuotedArgumentsToTheProgramDirectly) {
  // The helper echoes its arguments back as the key id: quoting reached it intact.
  const auto helper = dir_.script("echo args.sh", R"(printf '{"Version":1,"AccessKeyId":"%s|%s","SecretAccessKey":"s"}' "$1" "$2")");
  const auto credentials = run("'" + helper + "' 'one two' \"$HOME\"");
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "one two|$HOME");
  EXPECT_FALSE(credentials->expiration);  // no Expiration: static
  EXPECT_FALSE(credentials->session_token);
}

TEST_F(AwsCredentialProcessRun, NonZeroExitIsAnErrorThatHidesTheOutput) {
  const auto helper = dir_.script("fail.sh",
                                  R"(echo '{"Version":1,"AccessKeyId":"LEAKED","SecretAccessKey":"LEAKED"}'; exit 3)");
  const auto credentials = run(helper + " --secret-arg hunter2");
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().status, 502);
  EXPECT_EQ(credentials.error().code, "upstream_credentials");
  EXPECT_NE(credentials.error().message.find("exited with status 3"), std::string::npos);
  EXPECT_NE(credentials.error().message.find("fail.sh"), std::string::npos);
  EXPECT_EQ(credentials.error().message.find("LEAKED"), std::string::npos);
  EXPECT_EQ(credentials.error().message.find("hunter2"), std::string::npos);
}

TEST_F(AwsCredentialProcessRun, KillsAHelperThatExceedsTheTimeLimit) {
  const auto helper = dir_.script("slow.sh", "sleep 30\n");
  const auto started = std::chrono::steady_clock::now();
  const auto credentials = run(helper, 300ms);
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("did not finish within 300 ms"), std::string::npos)
      << credentials.error().message;
  // The whole process group (the shell and its sleep) was killed, not waited for.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST_F(AwsCredentialProcessRun, RefusesOutputThatIsNotVersion1Json) {
  EXPECT_FALSE(run(dir_.script("text.sh", "echo not json\n")).ok());
  const auto wrong_version = run(dir_.script(
      "v2.sh", R"(echo '{"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}')"));
  ASSERT_FALSE(wrong_version.ok());
  EXPECT_NE(wrong_version.error().message.find("Version"), std::string::npos);
  const auto bad_expiry = run(dir_.script(
      "exp.sh", R"(echo '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"tomorrow"}')"));
  ASSERT_FALSE(bad_expiry.ok());
  EXPECT_NE(bad_expiry.error().message.find("Expiration"), std::string::npos);
}

TEST_F(AwsCredentialProcessRun, MissingProgramIsAnError) {
  const auto credentials = run((dir_.path() / "no-such-helper").string());
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("could not be started"), std::string::npos);
}

TEST_F(AwsCredentialProcessRun, ProfileWithCredentialProcessRunsIt) {
  const auto helper = dir_.script(
      "helper.sh", R"(echo '{"Version":1,"AccessKeyId":"AKIDFROMPROFILE","SecretAccessKey":"S"}')");
  FakeEnvironment env;
  env.set("AWS_CONFIG_FILE", dir_.write("config", "[profile tools]\ncredential_process = " + helper + "\n"));
  env.set("AWS_SHARED_CREDENTIALS_FILE", (dir_.path() / "absent").string());
  env.set("AWS_PROFILE", "tools");
  AwsProfileCredentials source(test::make_context(env.lookup()));
  const auto credentials = run_on(io_, source.load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "AKIDFROMPROFILE");
  EXPECT_EQ(credentials->source, "credential-process:profile tools");
}

}  // namespace
}  // namespace sluice::auth
