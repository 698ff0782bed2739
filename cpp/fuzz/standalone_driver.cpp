// A `main` for fuzz targets when libFuzzer is not available (g++). Links with one target's
// LLVMFuzzerTestOneInput and accepts a subset of libFuzzer's command line, so that the same
// command runs a target under either engine:
//
//   fuzz_target [-max_total_time=SECONDS] [-runs=N] [-seed=N] [-max_len=BYTES] [-timeout=SECONDS]
//               [-dict=FILE] [-artifact_prefix=PREFIX] PATH...
//
// PATH: seed files, or directories whose files (not recursive, hidden files skipped) are seeds.
// 1. Every seed is run once, in path order.
// 2. Then, until -max_total_time seconds (default 10; 0: no limit) or -runs mutated inputs
//    (default: no limit; -runs=0 only replays the seeds) have passed, a random seed is mutated and
//    run: bit flips, byte insertion / deletion, splicing with another input, dictionary tokens
//    (built in: JSON structure, IAM element names, policy variables, wildcards, unicode, huge
//    numbers; plus -dict files in libFuzzer's format) inserted anywhere or inside JSON strings,
//    JSON strings and numbers replaced, bracketed JSON values duplicated, removed or nested deeply.
//    The random sequence depends only on -seed (default 1): a run is reproducible.
//    Mutants that make the target report a behaviour it has not reported before (see
//    fuzz_common.hpp, AccessgraphFuzzFeature) join the seeds.
// On an exception escaping the target, a signal, a sanitizer report or an input running longer than
// -timeout seconds (default 10), the driver prints the input (hex and C-escaped text), saves it as
// PREFIX{crash,timeout}-<hash> and aborts. Reproduce with `fuzz_target -runs=0 FILE`.
#include <csignal>
#include <cxxabi.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <typeinfo>
#include <unordered_set>
#include <utility>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));
// Present when linked with a sanitizer runtime (ASan/UBSan): run on a sanitizer's fatal report.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

// UBSan (a runtime of its own under g++, which the death callback above does not reach) aborts on
// its first report, so that the SIGABRT handler prints the input. UBSAN_OPTIONS still overrides.
extern "C" const char* __ubsan_default_options() { return "abort_on_error=1:print_stacktrace=1"; }

namespace {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  double max_total_time = 10;
  long long runs = -1;
  std::uint64_t seed = 1;
  std::size_t max_len = 64 * 1024;
  double timeout = 10;
  std::vector<std::string> dicts;
  std::string artifact_prefix = "./";
  std::vector<std::string> paths;
};

void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [-max_total_time=SECONDS] [-runs=N] [-seed=N] [-max_len=BYTES] [-timeout=SECONDS]\n"
               "          [-dict=FILE] [-artifact_prefix=PREFIX] PATH...\n"
               "Runs every seed file of PATH (files or directories), then mutated seeds for\n"
               "-max_total_time seconds (default 10, 0 = unlimited) or -runs inputs (0 = seeds only).\n",
               argv0);
}

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.size() > 1 && arg[0] == '-') {
      const std::size_t eq = arg.find('=');
      const std::string name(arg.substr(1, eq == std::string_view::npos ? std::string_view::npos : eq - 1));
      const std::string value(eq == std::string_view::npos ? std::string_view("1") : arg.substr(eq + 1));
      try {
        if (name == "max_total_time") o.max_total_time = std::stod(value);
        else if (name == "runs") o.runs = std::stoll(value);
        else if (name == "seed") o.seed = std::stoull(value);
        else if (name == "max_len") o.max_len = std::stoull(value);
        else if (name == "timeout") o.timeout = std::stod(value);
        else if (name == "dict") o.dicts.push_back(value);
        else if (name == "artifact_prefix") o.artifact_prefix = value;
        else if (name == "help" || name == "h" || name == "-help") return false;
        else std::fprintf(stderr, "standalone driver: ignoring unsupported flag %s\n", argv[i]);
      } catch (const std::exception&) {
        std::fprintf(stderr, "standalone driver: bad value in %s\n", argv[i]);
        return false;
      }
    } else {
      o.paths.emplace_back(arg);
    }
  }
  if (o.max_len == 0) o.max_len = 64 * 1024;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Crash reporting: the input being run is kept here so that any way of dying can print it.

