// Snapshot loader: the directory layout of shared/snapshot/LAYOUT.md (unmodified AWS CLI / boto3
// responses) -> org::Organization. Every file is parsed once; everything that is wrong is recorded
// as an io::Problem and loading goes on. Only an unusable root throws SnapshotError.
//
// Problem codes (stable: users grep for them). `file` is relative to the snapshot root, the pointer
// is RFC 6901 inside that file (for a policy held as a JSON string, the pointer of the string
// followed by the pointer inside the policy).
//
//   severity error (the data is present but unusable or contradicts itself)
//     malformed-json      a .json file (or page) is not valid JSON; the whole document is unknown
//     wrong-type          a value has the wrong JSON type (the pointer says which); the item is skipped
//     missing-field       a field AWS always sends is absent (manifest key, Id, Arn, Name, ...)
//     manifest-missing    no manifest.json next to accounts/ (regions are taken from the folders)
//     manifest-invalid    format_version is not 1, an unknown partition, an unusable regions list
//     policy-parse-error  a policy document does not parse (policy::Policy::parse); it is dropped
//     duplicate-key       a key repeated in one JSON object (a file or a policy document): the last
//                         value is used (warning; AWS does not return such documents)
//                         and the policy of a resource becomes unknown
//     duplicate-id        the same id twice (listing entries, IAM entities, bucket names, two file
//                         names decoding to the same id); the first one is kept
//     unknown-target      an SCP/RCP attached to a root, OU or account that is not in the org tree
//     unknown-policy      a customer managed policy (or org policy) referenced but not in the data
//     unknown-group       a user in a group that get-account-authorization-details does not list
//     file-and-folder     `<command>.json` and the page folder `<command>/` both exist (the file is used)
//     unreadable-file     the file exists but could not be read
//     internal-error      a loader bug met by this input: the rest of that part (the organization
//                         or one account) is skipped; please report it
//   severity warning (data that was not collected, or is ignored)
//     not-collected       a file LAYOUT.md requires is absent: the resource or setting is unknown
//     access-denied       an error file whose code is an authorization failure: unknown, not absent
//     collection-error    an error file with any other code that is not the documented not-found code
//     unknown-file        a file or folder LAYOUT.md does not describe, or a per-resource file whose
//                         id is not in the listing; ignored
//     file-and-error      both `<x>.json` and `<x>.error.txt` exist (the .json is used)
//     account-not-in-tree an accounts/<id>/ folder (or a list-accounts entry) of an organization
//                         snapshot that is under no root/OU of the tree
//     unresolved-managed-policy  an AWS managed policy attached but neither in the snapshot nor in
//                         the bundled managed policy data (LoadOptions::managed_policies_path)
//     bundled-data-error  the bundled managed policy file is unreadable or malformed
//     invalid-value       a value of the right type that cannot be used (bad base64, empty name, ...)
//
// SnapshotError codes: root-missing, root-not-directory, not-a-snapshot.
#include "accessgraph/io/snapshot.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "accessgraph/policy/json_reader.hpp"
#include "accessgraph/policy/parse_error.hpp"

namespace accessgraph::io {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// A name the tree source treats as a file whatever its value (LAYOUT.md file kinds).
bool is_file_name(std::string_view name) {
  return ends_with(name, ".json") || ends_with(name, ".csv") || ends_with(name, ".txt");
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir + "/" + name;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX -> byte (either case); anything else, including a malformed escape, stays as it is.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// LAYOUT.md file-name escaping (used only to name files that are absent in messages).
std::string escape_id(std::string_view id) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(id[i]);
    const bool safe = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' ||
                      b == '-' || (b == '.' && i != 0);
    if (safe) {
      out.push_back(static_cast<char>(b));
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
  }
  return out;
}

std::string pointer_child(const std::string& ptr, std::string_view key) {
  std::string out = ptr;
  out.push_back('/');
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}
std::string pointer_child(const std::string& ptr, std::size_t index) { return ptr + "/" + std::to_string(index); }

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

const char* type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "a list";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::binary: return "binary data";
    case json::value_t::discarded: return "nothing";
    default: return "a number";
  }
}

// Days since 1970-01-01 -> civil date (H. Hinnant's algorithm; no locale or time-zone state).
void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

// AWS CLI v1 prints JSON-protocol timestamps as epoch seconds; the model keeps ISO 8601 text.
std::string iso_from_epoch(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 253402300799.0) {
    std::ostringstream os;
    os << seconds;
    return os.str();
  }
  long long whole = static_cast<long long>(std::floor(seconds));
  long long millis = std::llround((seconds - static_cast<double>(whole)) * 1000.0);
  if (millis >= 1000) {
    ++whole;
    millis -= 1000;
  }
  const long long days = whole / 86400, rem = whole % 86400;
  long long y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[64];
  if (millis > 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", y, m, d, rem / 3600,
                  (rem / 60) % 60, rem % 60, millis);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d, rem / 3600, (rem / 60) % 60,
                  rem % 60);
  }
  return buf;
}

// Depth of a JSON value without recursion (dump() and Policy::parse recurse).
bool deeper_than(const json& root, int limit) {
  std::vector<std::pair<const json*, int>> stack{{&root, 1}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    if (depth > limit) return true;
    for (const auto& child : *node) stack.emplace_back(&child, depth + 1);
  }
  return false;
}

std::optional<std::string> base64_decode(std::string_view in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=') {
      ++padding;
      continue;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      continue;
    } else {
      return std::nullopt;
    }
    if (padding) return std::nullopt;  // data after '='
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

bool is_account_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_authorization_failure(const std::string& code) {
  return code.find("AccessDenied") != std::string::npos || code.find("Unauthorized") != std::string::npos ||
         code.find("AuthorizationError") != std::string::npos || code.find("AuthFailure") != std::string::npos ||
         code == "Forbidden" || code == "403";
}

// ---------------------------------------------------------------------------------------------
// Sources

class DirectorySource final : public SnapshotSource {
 public:
  explicit DirectorySource(std::string root) : root_(std::move(root)) {}

  Kind kind(const std::string& path) const override {
    std::error_code ec;
    const auto st = fs::status(full(path), ec);
    if (ec || !fs::exists(st)) return Kind::kMissing;
    return fs::is_directory(st) ? Kind::kDirectory : Kind::kFile;
  }

  std::vector<std::string> list(const std::string& path) const override {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(full(path), ec), end;
    if (ec) return names;
    for (; it != end; it.increment(ec)) {
      if (ec) break;
      names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::optional<std::string> read(const std::string& path, std::string* error) const override {
    // Plain POSIX I/O: a snapshot has hundreds of thousands of small files.
    const std::string file = full(path).string();
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (error) *error = "cannot open " + file + ": " + std::strerror(errno);
      return std::nullopt;
    }
    std::string out;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) continue;
        if (error) *error = "cannot read " + file + ": " + std::strerror(errno);
        ::close(fd);
        return std::nullopt;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
  }

  std::string describe() const override { return root_; }

 private:
  fs::path full(const std::string& path) const { return path.empty() ? fs::path(root_) : fs::path(root_) / path; }
  std::string root_;
};

// Directories are objects; a member whose name ends in .json/.csv/.txt is a file whatever its
// value. A .json file's content is its JSON value, except that a string is taken as the file's
// text (so raw text can be passed too; "" is an empty file).
class JsonTreeSource final : public SnapshotSource {
 public:
  explicit JsonTreeSource(json tree) : tree_(std::move(tree)) {}

  // The node at `path`; `file` says whether it is a file. nullptr when absent.
  const json* node(const std::string& path, bool* file) const {
    const json* cur = &tree_;
    bool cur_is_file = !tree_.is_object();
    std::size_t start = 0;
    while (start < path.size()) {
      if (cur_is_file || !cur->is_object()) return nullptr;
      std::size_t slash = path.find('/', start);
      if (slash == std::string::npos) slash = path.size();
      const std::string name = path.substr(start, slash - start);
      auto it = cur->find(name);
      if (it == cur->end()) return nullptr;
      cur = &*it;
      cur_is_file = is_file_name(name) || !cur->is_object();
      start = slash + 1;
    }
    if (file) *file = cur_is_file;
    return cur;
  }

  Kind kind(const std::string& path) const override {
    bool file = false;
    const json* n = node(path, &file);
    if (!n) return Kind::kMissing;
    return file ? Kind::kFile : Kind::kDirectory;
  }

  std::vector<std::string> list(const std::string& path) const override {
    std::vector<std::string> names;
    bool file = false;
    const json* n = node(path, &file);
    if (!n || file) return names;
    for (auto it = n->begin(); it != n->end(); ++it) names.push_back(it.key());
    return names;  // nlohmann objects are std::map: already sorted by bytes
  }

  std::optional<std::string> read(const std::string& path, std::string* error) const override {
    bool file = false;
    const json* n = node(path, &file);
    if (!n || !file) {
      if (error) *error = "no file " + path + " in the JSON tree";
      return std::nullopt;
    }
    if (n->is_string()) return n->get<std::string>();
    if (deeper_than(*n, 1000)) {
      if (error) *error = path + " is nested too deeply";
      return std::nullopt;
    }
    try {
      return n->dump();
    } catch (const std::exception& e) {
      if (error) *error = e.what();
      return std::nullopt;
    }
  }

  std::string describe() const override { return "<JSON tree>"; }

 private:
  json tree_;
};

// ---------------------------------------------------------------------------------------------
// The loader

using resource::Known;
using resource::Resource;
using resource::ResourceType;

// One folder of the snapshot, indexed once: entries by their percent-decoded stem.
struct Folder {
  struct Entry {
    std::string json, error, dir;  // raw names; "" when absent
    bool claimed = false;
  };
  struct Other {
    std::string name;
    bool claimed = false;
  };
  std::string path;
  bool exists = false;
  std::unordered_map<std::string, Entry> entries;
  std::vector<std::string> order;  // stems in listing order
  std::vector<Other> others;       // files that are neither .json nor .error.txt

  Entry* take(const std::string& stem) {
    auto it = entries.find(stem);
    if (it == entries.end()) return nullptr;
    it->second.claimed = true;
    return &it->second;
  }
  void take_all(std::initializer_list<const char*> stems) {
    for (const char* stem : stems) take(stem);
  }
  bool take_other(const std::string& name) {
    for (auto& o : others) {
      if (o.name == name) {
        o.claimed = true;
        return true;
      }
    }
    return false;
  }
};

// One document: a .json file, or a folder of pages, or an error file.
struct Doc {
  enum class State { kMissing, kOk, kError, kBroken };
  State state = State::kMissing;
  std::string path;  // the .json (or the page folder) relative to the root
  struct Page {
    std::string file;
    std::shared_ptr<const json> value;
  };
  std::vector<Page> pages;
  std::string error_file, error_code, error_text;

  bool ok() const { return state == State::kOk; }
  const json& root() const { return *pages.front().value; }
  const std::string& root_file() const { return pages.front().file; }
};

// How a document's absence reads (LAYOUT.md "Absent data and errors").
enum class Need { kRequired, kOptional };

struct Status {
  Known known = Known::kUnknown;
  std::string reason;  // why unknown: the error code, "not collected", "malformed"
};

enum class Want { kString, kObject, kArray, kBool, kNumber, kInteger, kAny };

