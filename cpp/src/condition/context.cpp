#include "accessgraph/condition/context.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

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
  // Room for one more entry first (growing geometrically), so that only index() can throw, before
  // anything changed.
  if (entries_.size() == entries_.capacity()) entries_.reserve(entries_.empty() ? 16 : 2 * entries_.size());
  auto it = std::lower_bound(entries_.begin(), entries_.end(), entry.key_lower,
                             [](const ContextEntry& e, const std::string& k) { return e.key_lower < k; });
  const bool replace = it != entries_.end() && it->key_lower == entry.key_lower;
  index(entry, static_cast<std::size_t>(it - entries_.begin()), replace);
  if (replace) {
    *it = std::move(entry);
  } else {
    entries_.insert(it, std::move(entry));
  }
}

namespace {
std::uint32_t tag_of(std::uint64_t hash) noexcept { return static_cast<std::uint32_t>(hash ^ (hash >> 32)); }
}  // namespace

void RequestContext::index(const ContextEntry& e, std::size_t position, bool replace) {
  // Record: [key length][multivalued][count][(offset, length) x count][key chars][value chars],
  // offsets in bytes from the record's start; padded to whole words.
  const std::size_t header = 3 + 2 * e.values.size();
  std::size_t chars = e.key_lower.size();
  for (const auto& v : e.values) chars += v.size();
  if (header * 4 + chars > 0xFFFFFFFFu || records_.size() + header + chars / 4 + 1 > 0xFFFFFFFFu) {
    throw std::length_error("request context too large");
  }
  const std::size_t at = records_.size();
  records_.resize(at + header + (chars + 3) / 4, 0);
  std::uint32_t* r = records_.data() + at;
  r[0] = static_cast<std::uint32_t>(e.key_lower.size());
  r[1] = e.multivalued ? 1 : 0;
  r[2] = static_cast<std::uint32_t>(e.values.size());
  char* text = reinterpret_cast<char*>(r + header);
  std::memcpy(text, e.key_lower.data(), e.key_lower.size());
  std::size_t offset = header * 4 + e.key_lower.size();
  for (std::size_t i = 0; i < e.values.size(); ++i) {
    r[3 + 2 * i] = static_cast<std::uint32_t>(offset);
    r[4 + 2 * i] = static_cast<std::uint32_t>(e.values[i].size());
    std::memcpy(reinterpret_cast<char*>(r) + offset, e.values[i].data(), e.values[i].size());
    offset += e.values[i].size();
  }
  const std::uint32_t tag = tag_of(key_hash(e.key_lower));
  if (replace) {  // set again: the new record replaces the old one
    for (auto& slot : slots_) {
      if (slot.entry == position) slot.record = static_cast<std::uint32_t>(at);
    }
    return;
  }
  if (slots_.size() == slots_.capacity()) {  // nothing below throws: slots and entries stay in step
    slots_.reserve(slots_.empty() ? 16 : 2 * slots_.size());
  }
  for (auto& slot : slots_) {
    if (slot.entry >= position) ++slot.entry;
  }
  slots_.push_back(Slot{tag, static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(position)});
}

bool RequestContext::lookup(std::string_view key_lower, std::uint64_t hash, ContextValues* out) const noexcept {
  const std::uint32_t tag = tag_of(hash);
  for (const Slot& slot : slots_) {
    if (slot.tag != tag) continue;
    const std::uint32_t* r = records_.data() + slot.record;
    if (r[0] != key_lower.size()) continue;
    const std::uint32_t count = r[2];
    if (!key_lower.empty() && std::memcmp(r + 3 + 2 * count, key_lower.data(), key_lower.size()) != 0) continue;
    out->base_ = reinterpret_cast<const char*>(r);
    out->spans_ = r + 3;
    out->count_ = count;
    out->multivalued_ = r[1] != 0;
    return true;
  }
  return false;
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
  // A request carries a few dozen keys: a linear scan of their hash tags is cheaper than a binary
  // search of strings.
  const std::uint32_t tag = tag_of(hash);
  for (const Slot& slot : slots_) {
    if (slot.tag == tag && entries_[slot.entry].key_lower == key_lower) return &entries_[slot.entry];
  }
  return nullptr;
}

}  // namespace accessgraph::condition
