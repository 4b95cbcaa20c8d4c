// Source locations of tile-IR operations: `loc("add.py":7:18)`, or `loc(unknown)`.
#pragma once

#include <memory>
#include <string>

namespace tmetal::ir {

struct Location {
  std::shared_ptr<const std::string> file;  // null: unknown location
  int line = 0;
  int col = 0;

  static Location unknown() { return {}; }
  static Location at(std::shared_ptr<const std::string> file, int line, int col) { return {std::move(file), line, col}; }
  bool known() const { return file != nullptr; }
  std::string str() const;  // `loc(...)` form
  bool operator==(const Location& o) const {
    return line == o.line && col == o.col && (file == o.file || (file && o.file && *file == *o.file));
  }
};

}  // namespace tmetal::ir