std::string g_current;                     // the input being run
std::string g_origin;                      // where it came from
std::string g_artifact_prefix = "./";
std::string g_argv0 = "fuzz_target";
std::atomic<long long> g_started_ns{0};    // when the current input started; 0 when idle
std::atomic<bool> g_reported{false};

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string c_escaped(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        }
    }
  }
  return out;
}

void print_input(std::string_view in) {
  constexpr std::size_t kShown = 4096;
  const std::size_t shown = std::min(in.size(), kShown);
  std::fprintf(stderr, "==standalone-fuzz== input: %zu bytes%s\n", in.size(),
               shown < in.size() ? " (first 4096 shown; the saved file has all of it)" : "");
  std::fprintf(stderr, "---- hex ----\n");
  for (std::size_t off = 0; off < shown; off += 16) {
    std::fprintf(stderr, "%06zx ", off);
    for (std::size_t i = off; i < off + 16; ++i) {
      if (i < shown) std::fprintf(stderr, " %02x", static_cast<unsigned char>(in[i]));
      else std::fprintf(stderr, "   ");
    }
    std::fprintf(stderr, "  |");
    for (std::size_t i = off; i < off + 16 && i < shown; ++i) {
      const unsigned char c = static_cast<unsigned char>(in[i]);
      std::fputc(c >= 0x20 && c < 0x7f ? c : '.', stderr);
    }
    std::fprintf(stderr, "|\n");
  }
  std::fprintf(stderr, "---- text (C string) ----\n\"%s\"\n-------------------------\n",
               c_escaped(in.substr(0, shown)).c_str());
}

// Prints and saves the current input, once. `kind` is "crash" or "timeout".
void report(const char* kind, const std::string& what) {
  if (g_reported.exchange(true)) return;
  const std::string input = g_current;
  std::fprintf(stderr, "\n==standalone-fuzz== %s: %s\n", kind, what.c_str());
  std::fprintf(stderr, "==standalone-fuzz== input from %s\n", g_origin.c_str());
  print_input(input);
  char name[64];
  std::snprintf(name, sizeof name, "%s-%016llx", kind, static_cast<unsigned long long>(fnv1a(input)));
  const std::string path = g_artifact_prefix + name;
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    const bool ok = std::fwrite(input.data(), 1, input.size(), f) == input.size();
    if (std::fclose(f) == 0 && ok) {
      std::fprintf(stderr, "==standalone-fuzz== saved to %s\n==standalone-fuzz== reproduce: %s -runs=0 %s\n",
                   path.c_str(), g_argv0.c_str(), path.c_str());
    }
  } else {
    std::fprintf(stderr, "==standalone-fuzz== could not save the input to %s: %s\n", path.c_str(),
                 std::strerror(errno));
  }
  std::fflush(stderr);
}

void on_sanitizer_death() { report("crash", "sanitizer report (above)"); }

void on_signal(int sig) {
  report("crash", std::string("signal ") + std::to_string(sig) + " (" + strsignal(sig) + ")" +
                      (sig == SIGABRT ? ": a sanitizer report, a failed check or std::terminate (above)" : ""));
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_crash_handlers() {
  static std::vector<char> alt_stack(1 << 16);
  stack_t ss{};
  ss.ss_sp = alt_stack.data();
  ss.ss_size = alt_stack.size();
  sigaltstack(&ss, nullptr);
  std::vector<int> signals = {SIGABRT};  // sanitizers leave SIGABRT alone
  if (__sanitizer_set_death_callback != nullptr) {
    __sanitizer_set_death_callback(on_sanitizer_death);
  } else {
    signals.insert(signals.end(), {SIGSEGV, SIGBUS, SIGILL, SIGFPE});
  }
  for (int sig : signals) {
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}

std::string current_exception_type() {
  const std::type_info* t = abi::__cxa_current_exception_type();
  if (t == nullptr) return "unknown";
  int status = 0;
  char* demangled = abi::__cxa_demangle(t->name(), nullptr, nullptr, &status);
  std::string name = status == 0 && demangled ? demangled : t->name();
  std::free(demangled);
  return name;
}

// Hang detection: a thread that watches how long the current input has been running.
class Watchdog {
 public:
  explicit Watchdog(double timeout_seconds) : timeout_ns_(static_cast<long long>(timeout_seconds * 1e9)) {
    if (timeout_ns_ > 0) thread_ = std::thread([this] { loop(); });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_; })) {
      const long long started = g_started_ns.load();
      if (started != 0 && now_ns() - started > timeout_ns_) {
        report("timeout", "one input ran longer than " + std::to_string(timeout_ns_ / 1000000000) +
                              " s (-timeout)");
        std::_Exit(70);
      }
    }
  }
  long long timeout_ns_;
  bool stop_ = false;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// Behaviour features reported by the target (fuzz_common.hpp).