bool has_type(const json& v, Want w) {
  switch (w) {
    case Want::kString: return v.is_string();
    case Want::kObject: return v.is_object();
    case Want::kArray: return v.is_array();
    case Want::kBool: return v.is_boolean();
    case Want::kNumber: return v.is_number();
    case Want::kInteger: return v.is_number_integer() || v.is_number_unsigned() ||
                                (v.is_number_float() && std::isfinite(v.get<double>()) &&
                                 std::floor(v.get<double>()) == v.get<double>() && std::fabs(v.get<double>()) < 9e18);
    case Want::kAny: return true;
  }
  return false;
}
const char* want_name(Want w) {
  switch (w) {
    case Want::kString: return "a string";
    case Want::kObject: return "an object";
    case Want::kArray: return "a list";
    case Want::kBool: return "a boolean";
    case Want::kNumber: return "a number";
    case Want::kInteger: return "an integer";
    case Want::kAny: return "a value";
  }
  return "a value";
}

// A location inside a file.
struct At {
  const std::string* file = nullptr;
  std::string ptr;
  At child(std::string_view key) const { return At{file, pointer_child(ptr, key)}; }
  At child(std::size_t i) const { return At{file, pointer_child(ptr, i)}; }
};

class Loader {
 public:
  Loader(const SnapshotSource& source, const LoadOptions& options)
      : src_(source), opt_(options), tree_(dynamic_cast<const JsonTreeSource*>(&source)) {}

  org::Organization run();

 private:
  // -- problems
  void problem(Severity sev, std::string code, std::string file, std::string ptr, std::string message) {
    org_.problems.push_back(Problem{std::move(code), std::move(file), std::move(ptr), std::move(message), sev});
  }
  void error(std::string code, const At& at, std::string message) {
    problem(Severity::kError, std::move(code), at.file ? *at.file : std::string(), at.ptr, std::move(message));
  }
  void warn_at(std::string code, const At& at, std::string message) {
    problem(Severity::kWarning, std::move(code), at.file ? *at.file : std::string(), at.ptr, std::move(message));
  }
  void warn(std::string code, const std::string& file, std::string message) {
    problem(Severity::kWarning, std::move(code), file, "", std::move(message));
  }

  // A safety net: a bug triggered by odd input costs that part of the snapshot, not the load.
  void guarded(const std::string& where, const std::function<void()>& fn) {
    try {
      fn();
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      problem(Severity::kError, "internal-error", where, "", std::string("loading stopped here: ") + e.what());
    }
  }

  // -- files
  Folder index(const std::string& path);
  Folder subfolder(Folder& parent, const std::string& stem);
  void finish(Folder& f, const std::string& why);
  std::shared_ptr<const json> parse_file(const std::string& path);
  std::shared_ptr<const json> parse_text(std::string text, const std::string& path);
  Doc load_doc(Folder& f, const std::string& stem);
  Status classify(const Doc& d, Need need, std::initializer_list<const char*> not_found, const std::string& what);
  Status load(Folder& f, const std::string& stem, Need need, std::initializer_list<const char*> not_found,
              const std::string& what, Doc& out) {
    out = load_doc(f, stem);
    return classify(out, need, not_found, what);
  }

  // -- JSON access with problems
  const json* field(const json& obj, const At& at, const char* key, Want want, bool required);
  std::string str(const json& obj, const At& at, const char* key, bool required = false) {
    const json* v = field(obj, at, key, Want::kString, required);
    return v ? v->get<std::string>() : std::string();
  }
  bool boolean(const json& obj, const At& at, const char* key) {
    const json* v = field(obj, at, key, Want::kBool, false);
    return v && v->get<bool>();
  }
  std::string timestamp(const json& obj, const At& at, const char* key);
  // Calls fn(item, at) for each object in the list `key` of every page, in page order.
  void items(const Doc& d, const char* key, bool required, const std::function<void(const json&, const At&)>& fn);
  void items(const json& obj, const At& at, const char* key, bool required,
             const std::function<void(const json&, const At&)>& fn);
  // The field `key` of page 1 (other fields of later pages are ignored, LAYOUT.md Pagination).
  const json* top(const Doc& d, const char* key, Want want, bool required, At* at_out);

  // -- policies
  // `iam_document`: an IAM document may also be URL-encoded (LAYOUT.md value conventions).
  policy::PolicyPtr parse_policy(const json& value, const At& at, const std::string& name);
  // A resource policy field (string or object): absent/"" -> kAbsent, parses -> kYes, else kUnknown.
  void resource_policy(Resource& r, const json* value, const At& at);
  static void unknown_policy(Resource& r, const Status& s) {
    r.policy_known = Known::kUnknown;
    r.policy_error = s.reason;
  }

  // -- parts
  void load_manifest(Folder& root);
  void load_organization(Folder& orgf);
  void load_org_policies(Folder& orgf);
  void attach(const std::string& policy_id, org::OrgPolicyType type, const std::string& target, const At& at);
  void load_account(const std::string& id, Folder& accounts_folder);
  void load_iam(org::Account& a, Folder& iam);
  void load_authorization_details(org::Account& a, const Doc& d);
  void resolve_managed_policies(org::Account& a, const std::vector<std::pair<std::string, At>>& refs);
  policy::PolicyPtr bundled_policy(const std::string& arn, iam::ManagedPolicy& mp);
  void load_s3(org::Account& a, Folder& global);
  void read_bpa(const json& cfg, const At& at, resource::BlockPublicAccess& out);
  void load_region(org::Account& a, const std::string& region, Folder& rf);
  void load_kms(org::Account& a, const std::string& region, Folder& f);
  void load_sqs(org::Account& a, const std::string& region, Folder& f);
  void load_sns(org::Account& a, const std::string& region, Folder& f);
  void load_lambda(org::Account& a, const std::string& region, Folder& f);
  void load_secrets(org::Account& a, const std::string& region, Folder& f);
  void load_ecr(org::Account& a, const std::string& region, Folder& f);
  bool load_analyzers(org::Account& a, const std::string& region, Folder& f);
  // Registers a listed id once per listing; false (with duplicate-id) the second time.
  bool first_time(std::unordered_set<std::string>& seen, const std::string& id, const At& at, const char* what);
  Folder service_folder(Folder& rf, const std::string& name);

  const SnapshotSource& src_;
  const LoadOptions& opt_;
  const JsonTreeSource* tree_;
  org::Organization org_;
  bool org_snapshot_ = false;
  bool regions_from_manifest_ = false;
  std::unordered_set<std::string> tree_accounts_;  // accounts placed under a unit of the tree
  std::unordered_set<std::string> bucket_arns_;     // bucket names are global
  // Bundled AWS managed policies: loaded on first need, parsed policies shared by every account.
  bool bundled_tried_ = false;
  std::shared_ptr<const json> bundled_;
  std::unordered_map<std::string, policy::PolicyPtr> bundled_cache_;
};

// ---------------------------------------------------------------------------------------------
// Files

Folder Loader::index(const std::string& path) {
  Folder f;
  f.path = path;
  f.exists = src_.kind(path) == SnapshotSource::Kind::kDirectory;
  if (!f.exists) return f;
  for (const auto& name : src_.list(path)) {
    std::string stem;
    int slot;  // 0 json, 1 error, 2 dir
    if (ends_with(name, ".error.txt")) {
      stem = name.substr(0, name.size() - 10);
      slot = 1;
    } else if (ends_with(name, ".json")) {
      stem = name.substr(0, name.size() - 5);
      slot = 0;
    } else if (!ends_with(name, ".csv") && !ends_with(name, ".txt") &&
               src_.kind(join(path, name)) == SnapshotSource::Kind::kDirectory) {
      stem = name;
      slot = 2;
    } else {
      f.others.push_back(Folder::Other{name, false});
      continue;
    }
    const std::string id = percent_decode(stem);
    auto [it, inserted] = f.entries.try_emplace(id);
    if (inserted) f.order.push_back(id);
    std::string& dest = slot == 0 ? it->second.json : slot == 1 ? it->second.error : it->second.dir;
    if (!dest.empty()) {
      problem(Severity::kError, "duplicate-id", join(path, name), "",
              "the file name decodes to \"" + id + "\" like " + dest + "; ignored");
      continue;
    }
    dest = name;
  }
  return f;
}

Folder Loader::subfolder(Folder& parent, const std::string& stem) {
  auto it = parent.entries.find(stem);
  if (it == parent.entries.end() || it->second.dir.empty()) {
    Folder f;
    f.path = join(parent.path, stem);
    return f;  // a file of that name stays unclaimed and is reported by finish()
  }
  it->second.claimed = true;
  if (!it->second.json.empty()) {
    warn("unknown-file", join(parent.path, it->second.json), "a folder " + it->second.dir + "/ is expected here; the file is ignored");
  }
  if (!it->second.error.empty()) {
    warn("unknown-file", join(parent.path, it->second.error), "a folder " + it->second.dir + "/ is expected here; the file is ignored");
  }
  return index(join(parent.path, it->second.dir));
}

void Loader::finish(Folder& f, const std::string& why) {
  if (!f.exists) return;
  for (const auto& stem : f.order) {
    const auto& e = f.entries[stem];
    if (e.claimed) continue;
    for (const std::string* name : {&e.json, &e.error, &e.dir}) {
      if (name->empty()) continue;
      warn("unknown-file", join(f.path, *name) + (name == &e.dir ? "/" : ""), why + "; ignored");
    }
  }
  for (const auto& o : f.others) {
    if (!o.claimed) warn("unknown-file", join(f.path, o.name), why + "; ignored");
  }
}

