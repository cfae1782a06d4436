// The shared config and credentials files: INI parsing as the AWS SDKs do it, locating the files,
// and merging a profile across both.
#include "auth/AwsProfileFile.h"

#include "AwsCredentialTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::auth {
namespace {

using test::FakeEnvironment;
using test::TempDir;

AwsProfileFile credentials_file(std::string_view text) {
  return AwsProfileFile::parse(text, AwsProfileFileKind::kCredentials);
}
AwsProfileFile config_file(std::string_view text) {
  return AwsProfileFile::parse(text, AwsProfileFileKind::kConfig);
}

TEST(AwsProfileFile, ReadsKeysOfACredentialsProfile) {
  const auto file = credentials_file(
      "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = secret/default+1=\n");
  const AwsProfile* profile = file.find("default");
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->at("aws_access_key_id"), "AKIDDEFAULT");
  // `=` inside a value belongs to the value: only the first one splits.
  EXPECT_EQ(profile->at("aws_secret_access_key"), "secret/default+1=");
}

TEST(AwsProfileFile, SkipsCommentLinesAndInlineCommentsAfterWhitespace) {
  const auto file = credentials_file(
      "# a comment\n; another\n[dev] # trailing comment\n"
      "aws_access_key_id = AKID ; inline\nregion=eu-west-1#not-a-comment\nrole_arn = arn # note\n");
  const AwsProfile* profile = file.find("dev");
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->at("aws_access_key_id"), "AKID");
  EXPECT_EQ(profile->at("region"), "eu-west-1#not-a-comment");
  EXPECT_EQ(profile->at("role_arn"), "arn");
  EXPECT_EQ(profile->size(), 3u);
}

TEST(AwsProfileFile, IgnoresWhitespaceAroundNamesKeysAndValues) {
  const auto file = config_file("  [  profile   spaced  ]  \r\n\tRegion\t=\t us-east-2 \r\n\n");
  const AwsProfile* profile = file.find("spaced");
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->at("region"), "us-east-2");  // keys are case-insensitive: kept lower-case
}

TEST(AwsProfileFile, ConfigFileProfilesNeedTheProfilePrefix) {
  const auto file = config_file(
      "[profile dev]\nregion = eu-west-1\n[bare]\nregion = us-west-2\n"
      "[sso-session corp]\nsso_region = us-east-1\n[default]\nregion = ap-south-1\n");
  ASSERT_NE(file.find("dev"), nullptr);
  EXPECT_EQ(file.find("bare"), nullptr);
  EXPECT_EQ(file.find("corp"), nullptr);
  EXPECT_EQ(file.find("sso-session corp"), nullptr);
  ASSERT_NE(file.find("default"), nullptr);
  EXPECT_EQ(file.find("default")->at("region"), "ap-south-1");
}

TEST(AwsProfileFile, CredentialsFileProfilesHaveNoPrefix) {
  const auto file = credentials_file("[dev]\naws_access_key_id = A\n[profile prod]\naws_access_key_id = B\n");
  EXPECT_NE(file.find("dev"), nullptr);
  EXPECT_EQ(file.find("prod"), nullptr);
  EXPECT_EQ(file.find("profile prod"), nullptr);
}

TEST(AwsProfileFile, ProfileDefaultWinsOverPlainDefaultInConfig) {
  const auto file = config_file("[default]\nregion = from-plain\n[profile default]\nregion = from-profile\n");
  ASSERT_NE(file.find("default"), nullptr);
  EXPECT_EQ(file.find("default")->at("region"), "from-profile");
}

TEST(AwsProfileFile, RepeatedSectionsMergeAndLaterKeysWin) {
  const auto file = credentials_file("[a]\nx = 1\ny = 1\n[b]\nz = 1\n[a]\ny = 2\n");
  const AwsProfile* profile = file.find("a");
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->at("x"), "1");
  EXPECT_EQ(profile->at("y"), "2");
}

TEST(AwsProfileFile, SkipsSubPropertiesAndMalformedLines) {
  const auto file = config_file(
      "[profile dev]\ns3 =\n  max_concurrent_requests = 4\n  addressing_style = path\n"
      "region = eu-west-1\nthis line has no equals sign\n= no key\n[broken\nregion = lost\n");
  const AwsProfile* profile = file.find("dev");
  ASSERT_NE(profile, nullptr);
  EXPECT_EQ(profile->at("region"), "eu-west-1");
  EXPECT_EQ(profile->count("max_concurrent_requests"), 0u);
  EXPECT_EQ(profile->size(), 2u);  // s3 (empty) and region; `[broken` starts no profile
}

TEST(AwsProfileFile, EmptyDefaultSectionStillDeclaresTheProfile) {
  EXPECT_NE(config_file("[default]\n").find("default"), nullptr);
  EXPECT_EQ(config_file("").find("default"), nullptr);
}

TEST(AwsProfileFile, MissingProfileIsNull) {
  EXPECT_EQ(credentials_file("[default]\nx = 1\n").find("nope"), nullptr);
}

TEST(AwsProfileFile, LocatesFilesFromTheEnvironmentAndMergesCredentialsOverConfig) {
  TempDir dir;
  FakeEnvironment env;
  env.set("AWS_SHARED_CREDENTIALS_FILE",
          dir.write("creds", "[dev]\naws_access_key_id = FROMCREDS\n"));
  env.set("AWS_CONFIG_FILE",
          dir.write("conf", "[profile dev]\naws_access_key_id = FROMCONFIG\nregion = eu-west-1\n"));
  const auto files = AwsProfileFiles::load(test::make_context(env.lookup()));
  EXPECT_TRUE(files.credentials_read);
  EXPECT_TRUE(files.config_read);
  const auto merged = files.merged("dev");
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->at("aws_access_key_id"), "FROMCREDS");
  EXPECT_EQ(merged->at("region"), "eu-west-1");
  EXPECT_FALSE(files.merged("other"));
}

TEST(AwsProfileFile, DefaultsToTheHomeDirectory) {
  TempDir dir;
  FakeEnvironment env;
  env.set("HOME", dir.path().string());
  dir.write(".aws/credentials", "[default]\naws_access_key_id = HOMEKEY\n");
  const auto files = AwsProfileFiles::load(test::make_context(env.lookup()));
  EXPECT_EQ(files.credentials_path, "~/.aws/credentials");
  EXPECT_TRUE(files.credentials_read);
  EXPECT_FALSE(files.config_read);
  ASSERT_TRUE(files.merged("default"));
  EXPECT_EQ(files.merged("default")->at("aws_access_key_id"), "HOMEKEY");
}

TEST(AwsProfileFile, ProfileNameComesFromAwsProfile) {
  FakeEnvironment env;
  EXPECT_EQ(aws_profile_name(test::make_context(env.lookup())), "default");
  env.set("AWS_PROFILE", "prod");
  EXPECT_EQ(aws_profile_name(test::make_context(env.lookup())), "prod");
}

}  // namespace
}  // namespace sluice::auth