std::vector<std::uint64_t> g_run_features;

}  // namespace

extern "C" void AccessgraphFuzzFeature(std::uint64_t feature) { g_run_features.push_back(feature); }

namespace {

// Runs one input; returns the number of features it reported that `seen` did not hold (and adds them).
std::size_t run_one(const std::string& input, const std::string& origin, std::unordered_set<std::uint64_t>& seen) {
  g_current = input;
  g_origin = origin;
  g_run_features.clear();
  // An exact-size heap copy, so that ASan sees any read past the end.
  std::unique_ptr<std::uint8_t[]> data(new std::uint8_t[input.size()]);
  std::memcpy(data.get(), input.data(), input.size());
  g_started_ns.store(now_ns());
  try {
    LLVMFuzzerTestOneInput(data.get(), input.size());
  } catch (const std::exception& e) {
    report("crash", "uncaught exception " + current_exception_type() + ": " + e.what());
    std::abort();
  } catch (...) {
    report("crash", "uncaught exception " + current_exception_type());
    std::abort();
  }
  g_started_ns.store(0);
  std::size_t fresh = 0;
  for (std::uint64_t f : g_run_features) fresh += seen.insert(f).second;
  return fresh;
}

// ---------------------------------------------------------------------------------------------
// Seeds and dictionaries

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

struct Seed {
  std::string origin;
  std::string data;
};

bool collect_seeds(const std::vector<std::string>& paths, std::vector<Seed>& seeds) {
  for (const auto& path : paths) {
    struct stat st{};
    if (stat(path.c_str(), &st) != 0) {
      std::fprintf(stderr, "standalone driver: %s: %s\n", path.c_str(), std::strerror(errno));
      return false;
    }
    std::vector<std::string> files;
    if (S_ISDIR(st.st_mode)) {
      DIR* dir = opendir(path.c_str());
      if (dir == nullptr) {
        std::fprintf(stderr, "standalone driver: cannot list %s\n", path.c_str());
        return false;
      }
      while (const dirent* e = readdir(dir)) {
        if (e->d_name[0] == '.') continue;
        const std::string file = path + "/" + e->d_name;
        struct stat fst{};
        if (stat(file.c_str(), &fst) == 0 && S_ISREG(fst.st_mode)) files.push_back(file);
      }
      closedir(dir);
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(path);
    }
    for (const auto& file : files) {
      Seed s{file, {}};
      if (!read_file(file, s.data)) {
        std::fprintf(stderr, "standalone driver: cannot read %s\n", file.c_str());
        return false;
      }
      seeds.push_back(std::move(s));
    }
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// libFuzzer / AFL dictionary: lines `name="value"` or `"value"`, `#` comments, escapes \\ \" \xAB.
bool load_dict(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "standalone driver: cannot read dictionary %s\n", path.c_str());
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const std::size_t open = line.find('"');
    const std::size_t close = line.find_last_of('"');
    if (open == std::string::npos || close <= open) {
      std::fprintf(stderr, "standalone driver: %s:%d: not a dictionary entry\n", path.c_str(), number);
      return false;
    }
    std::string token;
    for (std::size_t i = open + 1; i < close; ++i) {
      if (line[i] == '\\' && i + 1 < close) {
        const char n = line[i + 1];
        if (n == 'x' && i + 3 < close && hex_digit(line[i + 2]) >= 0 && hex_digit(line[i + 3]) >= 0) {
          token += static_cast<char>(hex_digit(line[i + 2]) * 16 + hex_digit(line[i + 3]));
          i += 3;
        } else {
          token += n;
          ++i;
        }
      } else {
        token += line[i];
      }
    }
    out.push_back(std::move(token));
  }
  return true;
}

const char* const kBuiltinTokens[] = {
    // JSON structure
    "{", "}", "[", "]", "\"", ",", ":", "\\", "{}", "[]", "\"\"", "null", "true", "false", "[[[[[[[[",
    "{\"a\":", "\\\"", "\\\\", "\\u0000", "\\n",
    // IAM elements
    "\"Version\"", "\"2012-10-17\"", "\"2008-10-17\"", "\"Id\"", "\"Statement\"", "\"Sid\"", "\"Effect\"",
    "\"Allow\"", "\"Deny\"", "\"Action\"", "\"NotAction\"", "\"Resource\"", "\"NotResource\"",
    "\"Principal\"", "\"NotPrincipal\"", "\"AWS\"", "\"Service\"", "\"Federated\"", "\"CanonicalUser\"",
    "\"Condition\"", "\"*\"",
    // Patterns and variables
    "*", "?", "$", "${", "}", "\"${", "${aws:username}", "${aws:username, 'x'}", "${*}", "${?}", "${$}",
    "${}", "${,'}", "arn:", "arn:aws:s3:::", "arn:aws:iam::111122223333:", ":::", "::",
    // Unicode (escaped and raw, valid and invalid)
    "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\udc00", "\xc3\xa9", "\xf0\x9f\x98\x80", "\xff", "\xc3",
    "\xc0\xaf", "\xed\xa0\x80", "\xef\xbb\xbf",
    // Numbers
    "0", "-0", "1e400", "-1e400", "1e308", "1e-400", "4.9e-324", "18446744073709551615",
    "18446744073709551616", "-9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
    "0.1", "1E+2", "NaN", "inf",
};

// ---------------------------------------------------------------------------------------------
// Mutations

class Mutator {
 public:
  Mutator(std::uint64_t seed, std::vector<std::string> dict, std::size_t max_len)
      : rng_(seed), dict_(std::move(dict)), max_len_(max_len) {}

  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  // Applies 1, 2, 4 or 8 random mutations to `s`; `other` is an input to splice with.
  void mutate(std::string& s, const std::string& other) {
    const int count = 1 << below(4);
    for (int i = 0; i < count; ++i) mutate_once(s, other);
    if (s.size() > max_len_) s.resize(max_len_);
  }

