// AwsProfileFile: the AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials).
//
// Both are INI files, read the way the AWS SDKs read them:
//   - `#` and `;` start a comment line; in a value, a `#` or `;` preceded by whitespace starts an
//     inline comment. Whitespace around section names, keys and values is ignored. Keys are
//     case-insensitive (kept lower-case here).
//   - credentials file: `[name]` is profile `name`.
//   - config file: `[profile name]` is profile `name`, `[default]` is the default profile (and
//     `[profile default]` wins over it when both appear); any other section (`[name]`,
//     `[sso-session x]`, `[services x]`) is not a profile and is skipped.
//   - a section that appears twice is one profile (later keys win); a malformed line is skipped.
//   - an indented line under a key with an empty value is a sub-property (`s3 =` then
//     `  max_concurrent_requests = 4`): not credentials, skipped. Continuation lines are not
//     supported (no credential setting uses them).
// AwsProfileFiles finds and reads both files (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, `~`
// from HOME) and merges a profile across them: a key in the credentials file wins over the same key
// in the config file. Reading is blocking file I/O: credentials thread only.
#pragma once

#include "auth/AwsCredentialSource.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::auth {

// A profile's properties: lower-case key → value.
using AwsProfile = std::map<std::string, std::string, std::less<>>;

enum class AwsProfileFileKind { kCredentials, kConfig };

struct AwsProfileFile {
  std::map<std::string, AwsProfile, std::less<>> profiles;

  static AwsProfileFile parse(std::string_view text, AwsProfileFileKind kind);
  // nullptr when the file has no such profile.
  const AwsProfile* find(std::string_view profile) const;
};

struct AwsProfileFiles {
  AwsProfileFile credentials;
  AwsProfileFile config;
  // Paths as configured ("~/.aws/credentials" stays written that way, for messages), and whether
  // each file could be read.
  std::string credentials_path;
  std::string config_path;
  bool credentials_read = false;
  bool config_read = false;

  // Reads both files where the environment says they are.
  static AwsProfileFiles load(const AwsCredentialContext& context);

  // The profile across both files (credentials-file keys win), or nullopt when neither has it.
  std::optional<AwsProfile> merged(std::string_view profile) const;
};

// The profile to use: AWS_PROFILE, else AWS_DEFAULT_PROFILE (older SDKs), else "default".
std::string aws_profile_name(const AwsCredentialContext& context);

// `key`'s value in `profile`, or nullopt when absent or empty.
std::optional<std::string> profile_value(const AwsProfile& profile, std::string_view key);

}  // namespace sluice::auth
