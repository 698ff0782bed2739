#include "accessgraph/condition/context.hpp"

#include <algorithm>

namespace accessgraph::condition {

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower_ascii(c);
  return out;
}

void RequestContext::set(std::string_view key, std::string value) {
  put(ContextEntry{std::string(key), to_lower_ascii(key), {std::move(value)}, false});
}

void RequestContext::set_multi(std::string_view key, std::vector<std::string> values) {
  put(ContextEntry{std::string(key), to_lower_ascii(key), std::move(values), true});
}

void RequestContext::put(ContextEntry entry) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), entry.key_lower,
                             [](const ContextEntry& e, const std::string& k) { return e.key_lower < k; });
  if (it != entries_.end() && it->key_lower == entry.key_lower) {
    *it = std::move(entry);
  } else {
    entries_.insert(it, std::move(entry));
  }
  hashes_.clear();
  for (const auto& e : entries_) hashes_.push_back(key_hash(e.key_lower));
}

std::uint64_t RequestContext::key_hash(std::string_view key_lower) noexcept {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (char c : key_lower) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

bool RequestContext::is_closed(std::string_view k) const noexcept {
  for (const auto& c : closed_) {
    if (!c.empty() && c.back() == '*') {
      if (k.substr(0, c.size() - 1) == std::string_view(c).substr(0, c.size() - 1)) return true;
    } else if (k == c) {
      return true;
    }
  }
  return false;
}

const ContextEntry* RequestContext::find(std::string_view key_lower, std::uint64_t hash) const noexcept {
  // A request carries a few dozen keys: a linear scan of their hashes is cheaper than a binary
  // search of strings.
  for (std::size_t i = 0; i < hashes_.size(); ++i) {
    if (hashes_[i] == hash && entries_[i].key_lower == key_lower) return &entries_[i];
  }
  return nullptr;
}

}  // namespace accessgraph::condition
