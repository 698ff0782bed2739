#include "accessgraph/match/pattern.hpp"

#include <cstring>

namespace accessgraph::match {

using condition::lower_ascii;

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  }
  return true;
}

namespace {

std::uint64_t load_head(const char* data, std::size_t n) noexcept {
  std::uint64_t v = 0;
  if (n > 0) std::memcpy(&v, data, n < 8 ? n : 8);
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with_at(std::string_view s, std::size_t pos, std::string_view lit, bool ci) noexcept {
  if (s.size() - pos < lit.size()) return false;
  if (!ci) {
    // Literals are short: a byte loop beats a call to memcmp.
    const char* a = s.data() + pos;
    for (std::size_t i = 0; i < lit.size(); ++i) {
      if (a[i] != lit[i]) return false;
    }
    return true;
  }
  for (std::size_t i = 0; i < lit.size(); ++i) {
    if (lower_ascii(s[pos + i]) != lower_ascii(lit[i])) return false;
  }
  return true;
}

}  // namespace

Pattern Pattern::compile(std::string_view text, const PatternOptions& options) {
  Pattern p;
  p.text_ = std::string(text);
  // Fast path: plain text, or plain text then one `*` (most actions and values).
  {
    const bool star_end = options.wildcards && !text.empty() && text.back() == '*';
    const std::string_view body = star_end ? text.substr(0, text.size() - 1) : text;
    const bool plain = (!options.wildcards || !has_wildcard(body)) &&
                       (!options.variables || body.find('$') == std::string_view::npos);
    if (plain && !(star_end && body.empty())) {
      p.literals_ = std::string(body);
      if (options.lowercase) {
        for (char& c : p.literals_) c = lower_ascii(c);
      }
      p.has_wildcards_ = star_end;
      p.shape_ = star_end ? Shape::kPrefix : Shape::kExact;
      p.head_length_ = static_cast<std::uint8_t>(p.literals_.size() < 8 ? p.literals_.size() : 8);
      p.head_ = load_head(p.literals_.data(), p.head_length_);
      return p;
    }
  }
  auto add_literal = [&p, &options](std::string_view lit) {
    if (lit.empty()) return;
    if (!p.tokens_.empty() && p.tokens_.back().kind == Kind::kLiteral &&
        p.tokens_.back().offset + p.tokens_.back().length == p.literals_.size()) {
      p.tokens_.back().length += static_cast<std::uint32_t>(lit.size());
    } else {
      p.tokens_.push_back({Kind::kLiteral, static_cast<std::uint32_t>(p.literals_.size()),
                           static_cast<std::uint32_t>(lit.size())});
    }
    const std::size_t at = p.literals_.size();
    p.literals_.append(lit.data(), lit.size());
    if (options.lowercase) {
      for (std::size_t i = at; i < p.literals_.size(); ++i) p.literals_[i] = lower_ascii(p.literals_[i]);
    }
  };
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (options.wildcards && c == '*') {
      if (p.tokens_.empty() || p.tokens_.back().kind != Kind::kStar) p.tokens_.push_back({Kind::kStar, 0, 0});
      p.has_wildcards_ = true;
      ++i;
    } else if (options.wildcards && c == '?') {
      p.tokens_.push_back({Kind::kQuestion, 0, 0});
      p.has_wildcards_ = true;
      ++i;
    } else if (options.variables && c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      std::size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) {  // not a variable: literal text
        add_literal(text.substr(i));
        break;
      }
      std::string_view body = text.substr(i + 2, close - i - 2);
      // Special characters: ${*}, ${?} and ${$} stand for a literal *, ? and $.
      if (body == "*" || body == "?" || body == "$") {
        add_literal(body);
      } else {
        Variable v;
        std::size_t comma = body.find(',');
        std::string_view key = trim(body.substr(0, comma));
        bool ok = !key.empty();
        if (ok && comma != std::string_view::npos) {
          std::string_view def = trim(body.substr(comma + 1));
          if (def.size() >= 2 && def.front() == '\'' && def.back() == '\'') {
            v.has_default = true;
            v.default_value = std::string(def.substr(1, def.size() - 2));
          } else {
            ok = false;
          }
        }
        if (!ok) {  // malformed: AWS treats it as text
          add_literal(text.substr(i, close - i + 1));
        } else {
          v.key_lower = condition::to_lower_ascii(key);
          p.tokens_.push_back({Kind::kVariable, static_cast<std::uint32_t>(p.variables_.size()), 0});
          p.variables_.push_back(std::move(v));
        }
      }
      i = close + 1;
    } else {
      std::size_t j = i + 1;
      while (j < text.size() && !((options.wildcards && (text[j] == '*' || text[j] == '?')) ||
                                  (options.variables && text[j] == '$'))) {
        ++j;
      }
      add_literal(text.substr(i, j - i));
      i = j;
    }
  }
  const auto& t = p.tokens_;
  if (t.size() == 1 && t[0].kind == Kind::kStar) {
    p.shape_ = Shape::kMatchAll;
  } else if (t.empty() || (t.size() == 1 && t[0].kind == Kind::kLiteral)) {
    p.shape_ = Shape::kExact;
  } else if (t.size() == 2 && t[0].kind == Kind::kLiteral && t[1].kind == Kind::kStar) {
    p.shape_ = Shape::kPrefix;
  } else if (t.size() == 2 && t[0].kind == Kind::kStar && t[1].kind == Kind::kLiteral) {
    p.shape_ = Shape::kSuffix;
  } else if (t.size() == 3 && t[0].kind == Kind::kStar && t[1].kind == Kind::kLiteral && t[2].kind == Kind::kStar) {
    p.shape_ = Shape::kContains;
  } else {
    p.shape_ = Shape::kGeneral;
  }
  if (p.shape_ != Shape::kGeneral) {
    // Simple shapes are matched from literals_ alone: drop the token list (less memory, fewer
    // cache lines touched when many policies are evaluated).
    std::vector<Token>().swap(p.tokens_);
  }
  if (p.shape_ == Shape::kExact || p.shape_ == Shape::kPrefix) {
    p.head_length_ = static_cast<std::uint8_t>(p.literals_.size() < 8 ? p.literals_.size() : 8);
    p.head_ = load_head(p.literals_.data(), p.head_length_);
  }
  return p;
}