std::shared_ptr<const json> Loader::parse_text(std::string text, const std::string& path) {
  std::string_view view(text);
  if (starts_with(view, "\xEF\xBB\xBF")) view.remove_prefix(3);
  if (std::all_of(view.begin(), view.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return std::make_shared<const json>(json::object());  // the CLI prints nothing for some empty results
  }
  try {
    auto doc = std::make_shared<json>();
    policy::DomReader<json> reader(*doc, false);
    reader.read(view);
    if (reader.repeated()) {
      // AWS does not return such documents, so the file was probably edited. Keep the last value,
      // as nlohmann and most JSON readers do, and say so: dropping the file would lose what it
      // holds (an SCP's Deny, say) and could turn a decision into a wrong Allowed.
      problem(Severity::kWarning, "duplicate-key", path, reader.repeated_pointer(),
              policy::duplicate_key_message(reader.repeated_key()) + "; the last value is used");
    }
    return doc;
  } catch (const json::exception& e) {
    problem(Severity::kError, "malformed-json", path, "", std::string("not valid JSON: ") + e.what());
  } catch (const std::exception& e) {
    problem(Severity::kError, "malformed-json", path, "", std::string("cannot parse: ") + e.what());
  }
  return nullptr;
}

std::shared_ptr<const json> Loader::parse_file(const std::string& path) {
  if (tree_) {
    bool file = false;
    const json* n = tree_->node(path, &file);
    if (n && file && !n->is_string()) {
      return std::shared_ptr<const json>(std::shared_ptr<const json>(), n);  // borrowed from the tree
    }
  }
  std::string err;
  auto text = src_.read(path, &err);
  if (!text) {
    problem(Severity::kError, "unreadable-file", path, "", err.empty() ? "cannot read the file" : err);
    return nullptr;
  }
  return parse_text(std::move(*text), path);
}

Doc Loader::load_doc(Folder& f, const std::string& stem) {
  Doc d;
  d.path = join(f.path, escape_id(stem) + ".json");
  Folder::Entry* e = f.take(stem);
  if (!e || (e->json.empty() && e->dir.empty() && e->error.empty())) return d;
  if (!e->json.empty()) d.path = join(f.path, e->json);
  auto check_object = [&](const std::shared_ptr<const json>& v, const std::string& file) {
    if (!v) return false;
    if (!v->is_object()) {
      problem(Severity::kError, "wrong-type", file, "", std::string("expected an object, found ") + type_name(*v));
      return false;
    }
    return true;
  };
  if (!e->json.empty()) {
    if (!e->dir.empty()) {
      problem(Severity::kError, "file-and-folder", join(f.path, e->dir) + "/", "",
              "both " + e->json + " and the page folder " + e->dir + "/ exist; the file is used");
    }
    if (!e->error.empty()) {
      warn("file-and-error", join(f.path, e->error), "both " + e->json + " and " + e->error + " exist; the .json is used");
    }
    auto v = parse_file(d.path);
    if (!check_object(v, d.path)) {
      d.state = Doc::State::kBroken;
      return d;
    }
    d.pages.push_back(Doc::Page{d.path, std::move(v)});
    d.state = Doc::State::kOk;
    return d;
  }
  if (!e->dir.empty()) {
    const std::string dir = join(f.path, e->dir);
    if (!e->error.empty()) {
      warn("file-and-error", join(f.path, e->error), "both the page folder " + e->dir + "/ and " + e->error + " exist; the pages are used");
    }
    std::vector<std::pair<long long, std::string>> pages;
    for (const auto& name : src_.list(dir)) {
      long long n = -1;
      if (starts_with(name, "page-") && ends_with(name, ".json") && name.size() > 10 && name.size() < 30) {
        const std::string digits = name.substr(5, name.size() - 10);
        if (std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) n = std::stoll(digits);
      }
      if (n < 0) {
        warn("unknown-file", join(dir, name), "not a page-NNNN.json page; ignored");
        continue;
      }
      pages.emplace_back(n, name);
    }
    std::sort(pages.begin(), pages.end());
    d.path = dir + "/";
    if (pages.empty()) {
      warn("not-collected", d.path, "the page folder holds no page-NNNN.json");
      d.state = Doc::State::kBroken;
      return d;
    }
    bool all_ok = true;
    for (const auto& [n, name] : pages) {
      const std::string file = join(dir, name);
      auto v = parse_file(file);
      if (!check_object(v, file)) {
        all_ok = false;
        continue;
      }
      d.pages.push_back(Doc::Page{file, std::move(v)});
    }
    // A missing page would silently drop entities: the whole document is unknown.
    d.state = all_ok ? Doc::State::kOk : Doc::State::kBroken;
    if (!all_ok) d.pages.clear();
    return d;
  }
  // Only an error file.
  d.error_file = join(f.path, e->error);
  d.state = Doc::State::kError;
  std::string err;
  auto text = src_.read(d.error_file, &err);
  if (!text) {
    problem(Severity::kError, "unreadable-file", d.error_file, "", err);
    d.error_code = "";
    return d;
  }
  const auto open = text->find('(');
  const auto close = open == std::string::npos ? std::string::npos : text->find(')', open + 1);
  if (close != std::string::npos) d.error_code = text->substr(open + 1, close - open - 1);
  std::string first_line = trim(text->substr(0, text->find('\n')));
  if (first_line.size() > 300) first_line = first_line.substr(0, 300) + "...";
  d.error_text = first_line;
  return d;
}

Status Loader::classify(const Doc& d, Need need, std::initializer_list<const char*> not_found,
                        const std::string& what) {
  Status s;
  switch (d.state) {
    case Doc::State::kOk:
      s.known = Known::kYes;
      return s;
    case Doc::State::kMissing:
      if (need == Need::kOptional) {
        s.known = Known::kAbsent;
        return s;
      }
      warn("not-collected", d.path, what + " was not collected (file absent): unknown");
      s.reason = "not collected";
      return s;
    case Doc::State::kError:
      for (const char* code : not_found) {
        if (d.error_code == code) {
          s.known = Known::kAbsent;
          return s;
        }
      }
      s.reason = d.error_code.empty() ? "error" : d.error_code;
      if (is_authorization_failure(d.error_code)) {
        warn("access-denied", d.error_file, what + " is unknown: " + d.error_text);
      } else {
        warn("collection-error", d.error_file,
             what + " is unknown (" + (d.error_code.empty() ? "no error code in ( )" : d.error_code) + "): " + d.error_text);
      }
      return s;
    case Doc::State::kBroken:
      s.reason = "malformed";
      return s;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// JSON access

const json* Loader::field(const json& obj, const At& at, const char* key, Want want, bool required) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || (it->is_null() && want != Want::kAny)) {
    if (required) error("missing-field", at.child(key), std::string("\"") + key + "\" is missing");
    return nullptr;
  }
  if (!has_type(*it, want)) {
    error("wrong-type", at.child(key), std::string("expected ") + want_name(want) + ", found " + type_name(*it));
    return nullptr;
  }
  return &*it;
}

std::string Loader::timestamp(const json& obj, const At& at, const char* key) {
  const json* v = field(obj, at, key, Want::kAny, false);
  if (!v || v->is_null()) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number()) return iso_from_epoch(v->get<double>());
  error("wrong-type", at.child(key), std::string("expected a timestamp, found ") + type_name(*v));
  return {};
}

void Loader::items(const json& obj, const At& at, const char* key, bool required,
                   const std::function<void(const json&, const At&)>& fn) {
  const json* list = field(obj, at, key, Want::kArray, required);
  if (!list) return;
  const At base = at.child(key);
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    const At where = base.child(i);
    if (!item.is_object()) {
      error("wrong-type", where, std::string("expected an object, found ") + type_name(item));
      continue;
    }
    fn(item, where);
  }
}

void Loader::items(const Doc& d, const char* key, bool required, const std::function<void(const json&, const At&)>& fn) {
  if (!d.ok()) return;
  for (std::size_t p = 0; p < d.pages.size(); ++p) {
    // Required on page 1 only: a later page may omit an empty list.
    items(*d.pages[p].value, At{&d.pages[p].file, ""}, key, required && p == 0, fn);
  }
}

const json* Loader::top(const Doc& d, const char* key, Want want, bool required, At* at_out) {
  if (!d.ok()) return nullptr;
  const At at{&d.pages.front().file, ""};
  if (at_out) *at_out = at.child(key);
  return field(d.root(), at, key, want, required);
}

// ---------------------------------------------------------------------------------------------
// Policies

policy::PolicyPtr Loader::parse_policy(const json& value, const At& at, const std::string& name) {
  std::string text;
  if (value.is_object()) {
    if (deeper_than(value, policy::kMaxJsonDepth)) {
      error("policy-parse-error", at, "too-deep: the policy nests deeper than " + std::to_string(policy::kMaxJsonDepth) + " levels");
      return nullptr;
    }
    try {
      text = value.dump();
    } catch (const std::exception& e) {
      error("policy-parse-error", at, std::string("invalid-json: ") + e.what());
      return nullptr;
    }
  } else if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    std::size_t b = 0;
    while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    // The raw IAM API returns documents URL-encoded (RFC 3986); a JSON text starts with '{'.
    if (b < s.size() && s[b] == '%') text = percent_decode(s);
    else text = s;
  } else {
    error("wrong-type", at, std::string("expected a policy document (an object or a JSON string), found ") + type_name(value));
    return nullptr;
  }
  try {
    std::string repeated;
    policy::Policy::ParseOptions options;
    options.keep_last_repeated_key = true;  // a document AWS stored: report, do not drop
    options.repeated_key_pointer = &repeated;
    auto p = policy::Policy::parse(text, name, options);
    if (!repeated.empty()) {
      warn_at("duplicate-key", At{at.file, at.ptr + repeated},
              "a key appears more than once in one object of the policy document; the last value is used");
    }
    return p;
  } catch (const policy::ParseError& e) {
    error("policy-parse-error", At{at.file, at.ptr + e.json_pointer()}, e.code() + ": " + e.message());
  } catch (const std::exception& e) {
    error("policy-parse-error", at, std::string("cannot parse the policy: ") + e.what());
  }
  return nullptr;
}

void Loader::resource_policy(Resource& r, const json* value, const At& at) {
  if (!value || value->is_null() || (value->is_string() && trim(value->get_ref<const std::string&>()).empty())) {
    r.policy_known = Known::kAbsent;
    return;
  }
  r.policy = parse_policy(*value, at, r.arn);
  if (r.policy) {
    r.policy_known = Known::kYes;
  } else {
    r.policy_known = Known::kUnknown;
    r.policy_error = "policy-parse-error";
  }
}

bool Loader::first_time(std::unordered_set<std::string>& seen, const std::string& id, const At& at, const char* what) {
  if (seen.insert(id).second) return true;
  error("duplicate-id", at, std::string(what) + " \"" + id + "\" is listed twice; the first entry is used");
  return false;
}

// ---------------------------------------------------------------------------------------------
// Manifest and organization

void Loader::load_manifest(Folder& root) {
  Doc d = load_doc(root, "manifest");
  if (d.state == Doc::State::kMissing) {
    problem(Severity::kError, "manifest-missing", "manifest.json", "",
            "no manifest.json: regions are taken from the accounts/<id>/regions/ folders");
    return;
  }
  if (!d.ok()) {
    if (d.state == Doc::State::kError) {
      problem(Severity::kError, "manifest-invalid", d.error_file, "", "an error file instead of manifest.json");
    }
    return;
  }
  const json& m = d.root();
  const At at{&d.pages.front().file, ""};
  if (const json* v = field(m, at, "format_version", Want::kAny, true)) {
    if (!(v->is_number() && v->get<double>() == 1.0)) {
      error("manifest-invalid", at.child("format_version"), "format_version " + v->dump() + " is not 1; loading as version 1");
    }
  }
  if (const json* v = field(m, at, "collected_at", Want::kAny, true)) {
    if (v->is_string()) org_.collected_at = v->get<std::string>();
    else if (v->is_number()) org_.collected_at = iso_from_epoch(v->get<double>());
    else error("wrong-type", at.child("collected_at"), std::string("expected a timestamp, found ") + type_name(*v));
  }
  if (const json* v = field(m, at, "partition", Want::kString, true)) {
    const auto p = v->get<std::string>();
    if (p != "aws" && p != "aws-cn" && p != "aws-us-gov") {
      error("manifest-invalid", at.child("partition"), "unknown partition \"" + p + "\" (aws, aws-cn, aws-us-gov); used as given");
    }
    if (!p.empty()) org_.partition = p;
  }
  org_.collector_account_id = str(m, at, "collector_account_id", true);
  if (!org_.collector_account_id.empty() && !is_account_id(org_.collector_account_id)) {
    error("manifest-invalid", at.child("collector_account_id"), "\"" + org_.collector_account_id + "\" is not a 12-digit account id");
  }
  if (const json* v = field(m, at, "regions", Want::kArray, true)) {
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < v->size(); ++i) {
      const json& r = (*v)[i];
      if (!r.is_string() || r.get_ref<const std::string&>().empty()) {
        error("manifest-invalid", at.child("regions").child(i), std::string("a region must be a non-empty string, found ") + type_name(r));
        continue;
      }
      if (seen.insert(r.get<std::string>()).second) org_.regions.push_back(r.get<std::string>());
    }
    regions_from_manifest_ = true;
  }
}

