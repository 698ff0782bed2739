// policy::Program (the compact evaluation form of a policy) against the full model it is built
// from: on randomly generated statements and requests, every element must match exactly as
// Statement / Pattern / ResourcePattern / PrincipalSpec / ConditionBlock decide. The full model is
// the reference that the rest of the unit tests pin to the AWS rules.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "accessgraph/eval/authorizer.hpp"
#include "accessgraph/policy/parse_error.hpp"
#include "accessgraph/policy/policy.hpp"

namespace {

using nlohmann::json;
namespace ag = accessgraph;

struct Gen {
  std::mt19937 rng;
  explicit Gen(unsigned seed) : rng(seed) {}

  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

  // `text` with some characters replaced by `?`, some runs by `*`, maybe a changed letter.
  std::string mutate(std::string text) {
    if (text.empty()) return "*";
    const std::size_t edits = below(3);
    for (std::size_t e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = below(text.size());
      switch (below(5)) {
        case 0: text[at] = '?'; break;
        case 1: text.replace(at, below(text.size() - at) + 1, "*"); break;
        case 2: text.insert(at, "*"); break;
        case 3: text[at] = static_cast<char>('a' + below(3)); break;
        default: text += "*"; break;
      }
    }
    return text;
  }
};

const std::vector<std::string> kActions = {"s3:GetObject", "s3:PutObject", "s3:ListBucket", "sqs:SendMessage",
                                           "kms:Decrypt", "iam:PassRole", "sts:AssumeRole", "s3:GetObjectAcl"};
const std::vector<std::string> kArns = {
    "arn:aws:s3:::bucket-a/key/x.txt", "arn:aws:s3:::bucket-a", "arn:aws:s3:::bucket-b/a:b/c",
    "arn:aws:sqs:us-east-1:111122223333:queue-1", "arn:aws:kms:eu-west-1:111122223333:key/abc-123",
    "arn:aws:iam::111122223333:role/path/r1", "arn:aws:s3:::bucket-a/home/alice/notes", "*"};
const std::vector<std::string> kPrincipals = {
    "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:role/path/r1",
    "arn:aws:sts::111122223333:assumed-role/r1/sess", "arn:aws:iam::111122223333:root",
    "arn:aws:iam::444455556666:user/bob", "lambda.amazonaws.com", "cognito-identity.amazonaws.com", "anonymous"};
const std::vector<std::string> kPrincipalValues = {
    "*", "111122223333", "444455556666", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/r1",
    "arn:aws:iam::111122223333:role/path/r1", "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/r1/sess", "arn:aws:iam::444455556666:user/bob"};
const std::vector<std::string> kKeys = {"aws:username", "aws:SourceIp", "aws:CurrentTime", "aws:MultiFactorAuthAge",
                                        "aws:SecureTransport", "aws:PrincipalArn", "aws:TagKeys", "s3:prefix",
                                        "aws:ResourceTag/Team"};
const std::vector<std::string> kOperators = {
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
    "StringNotLike", "NumericEquals", "NumericLessThan", "NumericGreaterThanEquals", "DateLessThan",
    "DateGreaterThan", "DateEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnLike", "ArnNotEquals",
    "Null"};

std::string condition_value(Gen& g, const std::string& op) {
  if (op.find("Numeric") != std::string::npos) return g.pick(std::vector<std::string>{"0", "3600", "42.5", "-1"});
  if (op.find("Date") != std::string::npos) {
    return g.pick(std::vector<std::string>{"2026-01-01T00:00:00Z", "2026-06-30", "1772280000"});
  }
  if (op.find("Ip") != std::string::npos) {
    return g.pick(std::vector<std::string>{"10.0.0.0/8", "198.51.100.7", "2001:db8::/32", "192.0.2.0/28"});
  }
  if (op == "Null" || op == "Bool") return g.pick(std::vector<std::string>{"true", "false", "True"});
  if (op.find("Arn") != std::string::npos) return g.mutate(g.pick(kArns));
  std::string v = g.pick(std::vector<std::string>{"alice", "Alice", "team-a", "home/alice/", "blue", "x${*}y",
                                                  "${aws:username}", "${aws:missing, 'alice'}", "AQID"});
  return g.chance(40) ? g.mutate(v) : v;
}

json random_statement(Gen& g, bool resource_based) {
  json st;
  st["Effect"] = g.chance(30) ? "Deny" : "Allow";
  json actions = json::array();
  for (std::size_t i = 0, n = 1 + g.below(3); i < n; ++i) {
    actions.push_back(g.chance(15) ? std::string(g.chance(50) ? "*" : "s3:*") : g.mutate(g.pick(kActions)));
  }
  st[g.chance(15) ? "NotAction" : "Action"] = actions;
  if (!resource_based || g.chance(80)) {
    json resources = json::array();
    for (std::size_t i = 0, n = 1 + g.below(3); i < n; ++i) {
      std::string r = g.pick(kArns);
      if (g.chance(20)) r = "arn:aws:s3:::bucket-a/home/${aws:username}/*";
      else if (g.chance(10)) r = "bucket-*";
      else if (g.chance(60)) r = g.mutate(r);
      resources.push_back(r);
    }
    st[g.chance(15) ? "NotResource" : "Resource"] = resources;
  }
  if (resource_based) {
    if (g.chance(10)) {
      st["Principal"] = "*";
    } else {
      json who;
      json aws = json::array();
      for (std::size_t i = 0, n = g.below(3); i < n; ++i) aws.push_back(g.pick(kPrincipalValues));
      if (!aws.empty()) who["AWS"] = aws;
      if (g.chance(30)) who["Service"] = "lambda.amazonaws.com";
      if (g.chance(20)) who["Federated"] = "cognito-identity.amazonaws.com";
      if (who.empty()) who["AWS"] = "*";
      st[g.chance(15) ? "NotPrincipal" : "Principal"] = who;
    }
  }
  if (g.chance(60)) {
    json cond = json::object();
    for (std::size_t i = 0, n = 1 + g.below(3); i < n; ++i) {
      std::string op = g.pick(kOperators);
      if (op != "Null" && g.chance(25)) op = std::string(g.chance(50) ? "ForAllValues:" : "ForAnyValue:") + op;
      if (op.find("Null") == std::string::npos && g.chance(20)) op += "IfExists";
      json values = json::array();
      for (std::size_t k = 0, m = 1 + g.below(3); k < m; ++k) values.push_back(condition_value(g, op));
      cond[op][g.pick(kKeys)] = values;
    }
    st["Condition"] = cond;
  }
  return st;
}

ag::condition::RequestContext random_context(Gen& g) {
  ag::condition::RequestContext ctx;
  for (const auto& key : kKeys) {
    if (!g.chance(60)) continue;
    const std::vector<std::string> values = {"alice", "Alice", "team-a", "home/alice/x", "blue", "x*y", "AQID", "true",
                                             "false", "3600", "42.5", "2026-03-01T00:00:00Z", "1772280000",
                                             "10.1.2.3", "2001:db8::1", "198.51.100.7",
                                             "arn:aws:iam::111122223333:role/path/r1", "arn:aws:s3:::bucket-a"};
    if (g.chance(25)) {
      std::vector<std::string> many;
      for (std::size_t i = 0, n = g.below(3); i < n; ++i) many.push_back(g.pick(values));
      ctx.set_multi(key, many);
    } else {
      ctx.set(key, g.pick(values));
    }
  }
  return ctx;
}

struct Counts {
  std::size_t statements = 0, action_matches = 0, resource_matches = 0, principal_matches = 0, conditions_held = 0;
};

// Checks every statement of `policy` on `requests` random requests; returns what matched, so that a
// caller can require that the generator exercised both outcomes.
void compare(const ag::policy::Policy& policy, Gen& g, int requests, Counts* counts) {
  const auto& program = policy.program();
  ASSERT_EQ(program.size(), policy.statements().size());
  for (int r = 0; r < requests; ++r) {
    const std::string action = ag::condition::to_lower_ascii(g.chance(80) ? g.pick(kActions) : g.mutate(g.pick(kActions)));
    const std::string resource = g.pick(kArns);
    const auto arn = ag::match::SplitArn::of(resource);
    const auto caller = ag::match::CallerIdentity::parse(g.pick(kPrincipals));
    const auto ctx = random_context(g);
    for (std::size_t i = 0; i < program.size(); ++i) {
      const auto& ps = program.statement(i);
      const auto& st = policy.statements()[i];
      SCOPED_TRACE("statement " + std::to_string(i) + " action " + action + " resource " + resource);
      ++counts->statements;
      const bool action_full = st.matches_action(action);
      EXPECT_EQ(program.matches_action(ps, action, st), action_full);
      counts->action_matches += action_full;
      const bool resource_full = st.matches_resource(arn, ctx);
      EXPECT_EQ(program.matches_resource(ps, arn, resource == "*", ctx, st), resource_full);
      counts->resource_matches += resource_full;
      if (st.has_principal && !st.not_principal) {
        const auto full = st.principal.match(caller);
        EXPECT_EQ(program.match_principal(ps, caller, st), full);
        counts->principal_matches += full != ag::match::PrincipalMatch::kNone;
      }
      const bool cond_full = st.condition.evaluate(ctx);
      EXPECT_EQ(program.conditions_hold(ps, ctx, st), cond_full) << st.condition.to_text();
      counts->conditions_held += cond_full && !st.condition.empty();
    }
  }
}

TEST(Program, MatchesLikeTheFullModelOnRandomPolicies) {
  Counts counts;
  std::size_t parsed = 0;
  for (unsigned seed = 1; seed <= 400; ++seed) {
    Gen g(seed);
    const bool resource_based = g.chance(50);
    json doc;
    doc["Version"] = g.chance(85) ? "2012-10-17" : "2008-10-17";
    for (std::size_t i = 0, n = 1 + g.below(4); i < n; ++i) doc["Statement"].push_back(random_statement(g, resource_based));
    std::shared_ptr<ag::policy::Policy> policy;
    try {
      policy = ag::policy::Policy::parse(doc.dump());
    } catch (const ag::policy::ParseError&) {
      continue;  // e.g. a value the operator rejects: nothing to compare
    }
    ++parsed;
    compare(*policy, g, 30, &counts);
    if (HasFailure()) {
      ADD_FAILURE() << "seed " << seed << ": " << doc.dump();
      return;
    }
  }
  // The generator must exercise both outcomes of every element.
  EXPECT_GT(parsed, 300u);
  EXPECT_GT(counts.action_matches, counts.statements / 20);
  EXPECT_LT(counts.action_matches, counts.statements);
  EXPECT_GT(counts.resource_matches, counts.statements / 20);
  EXPECT_LT(counts.resource_matches, counts.statements);
  EXPECT_GT(counts.principal_matches, 100u);
  EXPECT_GT(counts.conditions_held, 100u);
}

TEST(Program, CopiesAndMovesKeepTheirOwnBlock) {
  const auto policy = ag::policy::Policy::parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}]})");
  const auto& st = policy->statements()[0];
  ag::policy::Program copy = policy->program();
  ag::policy::Program moved = std::move(copy);
  ag::policy::Program assigned;
  assigned = moved;
  for (const ag::policy::Program* p : std::vector<const ag::policy::Program*>{&policy->program(), &moved, &assigned}) {
    ASSERT_EQ(p->size(), 1u);
    EXPECT_NE(p->data(), nullptr);
    EXPECT_TRUE(p->matches_action(p->statement(0), "s3:getobject", st));
    EXPECT_FALSE(p->matches_action(p->statement(0), "s3:putobject", st));
    const auto arn = ag::match::SplitArn::of("arn:aws:s3:::b/k");
    EXPECT_TRUE(p->matches_resource(p->statement(0), arn, false, {}, st));
  }
  EXPECT_NE(moved.data(), policy->program().data());
  EXPECT_NE(assigned.data(), moved.data());
}

