// UiAssets: the admin UI's built files (web/dist), read into memory once at startup and served
// under /admin/ — never a disk read on an I/O thread. The SPA's own routes (/admin/api-keys, …)
// are not files: they get index.html, and the app routes in the browser.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sluice::console {

struct UiAsset {
  std::string body;
  std::string content_type;
  bool immutable = false;  // content-hashed file name (Vite's assets/): cacheable for a year
};

class UiAssets {
 public:
  UiAssets() = default;
  // Every regular file under `directory` (at most 64 MiB in all); empty when the directory has no
  // index.html (the UI was not built) — then /admin/ answers 404 with a message saying so.
  static UiAssets load(const std::string& directory);
  // Where the built UI is looked for: SLUICE_ADMIN_UI_DIR, else the source tree's web/dist (the
  // build compiles that path in), else share/sluice/admin-ui next to the binary's prefix.
  static std::string default_directory();

  bool empty() const { return files_.empty(); }
  std::size_t size() const { return files_.size(); }
  const std::string& directory() const { return directory_; }
  // The file for a path below /admin/ ("" and SPA routes → index.html); nullptr for a missing
  // file that looks like a file (has an extension), so a broken asset link is a 404, not HTML.
  const UiAsset* find(std::string_view relative_path) const;

 private:
  std::string directory_;
  std::unordered_map<std::string, UiAsset> files_;
};

}  // namespace sluice::console
