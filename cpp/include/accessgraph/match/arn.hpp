#pragma once
// ARN matching per segment: arn:partition:service:region:account:resource.
// Each of the first five segments is matched on its own (a wildcard never crosses `:` there); the
// resource part is one glob in which `*` also matches `/` and `:`.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "accessgraph/match/pattern.hpp"

namespace accessgraph::match {

// Splits an ARN into its six parts without allocating. Returns the number of parts found (1..6);
// when fewer than six, the last part holds the rest of the string.
int split_arn(std::string_view arn, std::array<std::string_view, 6>& parts) noexcept;

// An ARN split once, then matched against many patterns.
struct SplitArn {
  std::string_view full;
  std::array<std::string_view, 6> parts;
  int count = 0;
  static SplitArn of(std::string_view arn) noexcept {
    SplitArn s;
    s.full = arn;
    s.count = split_arn(arn, s.parts);
    return s;
  }
};

class ArnPattern {
 public:
  ArnPattern() = default;
  static ArnPattern compile(std::string_view text, bool variables);

  bool matches(std::string_view arn, const condition::RequestContext* context) const noexcept {
    return matches(SplitArn::of(arn), context);
  }
  bool matches(const SplitArn& arn, const condition::RequestContext* context) const noexcept;
  const std::string& text() const noexcept { return text_; }
  bool resolvable(const condition::RequestContext* context) const noexcept;
  bool has_variables() const noexcept { return has_variables_; }
  bool is_match_all() const noexcept { return match_all_; }

 private:
  // One of the first five segments: usually `*`, empty or plain text of at most 16 bytes, which
  // is kept inline (no pointer to chase when many patterns are tried).
  struct Segment {
    enum class Kind : std::uint8_t { kAny, kExact, kLongExact, kGeneral } kind = Kind::kAny;
    std::uint8_t length = 0;
    std::uint32_t offset = 0;  // kLongExact: into text_; kGeneral: index into general_
    std::uint64_t lo = 0, hi = 0;  // kExact: the text, zero-padded
  };
  // Hot fields first.
  bool match_all_ = false;       // the pattern is a lone "*"
  std::uint8_t part_count_ = 0;  // 0: not ARN-shaped, match `whole_` against the whole string
  bool has_variables_ = false;
  std::array<Segment, 5> segments_{};
  Pattern last_;   // the resource part (or the rest of the ARN for a short pattern)
  std::vector<Pattern> general_;
  std::unique_ptr<Pattern> whole_;  // when the pattern is not ARN-shaped (and not a lone "*")
  std::string text_;
};

// The IAM Resource element: like ArnPattern, plus the request-resource "*" rule: a request whose
// resource is "*" (actions without resource-level permissions) is matched only by a literal "*".
class ResourcePattern {
 public:
  ResourcePattern() = default;
  static ResourcePattern compile(std::string_view text, bool variables);
  bool matches(std::string_view resource, const condition::RequestContext* context) const noexcept {
    return matches(SplitArn::of(resource), context);
  }
  bool matches(const SplitArn& resource, const condition::RequestContext* context) const noexcept;
  const std::string& text() const noexcept { return arn_.text(); }
  bool resolvable(const condition::RequestContext* context) const noexcept { return arn_.resolvable(context); }
  bool has_variables() const noexcept { return arn_.has_variables(); }

 private:
  ArnPattern arn_;
};

}  // namespace accessgraph::match
