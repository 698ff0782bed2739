// Throughput of the accessgraph engine from C++, single thread. See benchmarks/README.md.
//
// Figures (each the median of --runs timed runs; one run repeats the workload for at least
// --min-time seconds of CPU time after an untimed warm-up pass). Rates are computed from the CPU
// time of this thread, so that other processes sharing the cores do not count against the engine;
// wall-clock rates are recorded next to them.
//   eval      evaluate() on the conformance mix with the policies compiled once and reused, each
//             vector's policies as an eval::PreparedPolicySet (as the Python PolicySet is); also
//             with the plain eval::PolicySet, for comparison
//   explain   explain() on the same mix (evaluation with the trace on, Explanation allocated)
//   naive     baseline in this invocation: every policy of a vector is parsed from its JSON text
//             again for every request (no compiled reuse), then evaluate()
//   managed   Policy::parse() of every AWS managed policy (document text prepared beforehand;
//             the figure is the parse + compile time of the whole set)
// The figures are written as JSON (default benchmarks/out/bench_eval.json); when that file already
// exists its figures are printed next to the new ones as the previous run.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "accessgraph/eval/authorizer.hpp"
#include "accessgraph/io/vectors.hpp"
#include "accessgraph/policy/policy.hpp"

#ifndef ACCESSGRAPH_BENCH_VECTORS
#define ACCESSGRAPH_BENCH_VECTORS "tests/data/conformance/public.jsonl"
#endif
#ifndef ACCESSGRAPH_BENCH_MANAGED_POLICIES
#define ACCESSGRAPH_BENCH_MANAGED_POLICIES "python/accessgraph/data/aws-managed-policies.json"
#endif
#ifndef ACCESSGRAPH_BENCH_OUT_DIR
#define ACCESSGRAPH_BENCH_OUT_DIR "benchmarks/out"
#endif

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace ag = accessgraph;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time consumed by the calling thread, in seconds.
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Passes `a` and `b` run in turn until together they have taken `min_time` seconds of CPU time, so
// that a change in the machine's speed (other tenants of the host) falls on both alike.
struct Alternation {
  double a = 0, b = 0;  // CPU seconds of each
  std::size_t rounds = 0;
};
Alternation alternate(const std::function<void()>& a, const std::function<void()>& b, double min_time) {
  Alternation t;
  while (t.a + t.b < min_time) {
    double c0 = thread_cpu_s();
    a();
    t.a += thread_cpu_s() - c0;
    c0 = thread_cpu_s();
    b();
    t.b += thread_cpu_s() - c0;
    ++t.rounds;
  }
  return t;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Options {
  std::string vectors = ACCESSGRAPH_BENCH_VECTORS;
  std::string managed = ACCESSGRAPH_BENCH_MANAGED_POLICIES;
  std::string ids;  // only the vectors whose id is listed (one per line)
  std::string json_out = std::string(ACCESSGRAPH_BENCH_OUT_DIR) + "/bench_eval.json";
  std::string previous;  // default: json_out as it was before this run
  int runs = 7;
  double min_time = 0.5;
  std::set<std::string> only;  // eval, explain, naive, managed; empty = all
  bool by_category = false;
};

[[noreturn]] void usage(int rc) {
  std::fprintf(rc ? stderr : stdout,
               "usage: bench_eval [--vectors FILE.jsonl] [--managed FILE.json] [--ids FILE]\n"
               "                  [--runs N] [--min-time SECONDS] [--only eval,explain,naive,managed]\n"
               "                  [--by-category] [--json OUT.json|none] [--previous PREV.json|none]\n");
  std::exit(rc);
}

Options parse_args(int argc, char** argv) {
  Options o;
  bool previous_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(2);
      return argv[++i];
    };
    if (a == "--vectors") o.vectors = value();
    else if (a == "--managed") o.managed = value();
    else if (a == "--ids") o.ids = value();
    else if (a == "--json") o.json_out = value();
    else if (a == "--previous") { o.previous = value(); previous_given = true; }
    else if (a == "--runs") o.runs = std::max(1, std::atoi(value().c_str()));
    else if (a == "--min-time") o.min_time = std::max(0.01, std::atof(value().c_str()));
    else if (a == "--by-category") o.by_category = true;
    else if (a == "--only") {
      std::stringstream ss(value());
      for (std::string part; std::getline(ss, part, ',');) {
        if (part != "eval" && part != "explain" && part != "naive" && part != "managed") usage(2);
        o.only.insert(part);
      }
    } else if (a == "-h" || a == "--help") usage(0);
    else usage(2);
  }
  if (o.json_out == "none") o.json_out.clear();
  if (!previous_given) o.previous = o.json_out;
  if (o.previous == "none") o.previous.clear();
  return o;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Rates {
  std::vector<double> cpu;   // items per CPU second of this thread, one per run
  std::vector<double> wall;  // items per wall-clock second, one per run
  double median() const { return median_of(cpu); }
  double best() const { return cpu.empty() ? 0 : *std::max_element(cpu.begin(), cpu.end()); }
  double wall_median() const { return median_of(wall); }
};