 private:
  const std::string& token() { return dict_[below(dict_.size())]; }
  std::size_t pos(const std::string& s) { return below(s.size() + 1); }  // 0..size

  static bool is_open(char c) { return c == '{' || c == '['; }

  // Positions of the contents of JSON string literals: [begin, end) between the quotes.
  static std::vector<std::pair<std::size_t, std::size_t>> strings(const std::string& s) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '"') continue;
      std::size_t j = i + 1;
      while (j < s.size() && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
      if (j >= s.size()) break;
      out.emplace_back(i + 1, j);
      i = j;
    }
    return out;
  }

  // Number literals outside strings.
  static std::vector<std::pair<std::size_t, std::size_t>> numbers(const std::string& s) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    bool in_string = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        std::size_t j = i + 1;
        while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == 'e' ||
                                s[j] == 'E' || s[j] == '+' || s[j] == '-')) {
          ++j;
        }
        out.emplace_back(i, j);
        i = j - 1;
      }
    }
    return out;
  }

  // A bracketed JSON value [begin, end) starting at a random '{' or '[' (outside strings).
  bool bracketed(const std::string& s, std::size_t& begin, std::size_t& end) {
    std::vector<std::size_t> opens;
    bool in_string = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (in_string) {
        if (s[i] == '\\') ++i;
        else if (s[i] == '"') in_string = false;
      } else if (s[i] == '"') {
        in_string = true;
      } else if (is_open(s[i])) {
        opens.push_back(i);
      }
    }
    if (opens.empty()) return false;
    begin = opens[below(opens.size())];
    int depth = 0;
    in_string = false;
    for (std::size_t i = begin; i < s.size(); ++i) {
      if (in_string) {
        if (s[i] == '\\') ++i;
        else if (s[i] == '"') in_string = false;
      } else if (s[i] == '"') {
        in_string = true;
      } else if (is_open(s[i])) {
        ++depth;
      } else if (s[i] == '}' || s[i] == ']') {
        if (--depth == 0) {
          end = i + 1;
          return true;
        }
      }
    }
    return false;
  }

  void mutate_once(std::string& s, const std::string& other) {
    switch (below(17)) {
      case 0:  // flip a bit
        if (!s.empty()) s[below(s.size())] ^= static_cast<char>(1u << below(8));
        break;
      case 1: {  // replace a byte (an interesting one or a random one)
        static const char kBytes[] = {'\0', '\x7f', '\x80', '\xff', '"', '\\', '{', '[', '}', ']', ':', ',', '*', '$'};
        if (!s.empty()) {
          s[below(s.size())] = below(2) ? kBytes[below(sizeof kBytes)] : static_cast<char>(below(256));
        }
        break;
      }
      case 2: {  // insert random bytes
        std::string bytes(1 + below(4), '\0');
        for (char& c : bytes) c = static_cast<char>(below(256));
        s.insert(pos(s), bytes);
        break;
      }
      case 3: {  // delete a range
        if (s.empty()) break;
        const std::size_t at = below(s.size());
        s.erase(at, 1 + below(std::min<std::size_t>(s.size() - at, below(2) ? 4 : 64)));
        break;
      }
      case 4: {  // copy a chunk elsewhere
        if (s.empty()) break;
        const std::size_t at = below(s.size());
        const std::string chunk = s.substr(at, 1 + below(std::min<std::size_t>(s.size() - at, 64)));
        s.insert(pos(s), chunk);
        break;
      }
      case 5: {  // splice: a prefix of `s` with a suffix of another input, or a chunk of it inserted
        if (other.empty()) break;
        const std::size_t from = below(other.size());
        if (below(2)) {
          s = s.substr(0, pos(s)) + other.substr(from);
        } else {
          s.insert(pos(s), other.substr(from, 1 + below(128)));
        }
        break;
      }
      case 6:  // insert a token anywhere
      case 7:
        s.insert(pos(s), token());
        break;
      case 8: {  // insert a token inside a JSON string
        const auto str = strings(s);
        if (str.empty()) break;
        const auto [b, e] = str[below(str.size())];
        s.insert(b + below(e - b + 1), token());
        break;
      }
      case 9: {  // replace a JSON string's contents with a token (quotes of the token dropped)
        const auto str = strings(s);
        if (str.empty()) break;
        const auto [b, e] = str[below(str.size())];
        std::string t = token();
        if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
        s.replace(b, e - b, t);
        break;
      }
      case 10: {  // replace a number with an interesting one
        static const char* const kNumbers[] = {
            "0", "-0", "1", "-1", "0.5", "1e400", "-1e400", "1e308", "1.7976931348623157e308", "1e-400",
            "4.9e-324", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
            "18446744073709551615", "18446744073709551616", "-9223372036854775808", "-9223372036854775809",
            "123456789012345678901234567890", "1E+2", "-", "1e", "01", "\"1\"", "[1]"};
        const auto num = numbers(s);
        if (num.empty()) {
          s.insert(pos(s), kNumbers[below(sizeof kNumbers / sizeof kNumbers[0])]);
          break;
        }
        const auto [b, e] = num[below(num.size())];
        s.replace(b, e - b, kNumbers[below(sizeof kNumbers / sizeof kNumbers[0])]);
        break;
      }
      case 11: {  // duplicate a bracketed value (",copy" after it, or the copy alone)
        std::size_t b = 0, e = 0;
        if (!bracketed(s, b, e)) break;
        s.insert(e, (below(2) ? "," : "") + s.substr(b, e - b));
        break;
      }
      case 12: {  // remove a bracketed value (or replace it with a small one)
        std::size_t b = 0, e = 0;
        if (!bracketed(s, b, e)) break;
        static const char* const kSmall[] = {"", "{}", "[]", "\"\"", "null", "1", "\"*\""};
        s.replace(b, e - b, kSmall[below(sizeof kSmall / sizeof kSmall[0])]);
        break;
      }
      case 13: {  // nest a bracketed value (or a string) k levels deeper: around kMaxJsonDepth, or far beyond
        static const std::size_t kDepths[] = {1, 2, 3, 62, 63, 64, 65, 100, 1000, 10000};
        std::size_t b = 0, e = 0;
        if (!bracketed(s, b, e)) {
          const auto str = strings(s);
          if (str.empty()) break;
          const auto picked = str[below(str.size())];
          b = picked.first - 1;   // the opening quote
          e = picked.second + 1;  // after the closing quote
        }
        const std::size_t k = kDepths[below(sizeof kDepths / sizeof kDepths[0])];
        const bool object = below(2);
        std::string open, close;
        for (std::size_t i = 0; i < k; ++i) {
          open += object ? "{\"a\":" : "[";
          close += object ? "}" : "]";
        }
        s.insert(e, close);
        s.insert(b, open);
        break;
      }
      case 14: {  // swap the contents of two JSON strings
        const auto str = strings(s);
        if (str.size() < 2) break;
        auto x = str[below(str.size())], y = str[below(str.size())];
        if (x.first > y.first) std::swap(x, y);
        if (x.second > y.first) break;  // the same string
        const std::string sx = s.substr(x.first, x.second - x.first), sy = s.substr(y.first, y.second - y.first);
        s.replace(y.first, y.second - y.first, sx);
        s.replace(x.first, x.second - x.first, sy);
        break;
      }
      case 15: {  // flip the case of a letter (actions and condition keys are case-insensitive)
        if (s.empty()) break;
        char& c = s[below(s.size())];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) c ^= 0x20;
        break;
      }
      case 16: {  // repeat a chunk many times / truncate
        if (s.empty()) break;
        if (below(4) == 0) {
          s.resize(below(s.size()));
          break;
        }
        const std::size_t at = below(s.size());
        const std::string chunk = s.substr(at, 1 + below(std::min<std::size_t>(s.size() - at, 16)));
        const std::size_t times = 2 + below(below(2) ? 16 : 4096);
        std::string rep;
        for (std::size_t i = 0; i < times && rep.size() < max_len_; ++i) rep += chunk;
        s.insert(at, rep);
        break;
      }
    }
  }

  std::mt19937_64 rng_;
  std::vector<std::string> dict_;
  std::size_t max_len_;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    usage(argv[0]);
    return 1;
  }
  g_argv0 = argv[0];
  g_artifact_prefix = options.artifact_prefix;
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  install_crash_handlers();

  std::vector<std::string> dict(std::begin(kBuiltinTokens), std::end(kBuiltinTokens));
  for (const auto& path : options.dicts) {
    if (!load_dict(path, dict)) return 1;
  }
  std::vector<Seed> corpus;
  if (!collect_seeds(options.paths, corpus)) return 1;
  std::size_t seed_bytes = 0;
  for (const auto& s : corpus) seed_bytes += s.data.size();
  std::fprintf(stderr,
               "standalone driver: %zu seed inputs (%zu bytes), %zu dictionary tokens, seed %llu, "
               "max_total_time %g s, runs %lld, max_len %zu, timeout %g s\n",
               corpus.size(), seed_bytes, dict.size(), static_cast<unsigned long long>(options.seed),
               options.max_total_time, options.runs, options.max_len, options.timeout);

  Watchdog watchdog(options.timeout);
  std::unordered_set<std::uint64_t> features;
  const auto start = Clock::now();
  // 1. The seeds, and the empty input.
  run_one(std::string(), "the empty input", features);
  for (const auto& s : corpus) run_one(s.data, "seed " + s.origin, features);
  std::fprintf(stderr, "standalone driver: ran %zu seeds in %.2f s, %zu features\n", corpus.size() + 1,
               std::chrono::duration<double>(Clock::now() - start).count(), features.size());
  const std::size_t seeds = corpus.size();

  // 2. Mutants.
  Mutator mutator(options.seed, dict, options.max_len);
  if (corpus.empty()) corpus.push_back({"the empty input", {}});
  constexpr std::size_t kMaxCorpus = 20000;
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.max_total_time));
  auto next_status = Clock::now() + std::chrono::seconds(5);
  long long run = 0;
  for (; options.runs < 0 || run < options.runs; ++run) {
    if ((run & 15) == 0) {
      const auto now = Clock::now();
      if (options.max_total_time > 0 && now >= deadline) break;
      if (now >= next_status) {
        next_status = now + std::chrono::seconds(5);
        std::fprintf(stderr, "#%lld\tcorpus: %zu\tfeatures: %zu\texec/s: %.0f\n", run, corpus.size(), features.size(),
                     run / std::chrono::duration<double>(now - start).count());
      }
    }
    const std::size_t base = mutator.below(corpus.size());
    std::string input = corpus[base].data;
    mutator.mutate(input, corpus[mutator.below(corpus.size())].data);
    const std::string origin = "mutant #" + std::to_string(run) + " (-seed=" + std::to_string(options.seed) +
                               ") of " + corpus[base].origin;
    if (run_one(input, origin, features) > 0) {
      Seed s{"mutant #" + std::to_string(run), std::move(input)};
      if (corpus.size() < kMaxCorpus) corpus.push_back(std::move(s));
      else corpus[seeds + mutator.below(corpus.size() - seeds)] = std::move(s);
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::fprintf(stderr,
               "standalone driver: done, %lld mutants in %.1f s (%.0f exec/s), corpus %zu inputs (%zu seeds), "
               "%zu features, no failure\n",
               run, elapsed, run / std::max(elapsed, 1e-9), corpus.size(), seeds, features.size());
  return 0;
}
