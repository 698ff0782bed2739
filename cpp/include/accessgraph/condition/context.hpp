#pragma once
// The request context: condition key -> one value or a set of values.
// Keys compare case-insensitively (IAM condition keys are case-insensitive), so they are stored
// lower-cased; values keep their case. Built once per request, read without allocation.
#include <string>
#include <string_view>
#include <vector>

namespace accessgraph::condition {

struct ContextEntry {
  std::string key;          // as given by the caller (for explanations)
  std::string key_lower;    // lookup key
  std::vector<std::string> values;
  bool multivalued = false;  // an array-typed key; [] means present with an empty set
};

class RequestContext {
 public:
  // Setting a key twice replaces the earlier value.
  void set(std::string_view key, std::string value);
  void set_multi(std::string_view key, std::vector<std::string> values);

  // nullptr when the key is absent. `key_lower` must already be lower-case.
  const ContextEntry* find(std::string_view key_lower) const noexcept;
  const std::vector<ContextEntry>& entries() const noexcept { return entries_; }
  bool empty() const noexcept { return entries_.empty(); }

 private:
  void put(ContextEntry entry);
  std::vector<ContextEntry> entries_;  // sorted by key_lower
};

std::string to_lower_ascii(std::string_view s);
char lower_ascii(char c) noexcept;

}  // namespace accessgraph::condition