// Runs `pass` (which handles `items` items) repeatedly for at least `min_time` CPU seconds, `runs`
// times, after one untimed warm-up pass.
Rates measure(const std::function<void()>& pass, std::size_t items, int runs, double min_time) {
  pass();
  Rates rates;
  for (int r = 0; r < runs; ++r) {
    std::size_t passes = 0;
    const auto w0 = Clock::now();
    const double c0 = thread_cpu_s();
    double cpu = 0;
    do {
      pass();
      ++passes;
      cpu = thread_cpu_s() - c0;
    } while (cpu < min_time);
    const double wall = seconds_since(w0);
    rates.cpu.push_back(static_cast<double>(items * passes) / cpu);
    rates.wall.push_back(static_cast<double>(items * passes) / wall);
  }
  return rates;
}

// The policy documents of one vector as JSON text, in PolicySet order, for the naive baseline.
struct PolicyTexts {
  std::vector<std::string> identity;
  std::string boundary, session, resource;  // "" = none
  std::vector<std::vector<std::string>> scps, rcps;
};

PolicyTexts policy_texts(const json& doc) {
  PolicyTexts t;
  for (const auto& p : doc.at("identity_policies")) t.identity.push_back(p.dump());
  auto opt = [&doc](const char* key) {
    auto it = doc.find(key);
    return it == doc.end() || it->is_null() ? std::string() : it->dump();
  };
  t.boundary = opt("permission_boundary");
  t.session = opt("session_policy");
  t.resource = opt("resource_policy");
  for (const auto& level : doc.at("scps")) {
    t.scps.emplace_back();
    for (const auto& p : level) t.scps.back().push_back(p.dump());
  }
  for (const auto& level : doc.at("rcps")) {
    t.rcps.emplace_back();
    for (const auto& p : level) t.rcps.back().push_back(p.dump());
  }
  return t;
}

// What a caller without compiled reuse does for every request: parse every policy, then decide.
ag::eval::PolicySet compile_now(const PolicyTexts& t, const ag::eval::Options& options) {
  using ag::policy::Policy;
  ag::eval::PolicySet ps;
  ps.options = options;
  for (const auto& s : t.identity) ps.identity_policies.push_back(Policy::parse(s, "identity"));
  if (!t.boundary.empty()) ps.permissions_boundary = Policy::parse(t.boundary, "boundary");
  if (!t.session.empty()) ps.session_policy = Policy::parse(t.session, "session");
  if (!t.resource.empty()) ps.resource_policy = Policy::parse(t.resource, "resource");
  for (const auto& level : t.scps) {
    ag::eval::OrgLevel l;
    for (const auto& s : level) l.policies.push_back(Policy::parse(s, "scp"));
    ps.scp_levels.push_back(std::move(l));
  }
  for (const auto& level : t.rcps) {
    ag::eval::OrgLevel l;
    for (const auto& s : level) l.policies.push_back(Policy::parse(s, "rcp"));
    ps.rcp_levels.push_back(std::move(l));
  }
  return ps;
}

struct Figure {
  std::string key;
  std::string label;
  std::string unit;
  double value = 0;        // median (CPU time)
  double best = 0;         // best run (CPU time)
  double wall = 0;         // median (wall clock)
  bool higher_is_better = true;
};

std::string fmt(double v) {
  char buf[64];
  if (v >= 100) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (v >= 1) std::snprintf(buf, sizeof buf, "%.2f", v);
  else std::snprintf(buf, sizeof buf, "%.4f", v);
  // thousands separators for big numbers
  std::string s = buf;
  const auto dot = s.find('.');
  std::size_t end = dot == std::string::npos ? s.size() : dot;
  for (std::size_t i = end; i > 3; i -= 3) s.insert(i - 3, ",");
  return s;
}

}  // namespace

