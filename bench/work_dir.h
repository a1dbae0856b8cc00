// The directory a benchmark keeps its stores in, named on its command line. Each run starts from
// an empty one, so a benchmark deletes what an earlier run left there, but never a directory it
// did not make: a path mistyped for another argument (the shared corpus for the work directory)
// was once deleted whole. ClaimWorkDir deletes only a directory that is empty or holds the
// marker file an earlier claim wrote; anything else is refused, untouched.
#pragma once

#include <filesystem>

#include "base/status.h"

namespace kuzet::bench {

// The file that marks a directory as a benchmark's to delete.
inline constexpr char kWorkDirMarker[] = ".kuzet-bench-work";

// Makes `dir` an empty directory holding only the marker: creates it when absent; empties it when
// it is a directory (not a symbolic link) that is empty or holds the marker as a regular file.
// InvalidArgument for anything else (a file, a link, a directory without the marker), IOError
// when the file system fails.
Status ClaimWorkDir(const std::filesystem::path& dir);

// For a run that reuses what an earlier one left (`--reuse`): OK when `dir` is a directory with
// the marker, InvalidArgument otherwise (IOError when it cannot be looked at). Deletes nothing.
Status CheckWorkDir(const std::filesystem::path& dir);

}  // namespace kuzet::bench