void Loader::load_organization(Folder& orgf) {
  Doc d;
  // describe-organization: the organization id and the management account.
  if (load(orgf, "describe-organization", Need::kRequired, {}, "the organization", d).known == Known::kYes) {
    At at;
    if (const json* o = top(d, "Organization", Want::kObject, true, &at)) {
      org_.id = str(*o, at, "Id", true);
      org_.management_account_id = str(*o, at, "MasterAccountId", true);
    }
  }
  // list-roots: the root and the enabled policy types.
  Doc roots;
  std::vector<std::string> queue;
  const bool roots_known = load(orgf, "list-roots", Need::kRequired, {}, "the organization root", roots).known == Known::kYes;
  if (roots_known) {
    items(roots, "Roots", true, [&](const json& r, const At& at) {
      const std::string id = str(r, at, "Id", true);
      if (id.empty()) return;
      if (org_.units.count(id)) {
        error("duplicate-id", at.child("Id"), "root " + id + " is listed twice");
        return;
      }
      org::OrgUnit& u = org_.units[id];
      u.id = id;
      u.name = str(r, at, "Name");
      u.arn = str(r, at, "Arn");
      if (org_.root_id.empty()) org_.root_id = id;
      items(r, at, "PolicyTypes", false, [&](const json& t, const At& tat) {
        if (str(t, tat, "Status") != "ENABLED") return;
        const std::string type = str(t, tat, "Type");
        if (type == "SERVICE_CONTROL_POLICY") org_.scp_enabled = true;
        if (type == "RESOURCE_CONTROL_POLICY") org_.rcp_enabled = true;
      });
      // Without describe-organization the root ARN still names the organization:
      // arn:aws:organizations::<management>:root/o-xxx/r-xxx
      if (org_.id.empty() && !u.arn.empty()) {
        const auto slash = u.arn.find("/o-");
        if (slash != std::string::npos) org_.id = u.arn.substr(slash + 1, u.arn.find('/', slash + 1) - slash - 1);
        const auto parts = u.arn.find("::");
        if (org_.management_account_id.empty() && parts != std::string::npos) {
          org_.management_account_id = u.arn.substr(parts + 2, u.arn.find(':', parts + 2) - parts - 2);
        }
      }
      queue.push_back(id);
    });
  }
  // The tree: OUs and accounts of every unit, breadth first from the root.
  Folder ous = subfolder(orgf, "list-organizational-units-for-parent");
  Folder accts = subfolder(orgf, "list-accounts-for-parent");
  for (std::size_t qi = 0; qi < queue.size(); ++qi) {
    const std::string parent = queue[qi];
    Doc od;
    load(ous, parent, Need::kRequired, {}, "the OUs under " + parent, od);
    items(od, "OrganizationalUnits", true, [&](const json& o, const At& at) {
      const std::string id = str(o, at, "Id", true);
      if (id.empty()) return;
      if (org_.units.count(id)) {
        error("duplicate-id", at.child("Id"), "unit " + id + " appears twice in the tree; the first place is kept");
        return;
      }
      org::OrgUnit& u = org_.units[id];
      u.id = id;
      u.name = str(o, at, "Name");
      u.arn = str(o, at, "Arn");
      u.parent_id = parent;
      org_.units[parent].child_units.push_back(id);
      queue.push_back(id);
    });
    Doc ad;
    load(accts, parent, Need::kRequired, {}, "the accounts under " + parent, ad);
    items(ad, "Accounts", true, [&](const json& o, const At& at) {
      const std::string id = str(o, at, "Id", true);
      if (id.empty()) return;
      if (tree_accounts_.count(id)) {
        error("duplicate-id", at.child("Id"), "account " + id + " appears under two units; the first place is kept");
        return;
      }
      tree_accounts_.insert(id);
      org::Account& a = org_.accounts[id];
      a.id = id;
      a.name = str(o, at, "Name");
      a.email = str(o, at, "Email");
      a.status = str(o, at, "Status");
      a.arn = str(o, at, "Arn");
      a.parent_id = parent;
      org_.units[parent].accounts.push_back(id);
    });
  }
  if (roots_known) {  // else every file here is unchecked (the missing root is reported)
    finish(ous, "not a unit of the organization tree");
    finish(accts, "not a unit of the organization tree");
  }
  // list-accounts (optional): details, and members the tree does not place.
  Doc la;
  if (load(orgf, "list-accounts", Need::kOptional, {}, "the account list", la).known == Known::kYes) {
    std::unordered_set<std::string> seen;
    items(la, "Accounts", true, [&](const json& o, const At& at) {
      const std::string id = str(o, at, "Id", true);
      if (id.empty() || !first_time(seen, id, at.child("Id"), "account")) return;
      org::Account& a = org_.accounts[id];
      a.id = id;
      if (a.name.empty()) a.name = str(o, at, "Name");
      if (a.email.empty()) a.email = str(o, at, "Email");
      if (a.status.empty()) a.status = str(o, at, "Status");
      if (a.arn.empty()) a.arn = str(o, at, "Arn");
      if (!tree_accounts_.count(id)) {
        warn_at("account-not-in-tree", at,
                "account " + id + " is a member but under no root or OU of the collected tree: no SCP/RCP of the tree applies");
      }
    });
  }
  load_org_policies(orgf);
}

void Loader::attach(const std::string& policy_id, org::OrgPolicyType type, const std::string& target, const At& at) {
  std::vector<std::string>* ids = nullptr;
  if (auto u = org_.units.find(target); u != org_.units.end()) {
    ids = type == org::OrgPolicyType::kServiceControlPolicy ? &u->second.scp_ids : &u->second.rcp_ids;
  } else if (auto a = org_.accounts.find(target); a != org_.accounts.end()) {
    ids = type == org::OrgPolicyType::kServiceControlPolicy ? &a->second.scp_ids : &a->second.rcp_ids;
  }
  if (!ids) {
    error("unknown-target", at, "policy " + policy_id + " is attached to " + target + ", which is not in the organization tree");
    return;
  }
  ids->push_back(policy_id);
}