int run(const Options& opt) {
  auto want = [&opt](const char* what) { return opt.only.empty() || opt.only.count(what) > 0; };

  json previous;
  if (!opt.previous.empty()) {
    std::ifstream in(opt.previous);
    if (in) {
      try {
        previous = json::parse(in);
      } catch (const std::exception&) {
        previous = json();
      }
    }
  }

  json out;
  out["tool"] = "bench_eval";
  out["unix_time"] = static_cast<long long>(std::time(nullptr));
  out["runs"] = opt.runs;
  out["min_time_s"] = opt.min_time;
  out["clock"] = "CPU time of the benchmark thread (CLOCK_THREAD_CPUTIME_ID); wall_median is wall-clock";
  std::vector<Figure> figures;
  std::vector<std::string> notes;

  // ---- conformance vectors -------------------------------------------------------------------
  std::vector<ag::io::Vector> vectors;
  std::vector<PolicyTexts> texts;
  std::size_t agree = 0, total_lines = 0;
  if (want("eval") || want("explain") || want("naive")) {
    const auto t0 = Clock::now();
    vectors = ag::io::load_vectors(opt.vectors);
    const double load_s = seconds_since(t0);
    total_lines = vectors.size();
    // The raw documents, for the naive baseline (same lines, same order as load_vectors).
    {
      std::ifstream in(opt.vectors);
      for (std::string line; std::getline(in, line);) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        texts.push_back(policy_texts(json::parse(line)));
      }
    }
    if (texts.size() != vectors.size()) throw std::runtime_error("vector count mismatch");
    if (!opt.ids.empty()) {
      std::set<std::string> keep;
      std::ifstream in(opt.ids);
      if (!in) throw std::runtime_error(opt.ids + ": cannot open file");
      for (std::string id; std::getline(in, id);) if (!id.empty()) keep.insert(id);
      std::vector<ag::io::Vector> v2;
      std::vector<PolicyTexts> t2;
      for (std::size_t i = 0; i < vectors.size(); ++i) {
        if (keep.count(vectors[i].id)) {
          v2.push_back(std::move(vectors[i]));
          t2.push_back(std::move(texts[i]));
        }
      }
      vectors = std::move(v2);
      texts = std::move(t2);
    }
    for (const auto& v : vectors) {
      if (v.expected == ag::eval::to_string(ag::eval::evaluate(v.request, v.policies))) ++agree;
    }
    out["vectors"] = {{"file", opt.vectors}, {"lines", total_lines}, {"used", vectors.size()},
                      {"agree_with_expected", agree}, {"load_vectors_s", load_s}};
    std::printf("vectors: %s\n  %zu used (of %zu), %zu agree with the expected decision; load_vectors %.1f ms\n",
                opt.vectors.c_str(), vectors.size(), total_lines, agree, load_s * 1e3);
    if (vectors.empty()) throw std::runtime_error("no vectors to run");
  }

  std::size_t sink = 0;  // keeps results observable
  double eval_rate = 0;
  if (want("eval")) {
    auto rates = measure([&] {
      for (const auto& v : vectors) sink += static_cast<std::size_t>(ag::eval::evaluate(v.request, v.policies));
    }, vectors.size(), opt.runs, opt.min_time);
    eval_rate = rates.median();
    figures.push_back({"eval_decisions_per_s", "evaluate(), compiled policies reused", "decisions/s", eval_rate,
                       rates.best(), rates.wall_median()});
    // The same with each vector's plain PolicySet (not prepared): evaluate() then finds the
    // programs through the set's vectors and Policy objects. Passes with and without preparation
    // alternate, so that changes in the machine's speed fall on both alike.
    {
      Rates plain, ratio;
      for (int r = 0; r < opt.runs; ++r) {
        const Alternation t = alternate(
            [&] { for (const auto& v : vectors) sink += static_cast<std::size_t>(ag::eval::evaluate(v.request, v.policies)); },
            [&] { for (const auto& v : vectors) sink += static_cast<std::size_t>(ag::eval::evaluate(v.request, v.policies.set())); },
            opt.min_time);
        plain.cpu.push_back(static_cast<double>(t.rounds * vectors.size()) / t.b);
        ratio.cpu.push_back(t.b / t.a);
      }
      figures.push_back({"eval_plain_set_decisions_per_s", "evaluate(), PolicySet not prepared", "decisions/s",
                         plain.median(), plain.best(), 0});
      out["prepared_vs_plain"] = ratio.median();
      notes.push_back("prepared / plain PolicySet, alternating passes: " + fmt(ratio.median()) + "x");
    }

    // Computation vs memory: passes that decide every vector once alternate with passes that
    // decide it twice in a row. The second decision finds the vector's request and policies in
    // cache, so the difference in time is what a decision costs when memory is not waited for.
    // Alternating the two in short passes keeps changes in the machine's speed (other tenants of
    // the host) out of the difference.
    Rates cold, warm;  // decisions per CPU second
    for (int r = 0; r < opt.runs; ++r) {
      const Alternation t = alternate(
          [&] { for (const auto& v : vectors) sink += static_cast<std::size_t>(ag::eval::evaluate(v.request, v.policies)); },
          [&] {
            for (const auto& v : vectors) {
              sink += static_cast<std::size_t>(ag::eval::evaluate(v.request, v.policies));
              sink += static_cast<std::size_t>(ag::eval::evaluate(v.request, v.policies));
            }
          },
          opt.min_time);
      const double once = t.a, twice = t.b;
      const std::size_t rounds = t.rounds;
      const double decisions = static_cast<double>(rounds * vectors.size());
      cold.cpu.push_back(decisions / once);
      if (twice > once) warm.cpu.push_back(decisions / (twice - once));
    }
    if (!warm.cpu.empty()) {
      const double c = cold.median(), w = warm.median();
      figures.push_back({"eval_warm_decisions_per_s", "evaluate(), data already in cache (see README)", "decisions/s", w,
                         warm.best(), 0});
      out["memory"] = {{"cold_ns", 1e9 / c}, {"warm_ns", 1e9 / w}, {"memory_share", 1 - c / w}};
      notes.push_back("memory: a decision takes " + fmt(1e9 / c) + " ns when its data is not in cache and " +
                      fmt(1e9 / w) + " ns when it is; " + fmt(100 * (1 - c / w)) +
                      "% of the time is spent waiting for memory");
    }
  }
  if (want("explain")) {
    auto rates = measure([&] {
      for (const auto& v : vectors) sink += ag::eval::explain(v.request, v.policies).allows.size();
    }, vectors.size(), opt.runs, opt.min_time);
    figures.push_back({"explain_per_s", "explain(), compiled policies reused", "explanations/s", rates.median(),
                       rates.best(), rates.wall_median()});
  }
  double naive_rate = 0;
  if (want("naive")) {
    auto rates = measure([&] {
      for (std::size_t i = 0; i < vectors.size(); ++i) {
        const auto ps = compile_now(texts[i], vectors[i].policies.set().options);
        sink += static_cast<std::size_t>(ag::eval::evaluate(vectors[i].request, ps));
      }
    }, vectors.size(), std::max(3, opt.runs / 2), opt.min_time);
    naive_rate = rates.median();
    figures.push_back({"naive_decisions_per_s", "baseline: parse every policy per request, then evaluate()",
                       "decisions/s", naive_rate, rates.best(), rates.wall_median()});
  }

  if (opt.by_category && want("eval")) {
    std::map<std::string, std::vector<const ag::io::Vector*>> cats;
    for (const auto& v : vectors) cats[v.category].push_back(&v);
    std::printf("\nper category, evaluate() (median of 3 runs of %.2f s):\n", opt.min_time / 4);
    json jc = json::object();
    std::vector<std::pair<double, std::string>> rows;
    for (const auto& [cat, vs] : cats) {
      auto rates = measure([&] {
        for (const auto* v : vs) sink += static_cast<std::size_t>(ag::eval::evaluate(v->request, v->policies));
      }, vs.size(), 3, opt.min_time / 4);
      const double r = rates.median();
      jc[cat] = {{"vectors", vs.size()}, {"decisions_per_s", r}};
      rows.emplace_back(r, cat);
    }
    std::sort(rows.begin(), rows.end());
    for (const auto& [r, cat] : rows) {
      std::printf("  %-28s %5zu vectors  %14s decisions/s  %7.0f ns/decision\n", cat.c_str(), cats[cat].size(),
                  fmt(r).c_str(), 1e9 / r);
    }
    out["by_category"] = jc;
  }

  // ---- managed policies ----------------------------------------------------------------------
  if (want("managed")) {
    const auto t0 = Clock::now();
    const std::string file = read_file(opt.managed);
    const json all = json::parse(file);
    std::vector<std::pair<std::string, std::string>> docs;  // name, document text
    std::size_t bytes = 0;
    for (const auto& [name, entry] : all.items()) {
      docs.emplace_back(name, entry.at("Document").dump());
      bytes += docs.back().second.size();
    }
    const double split_s = seconds_since(t0);
    std::size_t statements = 0;
    std::vector<double> ms, wall_ms;
    // One untimed warm-up, then --runs timed passes over the whole set (at least 5).
    for (int r = -1; r < std::max(5, opt.runs); ++r) {
      std::vector<ag::policy::PolicyPtr> compiled;
      compiled.reserve(docs.size());
      const auto w1 = Clock::now();
      const double c1 = thread_cpu_s();
      for (const auto& [name, text] : docs) compiled.push_back(ag::policy::Policy::parse(text, name));
      const double s = thread_cpu_s() - c1;
      const double w = seconds_since(w1);
      if (r >= 0) {
        ms.push_back(s * 1e3);
        wall_ms.push_back(w * 1e3);
      }
      statements = 0;
      for (const auto& p : compiled) statements += p->statements().size();
      sink += compiled.size();
    }
    figures.push_back({"managed_parse_ms", "parse + compile all managed policies", "ms", median_of(ms),
                       *std::min_element(ms.begin(), ms.end()), median_of(wall_ms), false});
    out["managed"] = {{"file", opt.managed}, {"policies", docs.size()}, {"statements", statements},
                      {"document_bytes", bytes}, {"split_and_dump_ms", split_s * 1e3}};
    std::printf("managed policies: %zu policies, %zu statements, %.2f MB of document text "
                "(splitting the file with nlohmann::json: %.1f ms, not counted)\n",
                docs.size(), statements, bytes / 1e6, split_s * 1e3);
    const double m = median_of(ms);
    notes.push_back("managed policies: " + fmt(docs.size() / (m / 1e3)) + " policies/s, " +
                    fmt(bytes / 1e6 / (m / 1e3)) + " MB/s of policy text");
  }

  // ---- report --------------------------------------------------------------------------------
  std::printf("\n%-60s %14s %14s %14s %14s %8s\n", "figure (single thread; CPU time unless noted)", "median",
              "best run", "wall median", "previous", "vs prev");
  json figs = json::object();
  for (const auto& f : figures) {
    std::string prev_s = "-", ratio_s = "-";
    if (previous.is_object() && previous.contains("figures") && previous["figures"].contains(f.key)) {
      const double p = previous["figures"][f.key].value("median", 0.0);
      if (p > 0) {
        prev_s = fmt(p);
        char buf[32];
        // > 1.00x means better than the previous run, whatever the unit.
        std::snprintf(buf, sizeof buf, "%.2fx", f.higher_is_better ? f.value / p : p / f.value);
        ratio_s = buf;
      }
    }
    std::printf("%-60s %14s %14s %14s %14s %8s  %s\n", f.label.c_str(), fmt(f.value).c_str(), fmt(f.best).c_str(),
                f.wall > 0 ? fmt(f.wall).c_str() : "-", prev_s.c_str(), ratio_s.c_str(), f.unit.c_str());
    figs[f.key] = {{"label", f.label}, {"unit", f.unit}, {"median", f.value}, {"best", f.best},
                   {"wall_median", f.wall}, {"higher_is_better", f.higher_is_better}};
  }
  out["figures"] = figs;
  json ratios = json::object();
  if (eval_rate > 0) {
    std::printf("\nns per decision (median): %.0f\n", 1e9 / eval_rate);
  }
  if (eval_rate > 0 && naive_rate > 0) {
    ratios["compiled_vs_naive"] = eval_rate / naive_rate;
    std::printf("ratio compiled reuse / naive re-parse: %.1fx\n", eval_rate / naive_rate);
  }
  for (const auto& n : notes) std::printf("%s\n", n.c_str());
  out["ratios"] = ratios;
  out["sink"] = sink;
  if (previous.is_object() && previous.contains("unix_time")) {
    out["previous_unix_time"] = previous["unix_time"];
    const std::time_t t = previous["unix_time"].get<long long>();
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
    std::printf("previous run: %s (%s)\n", opt.previous.c_str(), buf);
  } else if (!opt.previous.empty()) {
    std::printf("previous run: none (%s does not exist yet)\n", opt.previous.c_str());
  }

  if (!opt.json_out.empty()) {
    std::ofstream f(opt.json_out);
    if (!f) {
      std::fprintf(stderr, "cannot write %s (does its directory exist?)\n", opt.json_out.c_str());
      return 1;
    }
    f << out.dump(2) << "\n";
    std::printf("wrote %s\n", opt.json_out.c_str());
  }
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(parse_args(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_eval: %s\n", e.what());
    return 1;
  }
}
