#include "accessgraph/condition/context.hpp"

#include <algorithm>

namespace accessgraph::condition {

char lower_ascii(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

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

const ContextEntry* RequestContext::find(std::string_view key_lower) const noexcept {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key_lower,
                             [](const ContextEntry& e, std::string_view k) { return e.key_lower < k; });
  if (it != entries_.end() && it->key_lower == key_lower) return &*it;
  return nullptr;
}

}  // namespace accessgraph::condition