void Loader::load_org_policies(Folder& orgf) {
  struct TypeInfo {
    const char* filter;
    org::OrgPolicyType type;
    bool enabled;
  };
  const TypeInfo types[] = {{"SERVICE_CONTROL_POLICY", org::OrgPolicyType::kServiceControlPolicy, org_.scp_enabled},
                            {"RESOURCE_CONTROL_POLICY", org::OrgPolicyType::kResourceControlPolicy, org_.rcp_enabled}};
  Folder listf = subfolder(orgf, "list-policies");
  Folder describef = subfolder(orgf, "describe-policy");
  Folder targetsf = subfolder(orgf, "list-targets-for-policy");
  Folder bytargetf = subfolder(orgf, "list-policies-for-target");
  std::vector<std::string> order;  // policy ids in listing order

  auto add_policy = [&](const json& s, const At& at, org::OrgPolicyType type) -> bool {
    const std::string id = str(s, at, "Id", true);
    if (id.empty()) return false;
    if (org_.policies.count(id)) return false;
    org::OrgPolicy& p = org_.policies[id];
    p.id = id;
    p.name = str(s, at, "Name");
    p.arn = str(s, at, "Arn");
    p.type = type;
    p.aws_managed = boolean(s, at, "AwsManaged");
    order.push_back(id);
    return true;
  };

  // list-policies-for-target/<FILTER>/<target>.json, read first: when list-policies of a type was
  // not collected, the summaries here still define the policies.
  struct ByTarget {
    std::string target;
    org::OrgPolicyType type;
    Doc doc;
  };
  std::vector<ByTarget> by_target;
  bool listed[2] = {false, false};
  bool all_listed = true;  // false: describe-policy files cannot all be checked against a listing
  for (int t = 0; t < 2; ++t) {
    Doc d;
    const Need need = types[t].enabled ? Need::kRequired : Need::kOptional;
    const Status st = load(listf, types[t].filter, need, {}, std::string("the ") + types[t].filter + " list", d);
    if (st.known == Known::kUnknown) all_listed = false;
    if (st.known != Known::kYes) continue;
    listed[t] = true;
    std::unordered_set<std::string> seen;
    items(d, "Policies", true, [&](const json& s, const At& at) {
      const std::string id = str(s, at, "Id", true);
      if (id.empty() || !first_time(seen, id, at.child("Id"), "policy")) return;
      if (org_.policies.count(id)) {
        error("duplicate-id", at.child("Id"), "policy " + id + " is listed under two policy types");
        return;
      }
      add_policy(s, at, types[t].type);
    });
  }
  finish(listf, "not a policy type this loader reads (SCP, RCP)");
  for (int t = 0; t < 2; ++t) {
    Folder ff = subfolder(bytargetf, types[t].filter);
    for (const auto& target : ff.order) {
      ByTarget bt{target, types[t].type, load_doc(ff, target)};
      classify(bt.doc, Need::kRequired, {}, "the policies attached to " + target);
      items(bt.doc, "Policies", true, [&](const json& s, const At& at) {
        if (!listed[t]) add_policy(s, at, types[t].type);
      });
      by_target.push_back(std::move(bt));
    }
    finish(ff, "unexpected file");
  }
  finish(bytargetf, "not a policy type this loader reads (SCP, RCP)");
  const bool have_by_target = bytargetf.exists;

  for (const auto& id : order) {
    org::OrgPolicy& p = org_.policies[id];
    Doc d;
    if (load(describef, id, Need::kRequired, {}, "policy " + id, d).known == Known::kYes) {
      At at;
      if (const json* pol = top(d, "Policy", Want::kObject, true, &at)) {
        if (const json* sum = field(*pol, at, "PolicySummary", Want::kObject, false)) {
          const At sat = at.child("PolicySummary");
          if (p.name.empty()) p.name = str(*sum, sat, "Name");
          if (p.arn.empty()) p.arn = str(*sum, sat, "Arn");
        }
        if (const json* content = field(*pol, at, "Content", Want::kAny, true)) {
          p.document = parse_policy(*content, at.child("Content"), p.name.empty() ? id : p.name);
        }
      }
    }
    Doc td;
    const Status ts = load(targetsf, id, have_by_target ? Need::kOptional : Need::kRequired, {}, "the targets of policy " + id, td);
    if (ts.known == Known::kYes) {
      items(td, "Targets", true, [&](const json& t, const At& at) {
        const std::string target = str(t, at, "TargetId", true);
        if (!target.empty()) attach(id, p.type, target, at.child("TargetId"));
      });
    }
  }
  if (all_listed) {
    finish(describef, "not a listed policy");
    finish(targetsf, "not a listed policy");
  }

  for (const auto& bt : by_target) {
    if (!org_.units.count(bt.target) && !org_.accounts.count(bt.target)) {
      error("unknown-target", At{&bt.doc.path, ""}, "policies are attached to " + bt.target + ", which is not in the organization tree");
      continue;
    }
    items(bt.doc, "Policies", true, [&](const json& s, const At& at) {
      const std::string id = str(s, at, "Id", false);
      if (id.empty()) return;
      auto it = org_.policies.find(id);
      if (it == org_.policies.end() || it->second.type != bt.type) {
        error("unknown-policy", at.child("Id"), "policy " + id + " is not in list-policies of that type");
        return;
      }
      attach(id, bt.type, bt.target, at.child("Id"));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// IAM

void Loader::load_iam(org::Account& a, Folder& iamf) {
  Doc d;
  if (load(iamf, "get-account-authorization-details", Need::kRequired, {}, "IAM (get-account-authorization-details)", d).known ==
      Known::kYes) {
    a.iam.collected = true;
    load_authorization_details(a, d);
  }
  // Password policy: NoSuchEntity (or no file) = no password policy.
  Doc pp;
  const Status ps = load(iamf, "get-account-password-policy", Need::kOptional, {"NoSuchEntity"}, "the password policy", pp);
  a.password_policy.known = ps.known != Known::kUnknown;
  if (ps.known == Known::kYes) {
    At at;
    if (const json* p = top(pp, "PasswordPolicy", Want::kObject, true, &at)) {
      auto integer = [&](const char* key) {
        const json* v = field(*p, at, key, Want::kInteger, false);
        return v ? static_cast<int>(std::clamp(v->get<double>(), -1e9, 1e9)) : 0;
      };
      a.password_policy.exists = true;
      a.password_policy.minimum_length = integer("MinimumPasswordLength");
      a.password_policy.reuse_prevention = integer("PasswordReusePrevention");
      a.password_policy.max_age_days = integer("MaxPasswordAge");
      a.password_policy.require_symbols = boolean(*p, at, "RequireSymbols");
      a.password_policy.require_numbers = boolean(*p, at, "RequireNumbers");
      a.password_policy.require_uppercase = boolean(*p, at, "RequireUppercaseCharacters");
      a.password_policy.require_lowercase = boolean(*p, at, "RequireLowercaseCharacters");
      a.password_policy.expire_passwords = boolean(*p, at, "ExpirePasswords");
    } else {
      a.password_policy.known = false;
    }
  }
  // Account summary.
  Doc sd;
  if (load(iamf, "get-account-summary", Need::kRequired, {}, "the IAM account summary", sd).known == Known::kYes) {
    At at;
    if (const json* m = top(sd, "SummaryMap", Want::kObject, true, &at)) {
      a.account_summary_known = true;
      for (auto it = m->begin(); it != m->end(); ++it) {
        if (!has_type(it.value(), Want::kInteger)) {
          error("wrong-type", at.child(it.key()), std::string("expected an integer, found ") + type_name(it.value()));
          continue;
        }
        a.account_summary[it.key()] = it.value().is_number_float()
                                          ? static_cast<long long>(it.value().get<double>())
                                          : it.value().is_number_unsigned()
                                                ? static_cast<long long>(std::min<std::uint64_t>(it.value().get<std::uint64_t>(), INT64_MAX))
                                                : it.value().get<long long>();
      }
    }
  }
  // Credential report: the CSV wins over get-credential-report.json (base64 Content).
  const std::string csv_path = join(iamf.path, "credential-report.csv");
  if (iamf.take_other("credential-report.csv")) {
    std::string err;
    auto text = src_.read(csv_path, &err);
    if (text) {
      a.credential_report_csv = std::move(*text);
      a.credential_report_known = true;
    } else {
      problem(Severity::kError, "unreadable-file", csv_path, "", err);
    }
    if (auto* e = iamf.take("get-credential-report")) {
      (void)e;  // the JSON form is superseded by the CSV
    }
    iamf.take("credential-report");
  } else {
    Doc cr;
    Status cs = load(iamf, "get-credential-report", Need::kOptional, {}, "the credential report", cr);
    if (cs.known == Known::kAbsent) {
      // An error file may sit next to either name.
      Doc ce;
      cs = load(iamf, "credential-report", Need::kOptional, {}, "the credential report", ce);
      if (cs.known == Known::kAbsent) warn("not-collected", csv_path, "the credential report was not collected: unknown");
    }
    if (cs.known == Known::kYes && cr.ok()) {
      At at;
      if (const json* c = top(cr, "Content", Want::kString, true, &at)) {
        if (auto decoded = base64_decode(c->get_ref<const std::string&>())) {
          a.credential_report_csv = std::move(*decoded);
          a.credential_report_known = true;
        } else {
          warn_at("invalid-value", at, "Content is not base64: the credential report is unknown");
        }
      }
    }
  }
  // Optional: root's virtual MFA, server certificates.
  Doc md;
  if (load(iamf, "list-virtual-mfa-devices", Need::kOptional, {}, "the virtual MFA devices", md).known == Known::kYes) {
    a.virtual_mfa_known = true;
    items(md, "VirtualMFADevices", true, [&](const json& dev, const At& at) {
      const std::string serial = str(dev, at, "SerialNumber", true);
      std::string user_arn;
      if (const json* u = field(dev, at, "User", Want::kObject, false)) user_arn = str(*u, at.child("User"), "Arn");
      if (ends_with(user_arn, ":root") || ends_with(serial, "/root-account-mfa-device")) {
        if (a.root_mfa_serial.empty()) a.root_mfa_serial = serial;
      }
    });
  }
  Doc cd;
  if (load(iamf, "list-server-certificates", Need::kOptional, {}, "the server certificates", cd).known == Known::kYes) {
    a.server_certificates_known = true;
    items(cd, "ServerCertificateMetadataList", true, [&](const json& c, const At& at) {
      org::Account::ServerCertificate sc;
      sc.name = str(c, at, "ServerCertificateName", true);
      sc.arn = str(c, at, "Arn", true);
      sc.expiration = timestamp(c, at, "Expiration");
      a.server_certificates.push_back(std::move(sc));
    });
  }
  finish(iamf, "not a file of LAYOUT.md");
}

void Loader::load_authorization_details(org::Account& a, const Doc& d) {
  iam::AccountIam& out = a.iam;
  std::unordered_set<std::string> arns, group_names;
  std::vector<std::pair<std::string, At>> policy_refs;  // attached / boundary ARNs, where they appear
  std::vector<std::pair<std::string, At>> group_refs;

  auto inline_policies = [&](const json& obj, const At& at, const char* key, std::vector<iam::InlinePolicy>& dest) {
    items(obj, at, key, false, [&](const json& p, const At& pat) {
      iam::InlinePolicy ip;
      ip.name = str(p, pat, "PolicyName", true);
      if (const json* doc = field(p, pat, "PolicyDocument", Want::kAny, true)) {
        ip.document = parse_policy(*doc, pat.child("PolicyDocument"), ip.name);
      }
      dest.push_back(std::move(ip));
    });
  };
  auto attached = [&](const json& obj, const At& at, std::vector<std::string>& dest) {
    items(obj, at, "AttachedManagedPolicies", false, [&](const json& p, const At& pat) {
      const std::string arn = str(p, pat, "PolicyArn", true);
      if (arn.empty()) return;
      if (std::find(dest.begin(), dest.end(), arn) == dest.end()) dest.push_back(arn);
      policy_refs.emplace_back(arn, pat.child("PolicyArn"));
    });
  };
  auto principal = [&](const json& obj, const At& at, const char* name_key, const char* id_key, iam::Principal& p) {
    p.name = str(obj, at, name_key, true);
    p.arn = str(obj, at, "Arn", true);
    p.id = str(obj, at, id_key);
    if (const json* path = field(obj, at, "Path", Want::kString, false)) p.path = path->get<std::string>();
    p.create_date = timestamp(obj, at, "CreateDate");
    attached(obj, at, p.attached_policy_arns);
    if (const json* b = field(obj, at, "PermissionsBoundary", Want::kObject, false)) {
      p.permissions_boundary_arn = str(*b, at.child("PermissionsBoundary"), "PermissionsBoundaryArn", true);
      if (!p.permissions_boundary_arn.empty()) {
        policy_refs.emplace_back(p.permissions_boundary_arn, at.child("PermissionsBoundary").child("PermissionsBoundaryArn"));
      }
    }
    items(obj, at, "Tags", false, [&](const json& t, const At& tat) {
      p.tags.push_back(iam::Tag{str(t, tat, "Key", true), str(t, tat, "Value")});
    });
    return !p.name.empty() && !p.arn.empty();
  };

  items(d, "UserDetailList", true, [&](const json& u, const At& at) {
    iam::User user;
    if (!principal(u, at, "UserName", "UserId", user)) return;
    if (!first_time(arns, user.arn, at.child("Arn"), "user")) return;
    inline_policies(u, at, "UserPolicyList", user.inline_policies);
    if (const json* gl = field(u, at, "GroupList", Want::kArray, false)) {
      for (std::size_t i = 0; i < gl->size(); ++i) {
        const At gat = at.child("GroupList").child(i);
        if (!(*gl)[i].is_string()) {
          error("wrong-type", gat, std::string("expected a group name, found ") + type_name((*gl)[i]));
          continue;
        }
        user.groups.push_back((*gl)[i].get<std::string>());
        group_refs.emplace_back(user.groups.back(), gat);
      }
    }
    out.users.push_back(std::move(user));
  });
  items(d, "GroupDetailList", true, [&](const json& g, const At& at) {
    iam::Group group;
    group.name = str(g, at, "GroupName", true);
    group.arn = str(g, at, "Arn", true);
    group.id = str(g, at, "GroupId");
    if (group.name.empty() || group.arn.empty()) return;
    if (!first_time(group_names, group.name, at.child("GroupName"), "group")) return;
    if (const json* path = field(g, at, "Path", Want::kString, false)) group.path = path->get<std::string>();
    inline_policies(g, at, "GroupPolicyList", group.inline_policies);
    attached(g, at, group.attached_policy_arns);
    out.groups.push_back(std::move(group));
  });
  items(d, "RoleDetailList", true, [&](const json& r, const At& at) {
    iam::Role role;
    if (!principal(r, at, "RoleName", "RoleId", role)) return;
    if (!first_time(arns, role.arn, at.child("Arn"), "role")) return;
    inline_policies(r, at, "RolePolicyList", role.inline_policies);
    if (const json* trust = field(r, at, "AssumeRolePolicyDocument", Want::kAny, true)) {
      role.trust_policy = parse_policy(*trust, at.child("AssumeRolePolicyDocument"), role.arn);
    }
    items(r, at, "InstanceProfileList", false, [&](const json& ip, const At& iat) {
      const std::string arn = str(ip, iat, "Arn", true);
      if (!arn.empty()) role.instance_profiles.push_back(arn);
    });
    if (const json* lu = field(r, at, "RoleLastUsed", Want::kObject, false)) {
      role.last_used_known = true;
      role.last_used_date = timestamp(*lu, at.child("RoleLastUsed"), "LastUsedDate");
    }
    out.roles.push_back(std::move(role));
  });
  items(d, "Policies", true, [&](const json& p, const At& at) {
    iam::ManagedPolicy mp;
    mp.arn = str(p, at, "Arn", true);
    if (mp.arn.empty()) return;
    const auto marker = mp.arn.find(":policy/");
    // moto 5.1-5.2 omits PolicyName and PolicyId; AWS always sends them. The name is the ARN's last segment.
    mp.name = str(p, at, "PolicyName");
    if (mp.name.empty()) mp.name = mp.arn.substr(mp.arn.rfind('/') + 1);
    mp.id = str(p, at, "PolicyId");
    if (const json* path = field(p, at, "Path", Want::kString, false)) {
      mp.path = path->get<std::string>();
    } else if (marker != std::string::npos) {
      mp.path = mp.arn.substr(marker + 7, mp.arn.rfind('/') - (marker + 7) + 1);
    }
    mp.default_version_id = str(p, at, "DefaultVersionId");
    if (const json* n = field(p, at, "AttachmentCount", Want::kInteger, false)) {
      mp.attachment_count = static_cast<int>(std::clamp(n->get<double>(), -1e9, 1e9));
    }
    mp.aws_managed = mp.arn.find(":iam::aws:policy/") != std::string::npos;
    if (out.managed_policies.count(mp.arn)) {
      error("duplicate-id", at.child("Arn"), "managed policy " + mp.arn + " is listed twice; the first entry is used");
      return;
    }
    // The default version: IsDefaultVersion true, else DefaultVersionId, else the only version.
    const json* versions = field(p, at, "PolicyVersionList", Want::kArray, true);
    if (versions) {
      const At vat = at.child("PolicyVersionList");
      std::size_t chosen = versions->size();
      for (std::size_t i = 0; i < versions->size() && chosen == versions->size(); ++i) {
        const json& v = (*versions)[i];
        if (!v.is_object()) continue;
        auto d = v.find("IsDefaultVersion");
        if (d != v.end() && d->is_boolean() && d->get<bool>()) chosen = i;
      }
      for (std::size_t i = 0; i < versions->size() && chosen == versions->size(); ++i) {
        const json& v = (*versions)[i];
        auto vid = v.is_object() ? v.find("VersionId") : v.end();
        if (v.is_object() && !mp.default_version_id.empty() && vid != v.end() && vid->is_string() &&
            vid->get_ref<const std::string&>() == mp.default_version_id) {
          chosen = i;
        }
      }
      if (chosen == versions->size() && versions->size() == 1) chosen = 0;
      if (chosen == versions->size()) {
        error("missing-field", vat, "no default version (IsDefaultVersion) among " + std::to_string(versions->size()) +
                                        " versions of " + mp.arn + ": its document is unknown");
      } else if (!(*versions)[chosen].is_object()) {
        error("wrong-type", vat.child(chosen), std::string("expected an object, found ") + type_name((*versions)[chosen]));
      } else {
        const json& v = (*versions)[chosen];
        if (mp.default_version_id.empty()) mp.default_version_id = str(v, vat.child(chosen), "VersionId");
        if (const json* doc = field(v, vat.child(chosen), "Document", Want::kAny, true)) {
          mp.document = parse_policy(*doc, vat.child(chosen).child("Document"), mp.name);
        }
      }
    }
    out.managed_policies.emplace(mp.arn, std::move(mp));
  });

  for (const auto& [name, at] : group_refs) {
    if (!group_names.count(name)) {
      error("unknown-group", at, "group \"" + name + "\" is not in GroupDetailList");
    }
  }
  resolve_managed_policies(a, policy_refs);
}

void Loader::resolve_managed_policies(org::Account& a, const std::vector<std::pair<std::string, At>>& refs) {
  std::unordered_set<std::string> reported;
  for (const auto& [arn, at] : refs) {
    if (a.iam.managed_policies.count(arn) || reported.count(arn)) continue;
    const bool aws_managed = arn.find(":iam::aws:policy/") != std::string::npos;
    if (!aws_managed) {
      reported.insert(arn);
      error("unknown-policy", at, "managed policy " + arn + " is not in the Policies list of get-account-authorization-details");
      continue;
    }
    iam::ManagedPolicy mp;
    if (bundled_policy(arn, mp)) {
      a.iam.managed_policies.emplace(arn, std::move(mp));
      continue;
    }
    reported.insert(arn);
    warn_at("unresolved-managed-policy", at,
            "AWS managed policy " + arn + " is attached but neither in the snapshot nor in the bundled data" +
                (opt_.managed_policies_path.empty() ? std::string(" (no managed_policies_path given)") : std::string()) +
                ": its permissions are unknown");
  }
}

policy::PolicyPtr Loader::bundled_policy(const std::string& arn, iam::ManagedPolicy& mp) {
  if (opt_.managed_policies_path.empty()) return nullptr;
  if (!bundled_tried_) {
    bundled_tried_ = true;
    std::ifstream in(opt_.managed_policies_path, std::ios::binary);
    if (!in) {
      problem(Severity::kWarning, "bundled-data-error", opt_.managed_policies_path, "", "cannot open the bundled managed policies");
    } else {
      std::ostringstream buf;
      buf << in.rdbuf();
      try {
        auto j = std::make_shared<json>(json::parse(buf.str()));
        if (!j->is_object()) {
          problem(Severity::kWarning, "bundled-data-error", opt_.managed_policies_path, "",
                  "expected an object of policies by name");
        } else {
          bundled_ = std::move(j);
        }
      } catch (const std::exception& e) {
        problem(Severity::kWarning, "bundled-data-error", opt_.managed_policies_path, "", std::string("not valid JSON: ") + e.what());
      }
    }
  }
  if (!bundled_) return nullptr;
  // arn:<partition>:iam::aws:policy/<path><name>
  const auto marker = arn.find(":policy/");
  if (marker == std::string::npos) return nullptr;
  const std::string name = arn.substr(arn.rfind('/') + 1);
  const std::string path = arn.substr(marker + 7, arn.rfind('/') - (marker + 7) + 1);
  auto it = bundled_->find(name);
  if (it == bundled_->end() || !it->is_object()) return nullptr;
  const json& e = *it;
  // When the bundled entry gives its ARN or path, it must be the same policy.
  if (auto a = e.find("Arn"); a != e.end() && a->is_string()) {
    const std::string& barn = a->get_ref<const std::string&>();
    const auto bm = barn.find(":policy/");
    if (bm == std::string::npos || barn.substr(bm) != arn.substr(marker)) return nullptr;
  } else if (auto p = e.find("Path"); p != e.end() && p->is_string() && p->get<std::string>() != path) {
    return nullptr;
  }
  auto cached = bundled_cache_.find(name);
  if (cached == bundled_cache_.end()) {
    policy::PolicyPtr doc;
    const std::string file = opt_.managed_policies_path;
    if (auto d = e.find("Document"); d != e.end()) {
      doc = parse_policy(*d, At{&file, pointer_child(pointer_child("", name), "Document")}, name);
    }
    cached = bundled_cache_.emplace(name, doc).first;
  }
  if (!cached->second) return nullptr;
  mp.arn = arn;
  mp.name = name;
  mp.path = path.empty() ? "/" : path;
  mp.aws_managed = true;
  mp.from_bundled_data = true;
  if (auto v = e.find("DefaultVersionId"); v != e.end() && v->is_string()) mp.default_version_id = v->get<std::string>();
  else if (auto v2 = e.find("VersionId"); v2 != e.end() && v2->is_string()) mp.default_version_id = v2->get<std::string>();
  if (auto id = e.find("PolicyId"); id != e.end() && id->is_string()) mp.id = id->get<std::string>();
  mp.document = cached->second;
  return mp.document;
}

// ---------------------------------------------------------------------------------------------
// S3

void Loader::read_bpa(const json& cfg, const At& at, resource::BlockPublicAccess& out) {
  out.block_public_acls = boolean(cfg, at, "BlockPublicAcls");
  out.ignore_public_acls = boolean(cfg, at, "IgnorePublicAcls");
  out.block_public_policy = boolean(cfg, at, "BlockPublicPolicy");
  out.restrict_public_buckets = boolean(cfg, at, "RestrictPublicBuckets");
  out.known = Known::kYes;
}

void Loader::load_s3(org::Account& a, Folder& global) {
  // Account-level Block Public Access (s3control).
  Folder s3c = subfolder(global, "s3control");
  if (!s3c.exists) {
    warn("not-collected", s3c.path + "/", "account-level Block Public Access was not collected: unknown");
    a.block_public_access.known = Known::kUnknown;
  } else {
    Doc d;
    const Status s = load(s3c, "get-public-access-block", Need::kOptional, {"NoSuchPublicAccessBlockConfiguration"},
                          "account-level Block Public Access", d);
    a.block_public_access = resource::BlockPublicAccess{};
    a.block_public_access.known = s.known;
    if (s.known == Known::kYes) {
      At at;
      if (const json* cfg = top(d, "PublicAccessBlockConfiguration", Want::kObject, true, &at)) read_bpa(*cfg, at, a.block_public_access);
      else a.block_public_access.known = Known::kUnknown;
    }
    finish(s3c, "not a file of LAYOUT.md");
  }

  Folder s3 = subfolder(global, "s3api");
  if (!s3.exists) {
    warn("not-collected", s3.path + "/", "S3 buckets were not collected: unknown");
    return;
  }
  Doc lb;
  if (load(s3, "list-buckets", Need::kRequired, {}, "the bucket list", lb).known != Known::kYes) {
    // The listing is unknown: its per-resource files cannot be checked (already reported).
    s3.take_all({"get-bucket-policy", "get-bucket-acl", "get-public-access-block", "get-bucket-ownership-controls", "get-bucket-location", "get-bucket-policy-status"});
    finish(s3, "not a file of LAYOUT.md");
    return;
  }
  Folder polf = subfolder(s3, "get-bucket-policy");
  Folder aclf = subfolder(s3, "get-bucket-acl");
  Folder bpaf = subfolder(s3, "get-public-access-block");
  Folder ownf = subfolder(s3, "get-bucket-ownership-controls");
  Folder locf = subfolder(s3, "get-bucket-location");
  Folder statf = subfolder(s3, "get-bucket-policy-status");
  std::string owner_id;
  At oat;
  if (const json* owner = top(lb, "Owner", Want::kObject, false, &oat)) owner_id = str(*owner, oat, "ID");
  a.canonical_user_id = owner_id;
  std::unordered_set<std::string> seen;
  items(lb, "Buckets", true, [&](const json& b, const At& at) {
    const std::string name = str(b, at, "Name", true);
    if (name.empty()) return;
    if (!first_time(seen, name, at.child("Name"), "bucket")) return;
    Resource r;
    r.type = ResourceType::kS3Bucket;
    r.name = name;
    r.account = a.id;
    r.arn = "arn:" + org_.partition + ":s3:::" + name;
    r.owner_canonical_id = owner_id;
    if (!bucket_arns_.insert(r.arn).second) {
      error("duplicate-id", at.child("Name"), "bucket " + name + " is also listed by another account (bucket names are global)");
    }
    const std::string listed_region = str(b, at, "BucketRegion");
    Doc d;
    // Region: get-bucket-location (null = us-east-1, "EU" = eu-west-1), else BucketRegion of newer CLIs.
    const Status ls = load(locf, name, Need::kRequired, {}, "the location of bucket " + name, d);
    r.region = listed_region;
    if (ls.known == Known::kYes) {
      At lat;
      const json* loc = top(d, "LocationConstraint", Want::kAny, false, &lat);
      if (!loc || loc->is_null() || (loc->is_string() && loc->get_ref<const std::string&>().empty())) r.region = "us-east-1";
      else if (loc->is_string() && loc->get<std::string>() == "EU") r.region = "eu-west-1";
      else if (loc->is_string()) r.region = loc->get<std::string>();
      else error("wrong-type", lat, std::string("expected a region name or null, found ") + type_name(*loc));
    }
    // Policy.
    const Status ps = load(polf, name, Need::kOptional, {"NoSuchBucketPolicy"}, "the policy of bucket " + name, d);
    if (ps.known == Known::kYes) {
      At pat;
      const json* p = top(d, "Policy", Want::kAny, true, &pat);
      if (p) resource_policy(r, p, pat);
      else unknown_policy(r, Status{Known::kUnknown, "missing-field"});
    } else if (ps.known == Known::kAbsent) {
      r.policy_known = Known::kAbsent;
    } else {
      unknown_policy(r, ps);
    }
    // ACL (effective: public grants ignored by IgnorePublicAcls are not shown).
    const Status as = load(aclf, name, Need::kRequired, {}, "the ACL of bucket " + name, d);
    r.acl_known = as.known == Known::kYes ? Known::kYes : Known::kUnknown;
    if (as.known == Known::kYes) {
      At o;
      if (const json* owner = top(d, "Owner", Want::kObject, false, &o)) {
        const std::string id = str(*owner, o, "ID");
        if (!id.empty()) r.owner_canonical_id = id;
      }
      items(d, "Grants", false, [&](const json& g, const At& gat) {
        resource::AclGrant grant;
        grant.permission = str(g, gat, "Permission", true);
        if (const json* ge = field(g, gat, "Grantee", Want::kObject, true)) {
          const At geat = gat.child("Grantee");
          grant.grantee_type = str(*ge, geat, "Type");
          if (grant.grantee_type == "Group") grant.grantee = str(*ge, geat, "URI", true);
          else if (grant.grantee_type == "AmazonCustomerByEmail") grant.grantee = str(*ge, geat, "EmailAddress", true);
          else grant.grantee = str(*ge, geat, "ID");
          if (grant.grantee.empty()) grant.grantee = str(*ge, geat, "URI");
        }
        r.acl.push_back(std::move(grant));
      });
    }
    // Bucket-level Block Public Access.
    const Status bs = load(bpaf, name, Need::kOptional, {"NoSuchPublicAccessBlockConfiguration"},
                           "the Block Public Access settings of bucket " + name, d);
    r.block_public_access.known = bs.known;
    if (bs.known == Known::kYes) {
      At cat;
      if (const json* cfg = top(d, "PublicAccessBlockConfiguration", Want::kObject, true, &cat)) read_bpa(*cfg, cat, r.block_public_access);
      else r.block_public_access.known = Known::kUnknown;
    }
    // Object ownership: absent = ObjectWriter.
    const Status os = load(ownf, name, Need::kOptional, {"OwnershipControlsNotFoundError"},
                           "the ownership controls of bucket " + name, d);
    if (os.known == Known::kAbsent) r.object_ownership = "ObjectWriter";
    if (os.known == Known::kYes) {
      At oc;
      if (const json* ctl = top(d, "OwnershipControls", Want::kObject, true, &oc)) {
        items(*ctl, oc, "Rules", true, [&](const json& rule, const At& rat) {
          if (r.object_ownership.empty()) r.object_ownership = str(rule, rat, "ObjectOwnership", true);
        });
      }
    }
    // Policy status (optional, informational): read so a malformed file is reported.
    load(statf, name, Need::kOptional, {"NoSuchBucketPolicy"}, "the policy status of bucket " + name, d);
    a.resources.push_back(std::move(r));
  });
  for (Folder* f : {&polf, &aclf, &bpaf, &ownf, &locf, &statf}) finish(*f, "the bucket is not in list-buckets.json");
  finish(s3, "not a file of LAYOUT.md");
}

// ---------------------------------------------------------------------------------------------
// Regional services

Folder Loader::service_folder(Folder& rf, const std::string& name) {
  Folder f = subfolder(rf, name);
  if (!f.exists) warn("not-collected", f.path + "/", name + " was not collected in this region: its resources are unknown");
  return f;
}

void Loader::load_region(org::Account& a, const std::string& region, Folder& rf) {
  if (Folder f = service_folder(rf, "kms"); f.exists) load_kms(a, region, f);
  if (Folder f = service_folder(rf, "sqs"); f.exists) load_sqs(a, region, f);
  if (Folder f = service_folder(rf, "sns"); f.exists) load_sns(a, region, f);
  if (Folder f = service_folder(rf, "lambda"); f.exists) load_lambda(a, region, f);
  if (Folder f = service_folder(rf, "secretsmanager"); f.exists) load_secrets(a, region, f);
  if (Folder f = service_folder(rf, "ecr"); f.exists) load_ecr(a, region, f);
  // Optional extensions of LAYOUT.md, not analysed: skipped without a warning.
  for (const char* ext : {"efs", "dynamodb", "glacier", "s3control", "s3api"}) rf.take(ext);
  finish(rf, "not a service of LAYOUT.md");
}

void Loader::load_kms(org::Account& a, const std::string& region, Folder& f) {
  Doc lk, la;
  const bool keys_known = load(f, "list-keys", Need::kRequired, {}, "the KMS key list", lk).known == Known::kYes;
  std::unordered_map<std::string, std::vector<std::string>> aliases;
  if (load(f, "list-aliases", Need::kRequired, {}, "the KMS aliases", la).known == Known::kYes) {
    items(la, "Aliases", true, [&](const json& al, const At& at) {
      const std::string target = str(al, at, "TargetKeyId");
      const std::string name = str(al, at, "AliasName", true);
      if (!target.empty() && !name.empty()) aliases[target].push_back(name);
    });
  }
  if (!keys_known) {
    f.take_all({"describe-key", "get-key-policy", "list-grants"});
    finish(f, "not a file of LAYOUT.md");
    return;
  }
  Folder descf = subfolder(f, "describe-key");
  Folder polf = subfolder(f, "get-key-policy");
  Folder grantf = subfolder(f, "list-grants");
  std::unordered_set<std::string> seen;
  items(lk, "Keys", true, [&](const json& k, const At& at) {
    const std::string id = str(k, at, "KeyId", true);
    if (id.empty() || !first_time(seen, id, at.child("KeyId"), "key")) return;
    Resource r;
    r.type = ResourceType::kKmsKey;
    r.name = id;
    r.account = a.id;
    r.region = region;
    r.arn = "arn:" + org_.partition + ":kms:" + region + ":" + a.id + ":key/" + id;
    if (auto al = aliases.find(id); al != aliases.end()) r.aliases = al->second;
    Doc d;
    if (load(descf, id, Need::kRequired, {}, "the description of key " + id, d).known == Known::kYes) {
      At mat;
      if (const json* md = top(d, "KeyMetadata", Want::kObject, true, &mat)) r.key_manager = str(*md, mat, "KeyManager");
    }
    const Status ps = load(polf, id, Need::kRequired, {}, "the policy of key " + id, d);
    if (ps.known == Known::kYes) {
      At pat;
      const json* p = top(d, "Policy", Want::kAny, true, &pat);
      if (p) resource_policy(r, p, pat);
      else unknown_policy(r, Status{Known::kUnknown, "missing-field"});
    } else {
      unknown_policy(r, ps);
    }
    const Status gs = load(grantf, id, Need::kRequired, {}, "the grants of key " + id, d);
    r.grants_known = gs.known == Known::kYes ? Known::kYes : Known::kUnknown;
    items(d, "Grants", false, [&](const json& g, const At& gat) {
      resource::KmsGrant grant;
      grant.grant_id = str(g, gat, "GrantId", true);
      grant.name = str(g, gat, "Name");
      grant.grantee_principal = str(g, gat, "GranteePrincipal");
      grant.retiring_principal = str(g, gat, "RetiringPrincipal");
      if (const json* ops = field(g, gat, "Operations", Want::kArray, false)) {
        for (std::size_t i = 0; i < ops->size(); ++i) {
          if ((*ops)[i].is_string()) grant.operations.push_back((*ops)[i].get<std::string>());
          else error("wrong-type", gat.child("Operations").child(i), std::string("expected an operation name, found ") + type_name((*ops)[i]));
        }
      }
      if (const json* c = field(g, gat, "Constraints", Want::kObject, false)) grant.has_constraints = !c->empty();
      r.grants.push_back(std::move(grant));
    });
    a.resources.push_back(std::move(r));
  });
  for (Folder* sub : {&descf, &polf, &grantf}) finish(*sub, "the key is not in list-keys.json");
  finish(f, "not a file of LAYOUT.md");
}

void Loader::load_sqs(org::Account& a, const std::string& region, Folder& f) {
  Doc lq;
  if (load(f, "list-queues", Need::kRequired, {}, "the SQS queue list", lq).known != Known::kYes) {
    // The listing is unknown: its per-resource files cannot be checked (already reported).
    f.take_all({"get-queue-attributes"});
    finish(f, "not a file of LAYOUT.md");
    return;
  }
  Folder attrf = subfolder(f, "get-queue-attributes");
  std::unordered_set<std::string> seen;
  for (const auto& page : lq.pages) {
    const At pat{&page.file, ""};
    const json* urls = field(*page.value, pat, "QueueUrls", Want::kArray, false);  // absent: no queue
    if (!urls) continue;
    for (std::size_t i = 0; i < urls->size(); ++i) {
      const At at = pat.child("QueueUrls").child(i);
      if (!(*urls)[i].is_string()) {
        error("wrong-type", at, std::string("expected a queue URL, found ") + type_name((*urls)[i]));
        continue;
      }
      const std::string url = (*urls)[i].get<std::string>();
      std::string name = url;
      while (!name.empty() && name.back() == '/') name.pop_back();
      name = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
      if (name.empty()) {
        warn_at("invalid-value", at, "no queue name in URL \"" + url + "\"");
        continue;
      }
      if (!first_time(seen, name, at, "queue")) continue;
      Resource r;
      r.type = ResourceType::kSqsQueue;
      r.name = name;
      r.account = a.id;
      r.region = region;
      r.arn = "arn:" + org_.partition + ":sqs:" + region + ":" + a.id + ":" + name;
      Doc d;
      const Status s = load(attrf, name, Need::kRequired, {}, "the attributes of queue " + name, d);
      if (s.known == Known::kYes) {
        At aat;
        const json* attrs = top(d, "Attributes", Want::kObject, false, &aat);
        const json* p = attrs ? field(*attrs, aat, "Policy", Want::kAny, false) : nullptr;
        resource_policy(r, p, aat.child("Policy"));  // no Policy attribute = no queue policy
      } else {
        unknown_policy(r, s);
      }
      a.resources.push_back(std::move(r));
    }
  }
  finish(attrf, "the queue is not in list-queues.json");
  finish(f, "not a file of LAYOUT.md");
}

void Loader::load_sns(org::Account& a, const std::string& region, Folder& f) {
  Doc lt;
  if (load(f, "list-topics", Need::kRequired, {}, "the SNS topic list", lt).known != Known::kYes) {
    // The listing is unknown: its per-resource files cannot be checked (already reported).
    f.take_all({"get-topic-attributes"});
    finish(f, "not a file of LAYOUT.md");
    return;
  }
  Folder attrf = subfolder(f, "get-topic-attributes");
  std::unordered_set<std::string> seen;
  items(lt, "Topics", false, [&](const json& t, const At& at) {
    const std::string arn = str(t, at, "TopicArn", true);
    if (arn.empty()) return;
    const std::string name = arn.substr(arn.rfind(':') == std::string::npos ? 0 : arn.rfind(':') + 1);
    if (name.empty()) {
      warn_at("invalid-value", at.child("TopicArn"), "no topic name in \"" + arn + "\"");
      return;
    }
    if (!first_time(seen, name, at.child("TopicArn"), "topic")) return;
    Resource r;
    r.type = ResourceType::kSnsTopic;
    r.name = name;
    r.account = a.id;
    r.region = region;
    r.arn = arn;
    Doc d;
    const Status s = load(attrf, name, Need::kRequired, {}, "the attributes of topic " + name, d);
    if (s.known == Known::kYes) {
      At aat;
      const json* attrs = top(d, "Attributes", Want::kObject, true, &aat);
      const json* p = attrs ? field(*attrs, aat, "Policy", Want::kAny, false) : nullptr;
      resource_policy(r, p, aat.child("Policy"));
    } else {
      unknown_policy(r, s);
    }
    a.resources.push_back(std::move(r));
  });
  finish(attrf, "the topic is not in list-topics.json");
  finish(f, "not a file of LAYOUT.md");
}

void Loader::load_lambda(org::Account& a, const std::string& region, Folder& f) {
  Doc lf;
  if (load(f, "list-functions", Need::kRequired, {}, "the Lambda function list", lf).known != Known::kYes) {
    // The listing is unknown: its per-resource files cannot be checked (already reported).
    f.take_all({"get-policy"});
    finish(f, "not a file of LAYOUT.md");
    return;
  }
  Folder polf = subfolder(f, "get-policy");
  std::unordered_set<std::string> seen;
  items(lf, "Functions", false, [&](const json& fn, const At& at) {
    const std::string name = str(fn, at, "FunctionName", true);
    if (name.empty() || !first_time(seen, name, at.child("FunctionName"), "function")) return;
    Resource r;
    r.type = ResourceType::kLambdaFunction;
    r.name = name;
    r.account = a.id;
    r.region = region;
    r.arn = str(fn, at, "FunctionArn");
    if (r.arn.empty()) r.arn = "arn:" + org_.partition + ":lambda:" + region + ":" + a.id + ":function:" + name;
    r.execution_role = str(fn, at, "Role");
    Doc d;
    const Status s = load(polf, name, Need::kOptional, {"ResourceNotFoundException"}, "the policy of function " + name, d);
    if (s.known == Known::kYes) {
      At pat;
      const json* p = top(d, "Policy", Want::kAny, false, &pat);
      resource_policy(r, p, pat);
    } else if (s.known == Known::kAbsent) {
      r.policy_known = Known::kAbsent;
    } else {
      unknown_policy(r, s);
    }
    a.resources.push_back(std::move(r));
  });
  finish(polf, "the function is not in list-functions.json");
  finish(f, "not a file of LAYOUT.md");
}

void Loader::load_secrets(org::Account& a, const std::string& region, Folder& f) {
  Doc ls;
  if (load(f, "list-secrets", Need::kRequired, {}, "the secret list", ls).known != Known::kYes) {
    // The listing is unknown: its per-resource files cannot be checked (already reported).
    f.take_all({"get-resource-policy"});
    finish(f, "not a file of LAYOUT.md");
    return;
  }
  Folder polf = subfolder(f, "get-resource-policy");
  std::unordered_set<std::string> seen;
  items(ls, "SecretList", false, [&](const json& s, const At& at) {
    const std::string name = str(s, at, "Name", true);
    if (name.empty() || !first_time(seen, name, at.child("Name"), "secret")) return;
    Resource r;
    r.type = ResourceType::kSecret;
    r.name = name;
    r.account = a.id;
    r.region = region;
    r.arn = str(s, at, "ARN", true);
    // The ARN's random suffix cannot be rebuilt; without it the secret is still analysed.
    if (r.arn.empty()) r.arn = "arn:" + org_.partition + ":secretsmanager:" + region + ":" + a.id + ":secret:" + name;
    Doc d;
    const Status st = load(polf, name, Need::kRequired, {}, "the resource policy of secret " + name, d);
    if (st.known == Known::kYes) {
      At pat;
      const json* p = top(d, "ResourcePolicy", Want::kAny, false, &pat);  // omitted: no policy
      resource_policy(r, p, pat);
    } else {
      unknown_policy(r, st);
    }
    a.resources.push_back(std::move(r));
  });
  finish(polf, "the secret is not in list-secrets.json");
  finish(f, "not a file of LAYOUT.md");
}

void Loader::load_ecr(org::Account& a, const std::string& region, Folder& f) {
  Doc lr;
  if (load(f, "describe-repositories", Need::kRequired, {}, "the ECR repository list", lr).known != Known::kYes) {
    // The listing is unknown: its per-resource files cannot be checked (already reported).
    f.take_all({"get-repository-policy"});
    finish(f, "not a file of LAYOUT.md");
    return;
  }
  Folder polf = subfolder(f, "get-repository-policy");
  std::unordered_set<std::string> seen;
  items(lr, "repositories", false, [&](const json& rp, const At& at) {
    const std::string name = str(rp, at, "repositoryName", true);
    if (name.empty() || !first_time(seen, name, at.child("repositoryName"), "repository")) return;
    Resource r;
    r.type = ResourceType::kEcrRepository;
    r.name = name;
    r.account = a.id;
    r.region = region;
    r.arn = str(rp, at, "repositoryArn");
    if (r.arn.empty()) r.arn = "arn:" + org_.partition + ":ecr:" + region + ":" + a.id + ":repository/" + name;
    Doc d;
    const Status s = load(polf, name, Need::kOptional, {"RepositoryPolicyNotFoundException"}, "the policy of repository " + name, d);
    if (s.known == Known::kYes) {
      At pat;
      const json* p = top(d, "policyText", Want::kAny, false, &pat);
      resource_policy(r, p, pat);
    } else if (s.known == Known::kAbsent) {
      r.policy_known = Known::kAbsent;
    } else {
      unknown_policy(r, s);
    }
    a.resources.push_back(std::move(r));
  });
  finish(polf, "the repository is not in describe-repositories.json");
  finish(f, "not a file of LAYOUT.md");
}

bool Loader::load_analyzers(org::Account& a, const std::string& region, Folder& rf) {
  Folder f = subfolder(rf, "accessanalyzer");
  if (!f.exists) return false;
  Doc d;
  const bool known = load(f, "list-analyzers", Need::kOptional, {}, "the access analyzers", d).known == Known::kYes;
  items(d, "analyzers", true, [&](const json& x, const At& at) {
    a.access_analyzers.push_back(str(x, at, "name", true) + "|" + str(x, at, "type") + "|" + str(x, at, "status") + "|" + region);
  });
  finish(f, "not a file of LAYOUT.md");
  return known;
}

// ---------------------------------------------------------------------------------------------
// Accounts and the whole snapshot

void Loader::load_account(const std::string& id, Folder& accounts_folder) {
  const std::string dir = join(accounts_folder.path, accounts_folder.entries[id].dir);
  auto [it, inserted] = org_.accounts.try_emplace(id);
  org::Account& a = it->second;
  a.id = id;
  if (org_snapshot_ && !tree_accounts_.count(id) && inserted) {
    warn("account-not-in-tree", dir + "/",
         "account " + id + " has a folder but is not in the organization tree: no SCP/RCP of the tree applies");
  }
  Folder af = subfolder(accounts_folder, id);
  Folder global = subfolder(af, "global");
  if (!global.exists) {
    warn("not-collected", global.path + "/", "IAM and S3 of account " + id + " were not collected: unknown");
    a.block_public_access.known = Known::kUnknown;
  } else {
    Folder iamf = subfolder(global, "iam");
    if (!iamf.exists) warn("not-collected", iamf.path + "/", "IAM of account " + id + " was not collected: unknown");
    else load_iam(a, iamf);
    load_s3(a, global);
    finish(global, "not a service of LAYOUT.md");
  }
  Folder regions = subfolder(af, "regions");
  bool analyzers_known = !org_.regions.empty();
  for (const auto& region : org_.regions) {
    Folder rf = subfolder(regions, region);
    if (!rf.exists) {
      warn("not-collected", rf.path + "/", "region " + region + " of account " + id + " was not collected: unknown");
      analyzers_known = false;
      continue;
    }
    if (!load_analyzers(a, region, rf)) analyzers_known = false;
    load_region(a, region, rf);
  }
  a.access_analyzers_known = analyzers_known;
  finish(regions, "not a region of manifest.json");
  finish(af, "not a folder of LAYOUT.md");
}

org::Organization Loader::run() {
  const auto root_kind = src_.kind("");
  if (root_kind == SnapshotSource::Kind::kMissing) {
    throw SnapshotError("root-missing", src_.describe(), "snapshot root " + src_.describe() + " does not exist");
  }
  if (root_kind != SnapshotSource::Kind::kDirectory) {
    throw SnapshotError("root-not-directory", src_.describe(), "snapshot root " + src_.describe() + " is not a directory");
  }
  Folder root = index("");
  const auto* manifest = root.entries.count("manifest") ? &root.entries["manifest"] : nullptr;
  const bool has_manifest = manifest && !manifest->json.empty();
  const bool has_accounts = root.entries.count("accounts") && !root.entries["accounts"].dir.empty();
  if (!has_manifest && !has_accounts) {
    throw SnapshotError("not-a-snapshot", src_.describe(),
                        "snapshot root " + src_.describe() + " has neither manifest.json nor accounts/: not a snapshot");
  }
  load_manifest(root);

  Folder accounts = subfolder(root, "accounts");
  if (!regions_from_manifest_) {
    // No usable manifest: the regions are those collected in any account.
    std::set<std::string> found;
    for (const auto& id : accounts.order) {
      if (accounts.entries[id].dir.empty()) continue;
      for (const auto& r : src_.list(join(accounts.path, accounts.entries[id].dir + "/regions"))) {
        if (src_.kind(join(accounts.path, accounts.entries[id].dir + "/regions/" + r)) == SnapshotSource::Kind::kDirectory) {
          found.insert(percent_decode(r));
        }
      }
    }
    org_.regions.assign(found.begin(), found.end());
  }

  Folder orgf = subfolder(root, "organizations");
  if (orgf.exists) {
    org_snapshot_ = true;
    guarded("organizations/", [&] {
      load_organization(orgf);
      finish(orgf, "not a file of LAYOUT.md");
    });
  }

  std::unordered_set<std::string> loaded;
  for (const auto& id : accounts.order) {
    auto& e = accounts.entries[id];
    if (e.dir.empty() || !is_account_id(id)) continue;  // reported by finish()
    loaded.insert(id);
    guarded("accounts/" + id + "/", [&] { load_account(id, accounts); });
  }
  finish(accounts, "not a 12-digit account folder");
  for (auto& [id, a] : org_.accounts) {
    if (loaded.count(id)) continue;
    warn("not-collected", "accounts/" + id + "/", "account " + id + " is in the organization but its data was not collected: unknown");
    a.block_public_access.known = Known::kUnknown;
  }

  for (auto& [id, u] : org_.units) {
    for (auto* ids : {&u.scp_ids, &u.rcp_ids}) {
      std::sort(ids->begin(), ids->end());
      ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    }
  }
  for (auto& [id, a] : org_.accounts) {
    for (auto* ids : {&a.scp_ids, &a.rcp_ids}) {
      std::sort(ids->begin(), ids->end());
      ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    }
  }
  root.take("manifest");
  finish(root, "not a file of LAYOUT.md");

  std::stable_sort(org_.problems.begin(), org_.problems.end(), [](const Problem& x, const Problem& y) {
    if (x.file != y.file) return x.file < y.file;
    if (x.json_pointer != y.json_pointer) return x.json_pointer < y.json_pointer;
    if (x.code != y.code) return x.code < y.code;
    return x.message < y.message;
  });
  return std::move(org_);
}

}  // namespace

std::unique_ptr<SnapshotSource> directory_source(const std::string& root) {
  return std::make_unique<DirectorySource>(root);
}

std::unique_ptr<SnapshotSource> json_tree_source(nlohmann::json tree) {
  return std::make_unique<JsonTreeSource>(std::move(tree));
}

org::Organization load_snapshot(const SnapshotSource& source, const LoadOptions& options) {
  Loader loader(source, options);
  return loader.run();
}

}  // namespace accessgraph::io