bool Pattern::resolve(const Token& token, const condition::RequestContext* context,
                      std::string_view* out) const noexcept {
  if (token.kind == Kind::kLiteral) {
    *out = std::string_view(literals_).substr(token.offset, token.length);
    return true;
  }
  const Variable& v = variables_[token.offset];
  const condition::ContextEntry* entry = context ? context->find(v.key_lower) : nullptr;
  // Only single-valued keys can be substituted.
  if (entry && !entry->multivalued && entry->values.size() == 1) {
    *out = entry->values.front();
    return true;
  }
  if (!entry && v.has_default) {
    *out = v.default_value;
    return true;
  }
  return false;
}

bool Pattern::resolvable(const condition::RequestContext* context) const noexcept {
  std::string_view ignored;
  for (const Token& t : tokens_) {
    if (t.kind == Kind::kVariable && !resolve(t, context, &ignored)) return false;
  }
  return true;
}

bool Pattern::matches(std::string_view s, const condition::RequestContext* context,
                      bool ci) const noexcept {
  switch (shape_) {
    case Shape::kMatchAll:
      return true;
    case Shape::kExact: {
      if (s.size() != literals_.size()) return false;
      if (ci) return iequals(s, literals_);
      if (load_head(s.data(), head_length_) != head_) return false;
      return s.size() <= 8 || std::memcmp(s.data() + 8, literals_.data() + 8, s.size() - 8) == 0;
    }
    case Shape::kPrefix:
      if (s.size() < literals_.size()) return false;
      if (ci) return starts_with_at(s, 0, literals_, true);
      if (load_head(s.data(), head_length_) != head_) return false;
      return literals_.size() <= 8 || std::memcmp(s.data() + 8, literals_.data() + 8, literals_.size() - 8) == 0;
    case Shape::kSuffix:
      return s.size() >= literals_.size() && starts_with_at(s, s.size() - literals_.size(), literals_, ci);
    case Shape::kContains:
      if (!ci) return s.find(literals_) != std::string_view::npos;
      for (std::size_t i = 0; i + literals_.size() <= s.size(); ++i) {
        if (starts_with_at(s, i, literals_, true)) return true;
      }
      return false;
    case Shape::kGeneral:
      break;
  }
  return matches_general(s, context, ci);
}

bool Pattern::matches_general(std::string_view s, const condition::RequestContext* context,
                              bool ci) const noexcept {
  const std::size_t nt = tokens_.size();
  std::size_t ti = 0, si = 0;
  std::size_t star_ti = SIZE_MAX, star_si = 0;
  // Greedy glob with backtracking to the last `*`: segments between stars are placed leftmost,
  // which is optimal, so one backtrack point suffices.
  while (true) {
    bool advanced = false;
    if (ti < nt) {
      const Token& t = tokens_[ti];
      if (t.kind == Kind::kStar) {
        star_ti = ti++;
        star_si = si;
        continue;
      }
      if (t.kind == Kind::kQuestion) {
        if (si < s.size()) {
          ++si;
          ++ti;
          advanced = true;
        }
      } else {
        std::string_view lit;
        if (t.kind == Kind::kLiteral) {
          lit = std::string_view(literals_).substr(t.offset, t.length);
        } else if (!resolve(t, context, &lit)) {
          return false;  // unresolvable variable matches nothing
        }
        if (starts_with_at(s, si, lit, ci)) {
          si += lit.size();
          ++ti;
          advanced = true;
        }
      }
      if (advanced) continue;
    } else if (si == s.size()) {
      return true;
    }
    if (star_ti == SIZE_MAX || star_si >= s.size()) return false;
    si = ++star_si;
    ti = star_ti + 1;
  }
}

}  // namespace accessgraph::match
