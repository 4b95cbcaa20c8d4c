// Keeps the files a graph names inside the folders they belong to. A graph file is data from anywhere:
// its weight paths ("file", "weights") must be relative, free of "..", and resolve (symlinks followed)
// to a regular file inside the graph's folder, so a hostile graph cannot read ../../secret.npy or block
// on a FIFO. Files written for a graph (--values-dir) get names made from tensor names that cannot
// leave the chosen folder.
#pragma once

#include <filesystem>
#include <string>

namespace tmetal::graph {

// The resolved path of `relative` inside `folder`; throws GraphError("<what> '<relative>': <reason>")
// when it is absolute, contains "..", escapes the folder through a symlink, is missing, or is not a
// regular file.
std::filesystem::path confined_input_file(const std::filesystem::path& folder, const std::string& relative, const std::string& what);

// Throws GraphError naming `path` unless it is an existing regular file (not a folder, FIFO or device).
void require_regular_file(const std::filesystem::path& path, const std::string& what);

// A file name (no folder part) made from a tensor name: characters other than letters, digits, '_', '-'
// and '.' become '_', a leading '.' becomes '_', and an empty name becomes "_".
std::string safe_file_name(const std::string& name);

}  // namespace tmetal::graph