// Programs are carved from per-thread chunks and released from any thread (ASan checks the
// reference counting in the sanitizer build).
TEST(Program, PoliciesParsedOnSeveralThreadsOutliveThem) {
  std::vector<std::shared_ptr<ag::policy::Policy>> policies(8 * 200);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &policies] {
      for (int i = 0; i < 200; ++i) {
        policies[static_cast<std::size_t>(t * 200 + i)] = ag::policy::Policy::parse(
            R"({"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b)" +
            std::to_string(i) + R"(/*"}})");
      }
    });
  }
  for (auto& th : threads) th.join();
  // Drop every other one, then evaluate the rest.
  for (std::size_t i = 0; i < policies.size(); i += 2) policies[i].reset();
  for (std::size_t i = 1; i < policies.size(); i += 2) {
    ag::eval::PolicySet ps;
    ps.identity_policies.push_back(policies[i]);
    const auto req = ag::eval::Request::make("arn:aws:iam::111122223333:user/u", "s3:GetObject",
                                             "arn:aws:s3:::b" + std::to_string(i % 200) + "/k", "", "111122223333");
    EXPECT_EQ(ag::eval::evaluate(req, ps), ag::eval::DecisionKind::kAllowed) << i;
  }
}

}  // namespace

namespace {

// Past the compact form's 16-bit limits (more than 65,535 actions in a statement; a character pool
// beyond 64 KiB) the program hands the elements to the full model: same answers.
TEST(Program, ElementsPastTheCompactLimitsFallBackToTheFullModel) {
  json actions = json::array();
  for (int i = 0; i < 70000; ++i) actions.push_back("s:" + std::to_string(i));
  json resources = json::array();
  for (int i = 0; i < 1500; ++i) resources.push_back("arn:aws:s3:::bucket-" + std::to_string(i) + "/long/enough/prefix/*");
  json doc = {{"Version", "2012-10-17"},
              {"Statement", {{{"Effect", "Allow"}, {"Action", actions}, {"Resource", "*"}},
                             {{"Effect", "Deny"}, {"Action", "s3:GetObject"}, {"Resource", resources}},
                             {{"Effect", "Allow"}, {"Action", {"s3:GetObject", "s3:PutObject"}}, {"Resource", resources}}}}};
  const std::string text = doc.dump();
  ASSERT_LT(text.size(), ag::policy::kMaxPolicyBytes);
  const auto policy = ag::policy::Policy::parse(text);
  const auto& program = policy->program();
  EXPECT_NE(program.statement(0).flags & ag::policy::Program::kFullAction, 0);
  struct Case {
    std::string action, resource;
    bool action0, resource2;
  };
  const std::vector<Case> cases = {
      {"s:69999", "*", true, false},
      {"s:70000", "*", false, false},
      {"s3:putobject", "arn:aws:s3:::bucket-3/long/enough/prefix/k", false, true},
      {"s3:putobject", "arn:aws:s3:::bucket-1499/long/enough/prefix/k", false, true},
      {"s3:putobject", "arn:aws:s3:::bucket-1500/long/enough/prefix/k", false, false},
  };
  const ag::condition::RequestContext ctx;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.action + " " + c.resource);
    const auto arn = ag::match::SplitArn::of(c.resource);
    const auto& st0 = policy->statements()[0];
    const auto& st2 = policy->statements()[2];
    EXPECT_EQ(program.matches_action(program.statement(0), c.action, st0), c.action0);
    EXPECT_EQ(st0.matches_action(c.action), c.action0);
    EXPECT_EQ(program.matches_resource(program.statement(2), arn, c.resource == "*", ctx, st2), c.resource2);
    EXPECT_EQ(st2.matches_resource(arn, ctx), c.resource2);
  }
  ag::eval::PolicySet ps;
  ps.identity_policies.push_back(policy);
  const auto allowed = ag::eval::Request::make("arn:aws:iam::111122223333:user/u", "s:123", "*");
  EXPECT_EQ(ag::eval::evaluate(allowed, ps), ag::eval::DecisionKind::kAllowed);
  const auto denied = ag::eval::Request::make("arn:aws:iam::111122223333:user/u", "s3:GetObject",
                                              "arn:aws:s3:::bucket-17/long/enough/prefix/k", "", "111122223333");
  EXPECT_EQ(ag::eval::evaluate(denied, ps), ag::eval::DecisionKind::kExplicitlyDenied);
}

}  // namespace

