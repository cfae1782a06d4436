#include "auth/AwsProfileFile.h"

#include <fstream>
#include <sstream>

namespace sluice::auth {

namespace {

constexpr std::string_view kBlank = " \t\r\n\f\v";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kBlank);
  return text.substr(first, last - first + 1);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A value without its inline comment: `#` or `;` counts only after whitespace, because both may
// appear inside real values (a secret key can contain neither, but an ARN or URL might).
std::string_view strip_inline_comment(std::string_view value) {
  for (std::size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
      return trim(value.substr(0, i));
    }
  }
  return value;
}

// The profile a section header names, or nullopt when the section is not a profile.
struct SectionName {
  std::string profile;
  bool explicit_profile_default = false;  // `[profile default]` in the config file
};

std::optional<SectionName> section_profile(std::string_view header, AwsProfileFileKind kind) {
  const std::string_view name = trim(header);
  if (name.empty()) return std::nullopt;
  if (kind == AwsProfileFileKind::kCredentials) {
    // `[profile x]` in the credentials file is not profile x (the SDKs skip it too).
    if (name.starts_with("profile ") || name.starts_with("profile\t")) return std::nullopt;
    return SectionName{std::string(name)};
  }
  if (name == "default") return SectionName{"default"};
  if (name.starts_with("profile ") || name.starts_with("profile\t")) {
    const std::string_view profile = trim(name.substr(7));
    if (profile.empty()) return std::nullopt;
    return SectionName{std::string(profile), profile == "default"};
  }
  return std::nullopt;  // [sso-session x], [services x], or a bare [x] in the config file
}

struct FileRead {
  bool ok = false;
  std::string text;
};

FileRead read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return {true, std::move(text).str()};
}

// `path` with a leading `~` replaced by the home directory; nullopt when it needs one and there
// is none.
std::optional<std::string> expand_home(const std::string& path, const AwsCredentialContext& context) {
  if (path == "~" || path.starts_with("~/")) {
    auto home = context.home();
    if (!home) return std::nullopt;
    return *home + path.substr(1);
  }
  return path;
}

}  // namespace

AwsProfileFile AwsProfileFile::parse(std::string_view text, AwsProfileFileKind kind) {
  AwsProfileFile file;
  // `[default]` and `[profile default]` are collected apart: the latter wins when both exist.
  AwsProfile plain_default;
  bool saw_profile_default = false;
  bool saw_plain_default = false;

  AwsProfile* current = nullptr;
  bool last_value_empty = false;
  bool in_sub_properties = false;

  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);

    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;

    if (line.front() == '[') {
      in_sub_properties = false;
      last_value_empty = false;
      current = nullptr;
      const auto close = line.find(']');
      if (close == std::string_view::npos) continue;  // malformed: skip until the next section
      const std::string_view rest = trim(line.substr(close + 1));
      if (!rest.empty() && rest.front() != '#' && rest.front() != ';') continue;
      auto section = section_profile(line.substr(1, close - 1), kind);
      if (!section) continue;
      if (kind == AwsProfileFileKind::kConfig && section->profile == "default") {
        if (section->explicit_profile_default) {
          saw_profile_default = true;
          current = &file.profiles["default"];
        } else {
          saw_plain_default = true;
          current = &plain_default;
        }
      } else {
        current = &file.profiles[section->profile];
      }
      continue;
    }

    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (indented && (last_value_empty || in_sub_properties)) {
      in_sub_properties = true;  // `s3 =` followed by indented settings: not ours
      continue;
    }
    in_sub_properties = false;
    if (current == nullptr) continue;  // a property outside any profile
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string key = lower(trim(line.substr(0, equals)));
    if (key.empty()) continue;
    const std::string_view value = strip_inline_comment(trim(line.substr(equals + 1)));
    last_value_empty = value.empty();
    (*current)[key] = std::string(value);
  }

  if (saw_plain_default && !saw_profile_default) file.profiles["default"] = std::move(plain_default);
  return file;
}

const AwsProfile* AwsProfileFile::find(std::string_view profile) const {
  const auto it = profiles.find(profile);
  return it == profiles.end() ? nullptr : &it->second;
}

AwsProfileFiles AwsProfileFiles::load(const AwsCredentialContext& context) {
  AwsProfileFiles files;
  files.credentials_path =
      context.variable("AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials");
  files.config_path = context.variable("AWS_CONFIG_FILE").value_or("~/.aws/config");
  if (auto path = expand_home(files.credentials_path, context)) {
    auto read = read_file(*path);
    files.credentials_read = read.ok;
    if (read.ok) files.credentials = AwsProfileFile::parse(read.text, AwsProfileFileKind::kCredentials);
  }
  if (auto path = expand_home(files.config_path, context)) {
    auto read = read_file(*path);
    files.config_read = read.ok;
    if (read.ok) files.config = AwsProfileFile::parse(read.text, AwsProfileFileKind::kConfig);
  }
  return files;
}

std::optional<AwsProfile> AwsProfileFiles::merged(std::string_view profile) const {
  const AwsProfile* from_config = config.find(profile);
  const AwsProfile* from_credentials = credentials.find(profile);
  if (!from_config && !from_credentials) return std::nullopt;
  AwsProfile merged_profile;
  if (from_config) merged_profile = *from_config;
  if (from_credentials) {
    for (const auto& [key, value] : *from_credentials) merged_profile[key] = value;
  }
  return merged_profile;
}

std::string aws_profile_name(const AwsCredentialContext& context) {
  if (auto profile = context.variable("AWS_PROFILE")) return *profile;
  if (auto profile = context.variable("AWS_DEFAULT_PROFILE")) return *profile;
  return "default";
}

std::optional<std::string> profile_value(const AwsProfile& profile, std::string_view key) {
  const auto it = profile.find(key);
  if (it == profile.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace sluice::auth
