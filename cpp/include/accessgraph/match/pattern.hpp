#pragma once
// Compiled string patterns: literal text, `*` / `?` wildcards and IAM policy variables.
// A pattern is compiled once; matching never allocates.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "accessgraph/condition/context.hpp"

namespace accessgraph::match {

struct PatternOptions {
  bool wildcards = true;   // `*` and `?` are wildcards (Like / Arn operators, Action, Resource)
  bool variables = false;  // `${...}` are policy variables (only in Version 2012-10-17 policies)
  bool lowercase = false;  // lower-case the literal text at compile time (for action names)
};

class Pattern {
 public:
  Pattern() = default;
  static Pattern compile(std::string_view text, const PatternOptions& options);

  // True when `value` matches. Variables are resolved from `context`; a variable whose key is
  // absent (and has no default) or multi-valued cannot be resolved and the pattern matches nothing
  // (IAM: "If the key is not present ... the variable ... does not match").
  bool matches(std::string_view value, const condition::RequestContext* context,
               bool case_insensitive = false) const noexcept;

  // False when a variable of the pattern cannot be resolved from `context`.
  bool resolvable(const condition::RequestContext* context) const noexcept;

  const std::string& text() const noexcept { return text_; }
  bool is_match_all() const noexcept { return shape_ == Shape::kMatchAll; }
  bool has_variables() const noexcept { return !variables_.empty(); }
  bool has_wildcards() const noexcept { return has_wildcards_; }

  // Most patterns are a lone `*`, plain text, or text then one trailing `*`: matched without the
  // general glob loop.
  enum class Shape : std::uint8_t { kGeneral, kMatchAll, kExact, kPrefix, kSuffix, kContains };
  Shape shape() const noexcept { return shape_; }
  // The literal text of a kExact / kPrefix / kSuffix / kContains pattern (lower-cased when the
  // pattern was compiled with `lowercase`); for other shapes, the concatenated literal pieces.
  std::string_view literal() const noexcept { return literals_; }

 private:
  enum class Kind : std::uint8_t { kLiteral, kStar, kQuestion, kVariable };
  struct Token {
    Kind kind;
    std::uint32_t offset;  // literal: into literals_; variable: index into variables_
    std::uint32_t length;
  };
  struct Variable {
    std::string key_lower;
    bool has_default = false;
    std::string default_value;
  };
  bool resolve(const Token& token, const condition::RequestContext* context,
               std::string_view* out) const noexcept;
  bool matches_general(std::string_view value, const condition::RequestContext* context, bool ci) const noexcept;

  // Hot fields first: a mismatch is usually decided from the first cache line of the object.
  Shape shape_ = Shape::kExact;
  // The first (up to) 8 bytes of the literal of a kExact / kPrefix pattern, kept inline so that
  // most mismatches are rejected without touching the heap.
  std::uint8_t head_length_ = 0;
  bool has_wildcards_ = false;
  std::uint64_t head_ = 0;
  std::string literals_;
  std::vector<Token> tokens_;
  std::vector<Variable> variables_;
  std::string text_;
};

// `s` holds a `*` or `?` (a plain loop: std::string_view::find_first_of calls memchr per character).
inline bool has_wildcard(std::string_view s) noexcept {
  for (const char c : s) {
    if (c == '*' || c == '?') return true;
  }
  return false;
}

// Case-insensitive ASCII equality.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace accessgraph::match