namespace {

// The builder shares repeated text in the character pool (ARN segments, condition keys): texts
// that differ in one character, or only in length, must keep their own copies, also once more
// distinct texts than the sharing table holds (192) have been seen.
TEST(Program, SharedPoolTextKeepsSimilarSegmentsApart) {
  json resources = json::array();
  for (int i = 0; i < 400; ++i) {
    const std::string account = "1111222233" + std::to_string(10 + i % 90);  // 12 digits, 90 values
    const std::string region = i % 2 ? "us-east-1" : "us-east-10";
    resources.push_back("arn:aws:sqs:" + region + ":" + account + ":q" + std::to_string(i));
  }
  json doc = {{"Version", "2012-10-17"},
              {"Statement", {{{"Effect", "Allow"}, {"Action", "sqs:SendMessage"}, {"Resource", resources}}}}};
  const auto policy = ag::policy::Policy::parse(doc.dump());
  const auto& program = policy->program();
  const auto& st = policy->statements()[0];
  const ag::condition::RequestContext ctx;
  std::size_t matched = 0;
  for (int i = 0; i < 400; ++i) {
    for (const char* region : {"us-east-1", "us-east-10", "us-east-2"}) {
      for (int account : {10 + i % 90, 10 + (i + 1) % 90}) {
        const std::string resource =
            std::string("arn:aws:sqs:") + region + ":1111222233" + std::to_string(account) + ":q" + std::to_string(i);
        const auto arn = ag::match::SplitArn::of(resource);
        const bool full = st.matches_resource(arn, ctx);
        EXPECT_EQ(program.matches_resource(program.statement(0), arn, false, ctx, st), full) << resource;
        matched += full;
      }
    }
  }
  EXPECT_EQ(matched, 400u);  // exactly the listed (region, account, queue) triples
}

}  // namespace

