// Writing server-sent events to the caller.
//
// Normalizers append to one output string per upstream read, so a whole batch of frames goes out in
// one write; nothing here allocates beyond that string's growth.
#pragma once

#include <string>
#include <string_view>

namespace sluice::streams {

// Appends `event: <name>\n` (when `name` is not empty), one `data: ` line per line of `data`, and
// the blank line that dispatches the event. Data holding newlines (pretty-printed JSON, or a frame
// the upstream sent as several data lines) is split so the caller's parser joins it back unchanged.
void append_sse_event(std::string& out, std::string_view name, std::string_view data);

}  // namespace sluice::streams
