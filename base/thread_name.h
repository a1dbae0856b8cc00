// Names the calling thread, so that `top -H`, `ps -L`, perf and gdb tell Kuzet's threads apart
// (the crawl's fetcher, analysis workers and writer; the alert sender; the HTTP server's helpers).
#pragma once

#include <string_view>

namespace kuzet {

// Linux keeps the first 15 bytes of `name`; longer names are cut there. Best effort: a name the
// system refuses leaves the thread as it was.
void NameThisThread(std::string_view name);

}  // namespace kuzet