namespace {

// Two texts of equal length whose hashes in the builder's sharing table are equal (found at run
// time: the table hashes with std::hash, whose values the standard leaves open): each keeps its
// own copy in the pool.
TEST(Program, SharedPoolTextWithEqualHashesStaysApart) {
  std::unordered_map<std::uint32_t, std::string> seen;
  std::string a, b;
  for (std::uint64_t i = 100000000000ULL; a.empty() && i < 100002000000ULL; ++i) {
    std::string account = std::to_string(i);  // 12 digits, as an account ID
    const auto h = static_cast<std::uint32_t>(std::hash<std::string_view>{}(account));
    auto [it, inserted] = seen.emplace(h, account);
    if (!inserted) {
      a = it->second;
      b = account;
    }
  }
  ASSERT_FALSE(a.empty()) << "no two account IDs with equal 32-bit hashes among two million";
  const std::string pa = "arn:aws:sqs:us-east-1:" + a + ":q", pb = "arn:aws:sqs:us-east-1:" + b + ":q";
  json doc = {{"Version", "2012-10-17"},
              {"Statement", {{{"Effect", "Allow"}, {"Action", "sqs:SendMessage"}, {"Resource", pa}},
                             {{"Effect", "Deny"}, {"Action", "sqs:SendMessage"}, {"Resource", pb}}}}};
  const auto policy = ag::policy::Policy::parse(doc.dump());
  const auto& program = policy->program();
  const ag::condition::RequestContext ctx;
  for (const std::string& resource : {pa, pb}) {
    const auto arn = ag::match::SplitArn::of(resource);
    for (std::size_t i = 0; i < 2; ++i) {
      const auto& st = policy->statements()[i];
      EXPECT_EQ(program.matches_resource(program.statement(i), arn, false, ctx, st), (resource == pa) == (i == 0))
          << resource << " statement " << i;
    }
  }
}

}  // namespace
