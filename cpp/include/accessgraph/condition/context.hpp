#pragma once
// The request context: condition key -> one value or a set of values.
// Keys compare case-insensitively (IAM condition keys are case-insensitive), so they are stored
// lower-cased; values keep their case. Built once per request, read without allocation.
#include <cstdint>
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

// The values of one key as the context's compact index holds them (RequestContext::lookup): a
// view, valid while the context lives unchanged.
class ContextValues {
 public:
  std::size_t size() const noexcept { return count_; }
  std::string_view operator[](std::size_t i) const noexcept {
    return std::string_view(base_ + spans_[2 * i], spans_[2 * i + 1]);
  }
  bool multivalued() const noexcept { return multivalued_; }

 private:
  friend class RequestContext;
  const char* base_ = nullptr;
  const std::uint32_t* spans_ = nullptr;  // (offset from base_, length) per value
  std::uint32_t count_ = 0;
  bool multivalued_ = false;
};

class RequestContext {
 public:
  // Setting a key twice replaces the earlier value.
  void set(std::string_view key, std::string value);
  void set_multi(std::string_view key, std::vector<std::string> values);

  // nullptr when the key is absent. `key_lower` must already be lower-case.
  const ContextEntry* find(std::string_view key_lower) const noexcept { return find(key_lower, key_hash(key_lower)); }
  // The same with the key's hash precomputed (compiled conditions keep it).
  const ContextEntry* find(std::string_view key_lower, std::uint64_t hash) const noexcept;
  static std::uint64_t key_hash(std::string_view key_lower) noexcept;
  // The lookup evaluation uses: false when the key is absent. It reads the compact index (one
  // short scan and then one contiguous record) instead of the entries and their strings.
  bool lookup(std::string_view key_lower, std::uint64_t hash, ContextValues* out) const noexcept;
  const std::vector<ContextEntry>& entries() const noexcept { return entries_; }
  bool empty() const noexcept { return entries_.empty(); }

  // Open world: the context lists only what the model knows (principal and resource facts). A
  // condition on any other key (aws:SourceIp, aws:MultiFactorAuthPresent, ...) is then unknown rather
  // than absent: Allow statements assume it can hold, Deny statements assume it does not, and the
  // explanation reports the assumption. Off (the default) for ordinary requests.
  void set_open_world(bool open) noexcept { open_world_ = open; }
  bool open_world() const noexcept { return open_world_; }
  // Keys (or key prefixes ending in '/' or '*') whose absence is real even in the open world: the
  // facts the model derives itself for this request (e.g. aws:PrincipalOrgID of an organization
  // member). Lower-case.
  void set_closed_keys(std::vector<std::string> prefixes) { closed_ = std::move(prefixes); }
  bool is_closed(std::string_view key_lower) const noexcept;

 private:
  void put(ContextEntry entry);
  std::vector<ContextEntry> entries_;  // sorted by key_lower
  // The index: for each key a slot (32-bit hash tag, record, position in entries_), in the order
  // keys were first set, and in `records_` per key: key length, multivalued flag, value count, the
  // values' (offset, length) spans, then the key's and the values' characters. Setting a key again
  // appends a new record and points its slot at it; the old record stays (a context is built once
  // per request, so a key set again and again in one context is not a use to optimize for).
  struct Slot {
    std::uint32_t tag;
    std::uint32_t record;  // index into records_ (32-bit words)
    std::uint32_t entry;   // index into entries_
  };
  void index(const ContextEntry& entry, std::size_t position, bool replace);
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> records_;
  bool open_world_ = false;
  std::vector<std::string> closed_;
};

std::string to_lower_ascii(std::string_view s);
inline char lower_ascii(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace accessgraph::condition
