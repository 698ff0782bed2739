#pragma once
// ARN matching per segment: arn:partition:service:region:account:resource.
// Each of the first five segments is matched on its own (a wildcard never crosses `:` there); the
// resource part is one glob in which `*` also matches `/` and `:`.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#include <array>
#include <string_view>

#include "accessgraph/match/pattern.hpp"

namespace accessgraph::match {

// Splits an ARN into its six parts without allocating. Returns the number of parts found (1..6);
// when fewer than six, the last part holds the rest of the string.
int split_arn(std::string_view arn, std::array<std::string_view, 6>& parts) noexcept;

class ArnPattern {
 public:
  ArnPattern() = default;
  static ArnPattern compile(std::string_view text, bool variables);

  bool matches(std::string_view arn, const condition::RequestContext* context) const noexcept;
  const std::string& text() const noexcept { return whole_.text(); }
  bool resolvable(const condition::RequestContext* context) const noexcept { return whole_.resolvable(context); }
  bool has_variables() const noexcept { return whole_.has_variables(); }
  bool is_match_all() const noexcept { return whole_.is_match_all(); }

 private:
  Pattern whole_;            // used when the pattern is not ARN-shaped
  std::array<Pattern, 6> parts_;
  int part_count_ = 0;       // 0: not ARN-shaped, match `whole_` against the whole string
};

// The IAM Resource element: like ArnPattern, plus the request-resource "*" rule: a request whose
// resource is "*" (actions without resource-level permissions) is matched only by a literal "*".
class ResourcePattern {
 public:
  ResourcePattern() = default;
  static ResourcePattern compile(std::string_view text, bool variables);
  bool matches(std::string_view resource, const condition::RequestContext* context) const noexcept;
  const std::string& text() const noexcept { return arn_.text(); }
  bool resolvable(const condition::RequestContext* context) const noexcept { return arn_.resolvable(context); }
  bool has_variables() const noexcept { return arn_.has_variables(); }

 private:
  ArnPattern arn_;
};

}  // namespace accessgraph::match
