#include "accessgraph/match/arn.hpp"

#include <cstring>

namespace accessgraph::match {

int split_arn(std::string_view arn, std::array<std::string_view, 6>& parts) noexcept {
  int n = 0;
  const char* const begin = arn.data();
  const char* const end = begin + arn.size();
  const char* start = begin;
  while (n < 5 && start != end) {
    const void* colon = std::memchr(start, ':', static_cast<std::size_t>(end - start));
    if (colon == nullptr) break;
    const char* c = static_cast<const char*>(colon);
    parts[static_cast<std::size_t>(n++)] = std::string_view(start, static_cast<std::size_t>(c - start));
    start = c + 1;
  }
  parts[static_cast<std::size_t>(n++)] = std::string_view(start, static_cast<std::size_t>(end - start));
  return n;
}

namespace {

// Up to 16 bytes of `s` as two zero-padded words (callers check the length separately).
void pack16(std::string_view s, std::uint64_t* lo, std::uint64_t* hi) noexcept {
  char buf[16] = {};
  if (!s.empty()) std::memcpy(buf, s.data(), s.size() < 16 ? s.size() : 16);
  std::memcpy(lo, buf, 8);
  std::memcpy(hi, buf + 8, 8);
}

// Like split_arn, but a colon inside a policy variable `${aws:username}` does not split.
int split_arn_pattern(std::string_view text, std::array<std::string_view, 6>& parts, bool variables) {
  int n = 0;
  std::size_t start = 0, i = 0;
  while (i < text.size() && n < 5) {
    if (variables && text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      std::size_t close = text.find('}', i);
      if (close == std::string_view::npos) break;
      i = close + 1;
      continue;
    }
    if (text[i] == ':') {
      parts[n++] = text.substr(start, i - start);
      start = i + 1;
    }
    ++i;
  }
  parts[n++] = text.substr(start);
  return n;
}

}  // namespace

ArnPattern ArnPattern::compile(std::string_view text, bool variables) {
  ArnPattern p;
  p.text_ = std::string(text);
  const PatternOptions options{true, variables, false};
  p.has_variables_ = variables && text.find("${") != std::string_view::npos;
  if (text == "*") {
    p.match_all_ = true;
    return p;
  }
  if (text.substr(0, 4) != "arn:") {
    p.whole_ = std::make_unique<Pattern>(Pattern::compile(text, options));
    return p;
  }
  std::array<std::string_view, 6> parts;
  const int n = split_arn_pattern(text, parts, variables);
  for (int i = 0; i + 1 < n; ++i) {
    Segment& seg = p.segments_[static_cast<std::size_t>(i)];
    std::string_view part = parts[static_cast<std::size_t>(i)];
    if (part == "*") {
      seg.kind = Segment::Kind::kAny;
    } else if (!has_wildcard(part) &&
               !(variables && part.find("${") != std::string_view::npos)) {
      seg.offset = static_cast<std::uint32_t>(part.data() - text.data());
      if (part.size() <= 16) {
        seg.kind = Segment::Kind::kExact;
        seg.length = static_cast<std::uint8_t>(part.size());
        pack16(part, &seg.lo, &seg.hi);
      } else {
        seg.kind = Segment::Kind::kLongExact;
        seg.length = 255;
        seg.offset = static_cast<std::uint32_t>(p.general_.size());
        p.general_.push_back(Pattern::compile(part, PatternOptions{false, false, false}));
      }
    } else {
      seg.kind = Segment::Kind::kGeneral;
      seg.offset = static_cast<std::uint32_t>(p.general_.size());
      p.general_.push_back(Pattern::compile(part, options));
    }
  }
  p.last_ = Pattern::compile(parts[static_cast<std::size_t>(n - 1)], options);
  p.part_count_ = static_cast<std::uint8_t>(n);
  return p;
}

bool ArnPattern::matches(const SplitArn& arn, const condition::RequestContext* context) const noexcept {
  if (match_all_) return true;
  if (part_count_ == 0) return whole_->matches(arn.full, context);
  if (arn.count < part_count_) return false;
  for (int i = 0; i + 1 < part_count_; ++i) {
    const Segment& seg = segments_[static_cast<std::size_t>(i)];
    const std::string_view value = arn.parts[static_cast<std::size_t>(i)];
    switch (seg.kind) {
      case Segment::Kind::kAny:
        break;
      case Segment::Kind::kExact: {
        if (value.size() != seg.length) return false;
        std::uint64_t lo, hi;
        pack16(value, &lo, &hi);
        if (lo != seg.lo || hi != seg.hi) return false;
        break;
      }
      case Segment::Kind::kLongExact:
      case Segment::Kind::kGeneral:
        if (!general_[seg.offset].matches(value, context)) return false;
        break;
    }
  }
  // The last pattern part matches the rest of the ARN (normally just the resource part).
  const std::size_t last = static_cast<std::size_t>(part_count_ - 1);
  const std::string_view rest = arn.full.substr(static_cast<std::size_t>(arn.parts[last].data() - arn.full.data()));
  return last_.matches(rest, context);
}

bool ArnPattern::resolvable(const condition::RequestContext* context) const noexcept {
  if (!has_variables_) return true;
  if ((whole_ && !whole_->resolvable(context)) || !last_.resolvable(context)) return false;
  for (const auto& g : general_) {
    if (!g.resolvable(context)) return false;
  }
  return true;
}

ResourcePattern ResourcePattern::compile(std::string_view text, bool variables) {
  ResourcePattern p;
  p.arn_ = ArnPattern::compile(text, variables);
  return p;
}

bool ResourcePattern::matches(const SplitArn& resource, const condition::RequestContext* context) const noexcept {
  // A request for resource "*" is matched only by a literal "*" (conformance FORMAT.md, `resource`).
  if (resource.full == "*") return arn_.text() == "*";
  return arn_.matches(resource, context);
}

}  // namespace accessgraph::match
