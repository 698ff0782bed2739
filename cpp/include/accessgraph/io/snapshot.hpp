#pragma once
// Loads a snapshot laid out as in the snapshot LAYOUT.md (unmodified AWS CLI / API JSON) into an
// Organization. Problems are recorded in Organization::problems and loading goes on; only an
// unusable root throws SnapshotError.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "accessgraph/org/organization.hpp"

namespace accessgraph::io {

// Where snapshot files come from: a directory on disk or an in-memory tree (Python dicts).
class SnapshotSource {
 public:
  virtual ~SnapshotSource() = default;
  enum class Kind { kMissing, kFile, kDirectory };
  virtual Kind kind(const std::string& path) const = 0;
  // Entries of a directory (names only, sorted); empty when not a directory.
  virtual std::vector<std::string> list(const std::string& path) const = 0;
  // Raw bytes of a file; nullopt when missing or unreadable (with a reason in `error`).
  virtual std::optional<std::string> read(const std::string& path, std::string* error) const = 0;
  virtual std::string describe() const = 0;  // e.g. the root directory
};

std::unique_ptr<SnapshotSource> directory_source(const std::string& root);
// A tree of JSON objects: directories are objects, files are values (a JSON value is a .json file's
// content; a string is the text of a .csv / .txt file).
std::unique_ptr<SnapshotSource> json_tree_source(nlohmann::json tree);

struct LoadOptions {
  // The bundled AWS managed policies (name -> {"Document": ..., ...}); used when the snapshot
  // attaches an AWS managed policy it does not include. Empty: not resolved (a problem is recorded).
  std::string managed_policies_path;
};

org::Organization load_snapshot(const SnapshotSource& source, const LoadOptions& options = {});

}  // namespace accessgraph::io
