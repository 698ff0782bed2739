#include <string>

#include "accessgraph/eval/decision.hpp"

namespace accessgraph::eval {

namespace {

std::string describe(const StatementMatch& m) {
  std::string s = to_string(m.kind);
  if (!m.level.empty()) s += " at level " + m.level;
  if (!m.policy.empty()) s += " \"" + m.policy + "\"";
  s += " statement #" + std::to_string(m.statement_index);
  if (!m.sid.empty()) s += " (Sid \"" + m.sid + "\")";
  if (m.principal_match != match::PrincipalMatch::kNone) {
    s += std::string(" [principal matched as ") + match::to_string(m.principal_match) + "]";
  }
  for (const auto& c : m.assumed_conditions) s += "\n            if " + c;
  return s;
}

}  // namespace

std::string Explanation::to_text() const {
  std::string out = std::string(to_string(decision)) + " (rule: " + rule + ")\n";
  for (const auto& d : denies) out += "  DENY    " + describe(d) + "\n";
  for (const auto& a : allows) out += "  ALLOW   " + describe(a) + "\n";
  for (const auto& d : conditional_denies) out += "  UNLESS  " + describe(d) + "\n";
  for (const auto& m : missing) out += "  MISSING " + m + "\n";
  for (const auto& n : notes) out += "  NOTE    " + n + "\n";
  return out;
}

}  // namespace accessgraph::eval
