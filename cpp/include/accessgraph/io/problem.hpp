#pragma once
// Problems found while loading a snapshot: recorded, not thrown, so that loading goes on with
// everything else (a bad policy, a dangling reference, a missing file).
#include <stdexcept>
#include <string>
#include <vector>

namespace accessgraph::io {

enum class Severity { kWarning, kError };

struct Problem {
  std::string code;          // stable, e.g. "malformed-json", "policy-parse-error", "unknown-target"
  std::string file;          // path relative to the snapshot root ("" when not about one file)
  std::string json_pointer;  // RFC 6901 pointer inside the file ("" for the whole file)
  std::string message;       // what is wrong and what was done about it
  Severity severity = Severity::kWarning;
};

// Only an unusable snapshot root is fatal.
class SnapshotError : public std::runtime_error {
 public:
  SnapshotError(std::string code, std::string path, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)), path_(std::move(path)) {}
  const std::string& code() const noexcept { return code_; }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string code_;
  std::string path_;
};

}  // namespace accessgraph::io
