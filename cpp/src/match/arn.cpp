#include "accessgraph/match/arn.hpp"

namespace accessgraph::match {

int split_arn(std::string_view arn, std::array<std::string_view, 6>& parts) noexcept {
  int n = 0;
  std::size_t start = 0;
  while (n < 5) {
    std::size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) break;
    parts[n++] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  parts[n++] = arn.substr(start);
  return n;
}

namespace {

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
  PatternOptions options{true, variables, false};
  p.whole_ = Pattern::compile(text, options);
  if (p.whole_.is_match_all() || text.substr(0, 4) != "arn:") return p;
  std::array<std::string_view, 6> parts;
  int n = split_arn_pattern(text, parts, variables);
  for (int i = 0; i < n; ++i) p.parts_[i] = Pattern::compile(parts[i], options);
  p.part_count_ = n;
  return p;
}

bool ArnPattern::matches(std::string_view arn, const condition::RequestContext* context) const noexcept {
  if (part_count_ == 0) return whole_.matches(arn, context);
  std::array<std::string_view, 6> parts;
  int n = split_arn(arn, parts);
  if (n < part_count_) return false;
  for (int i = 0; i + 1 < part_count_; ++i) {
    if (!parts_[i].matches(parts[i], context)) return false;
  }
  // The last pattern part matches the rest of the ARN (normally just the resource part).
  const int last = part_count_ - 1;
  std::string_view rest = arn.substr(static_cast<std::size_t>(parts[last].data() - arn.data()));
  return parts_[last].matches(rest, context);
}

ResourcePattern ResourcePattern::compile(std::string_view text, bool variables) {
  ResourcePattern p;
  p.arn_ = ArnPattern::compile(text, variables);
  return p;
}

bool ResourcePattern::matches(std::string_view resource, const condition::RequestContext* context) const noexcept {
  // A request for resource "*" is matched only by a literal "*" (conformance FORMAT.md, `resource`).
  if (resource == "*") return arn_.text() == "*";
  return arn_.matches(resource, context);
}

}  // namespace accessgraph::match
