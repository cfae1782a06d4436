#include "console/UiAssets.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::console {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxTotalBytes = 64u << 20;

std::string content_type_for(const fs::path& path) {
  const std::string extension = path.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json" || extension == ".map") return "application/json";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".woff2") return "font/woff2";
  if (extension == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

std::string UiAssets::default_directory() {
  if (const char* configured = std::getenv("SLUICE_ADMIN_UI_DIR"); configured && *configured) {
    return configured;
  }
#ifdef SLUICE_SOURCE_WEB_DIST
  if (fs::exists(fs::path(SLUICE_SOURCE_WEB_DIST) / "index.html")) return SLUICE_SOURCE_WEB_DIST;
#endif
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error) return (exe.parent_path().parent_path() / "share/sluice/admin-ui").string();
  return "share/sluice/admin-ui";
}

UiAssets UiAssets::load(const std::string& directory) {
  UiAssets assets;
  assets.directory_ = directory;
  std::error_code error;
  const fs::path root(directory);
  if (!fs::exists(root / "index.html", error)) return assets;
  std::uintmax_t total = 0;
  for (auto it = fs::recursive_directory_iterator(root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file()) continue;
    total += it->file_size();
    if (total > kMaxTotalBytes) {
      spdlog::warn("admin UI: {} holds more than 64 MiB; not serving it", directory);
      return UiAssets{};
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    const std::string relative = fs::relative(it->path(), root).generic_string();
    assets.files_[relative] = UiAsset{content.str(), content_type_for(it->path()),
                                      relative.starts_with("assets/")};
  }
  if (error) {
    spdlog::warn("admin UI: cannot read {}: {}", directory, error.message());
    return UiAssets{};
  }
  return assets;
}

const UiAsset* UiAssets::find(std::string_view relative_path) const {
  if (files_.empty()) return nullptr;
  if (!relative_path.empty()) {
    if (auto found = files_.find(std::string(relative_path)); found != files_.end()) {
      return &found->second;
    }
    const auto last_segment = relative_path.substr(relative_path.rfind('/') + 1);
    if (last_segment.find('.') != std::string_view::npos) return nullptr;
  }
  auto index = files_.find("index.html");
  return index != files_.end() ? &index->second : nullptr;
}

}  // namespace sluice::console
