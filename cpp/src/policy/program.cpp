#include "accessgraph/policy/program.hpp"

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <stdexcept>
#include <string>

#include "accessgraph/policy/policy.hpp"

namespace accessgraph::policy {

namespace {

constexpr std::size_t kMaxOffset = 0xFFFF;  // Pat / Arn offsets and lengths are 16-bit

// The first min(n, 16) bytes of `data`, zero-padded, as two words.
void load_head(const char* data, std::size_t n, std::uint64_t out[2]) noexcept {
  out[0] = out[1] = 0;
  if (n >= 16) {
    std::memcpy(out, data, 16);
  } else if (n > 8) {
    std::memcpy(&out[0], data, 8);
    std::memcpy(&out[1], data + 8, n - 8);
  } else if (n > 0) {
    std::memcpy(&out[0], data, n);
  }
}

// `s` (at least p.head_length bytes) starts with the pattern's head.
bool head_matches(const Program::Pat& p, const char* s) noexcept {
  std::uint64_t h[2];
  load_head(s, p.head_length, h);
  return h[0] == p.head[0] && h[1] == p.head[1];
}

std::size_t align8(std::size_t n) { return (n + 7) & ~std::size_t{7}; }

// A block of memory shared by the programs carved from it; freed with the last of them.
struct ProgramChunk {
  std::atomic<long> refs{1};  // one per program, plus one while it is a thread's current chunk
  std::size_t used = 0;
  std::size_t capacity = 0;
  unsigned char* data() noexcept { return reinterpret_cast<unsigned char*>(this + 1); }

  static ProgramChunk* create(std::size_t capacity) {
    void* raw = std::malloc(sizeof(ProgramChunk) + capacity);
    if (raw == nullptr) throw std::bad_alloc();
    auto* c = new (raw) ProgramChunk();
    c->capacity = capacity;
    return c;
  }
  void release() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      this->~ProgramChunk();
      std::free(this);
    }
  }
};
static_assert(sizeof(ProgramChunk) % 8 == 0, "chunk data must stay 8-aligned");

// 64 KiB chunks: a few hundred typical programs each. A program bigger than a quarter chunk gets
// a chunk of its own. A chunk lives as long as any program in it (at most 64 KiB kept alive by one
// long-lived program).
constexpr std::size_t kChunkBytes = 64 * 1024;

struct ThreadChunk {
  ProgramChunk* chunk = nullptr;
  ~ThreadChunk() {
    if (chunk) chunk->release();
  }
};
thread_local ThreadChunk t_chunk;

// Carves `bytes` (a multiple of 8) from the calling thread's chunk; returns the chunk holding it,
// with one reference taken for the caller.
ProgramChunk* carve(std::size_t bytes, unsigned char** out) {
  if (bytes > kChunkBytes / 4) {
    ProgramChunk* own = ProgramChunk::create(bytes);
    own->used = bytes;
    *out = own->data();
    return own;
  }
  ProgramChunk*& current = t_chunk.chunk;
  if (current == nullptr || current->capacity - current->used < bytes) {
    if (current) current->release();
    current = ProgramChunk::create(kChunkBytes);
  }
  *out = current->data() + current->used;
  current->used += bytes;
  current->refs.fetch_add(1, std::memory_order_relaxed);
  return current;
}

struct Builder {
  std::vector<Program::Stmt> stmts;
  std::vector<Program::Pat> pats;
  std::vector<Program::Arn> arns;
  std::vector<Program::Who> whos;
  std::vector<Program::Cond> conds;
  std::vector<Program::CondValue> values;
  std::string chars;

  // Texts already in the pool that `reuse` callers may share: an open-addressing table of 256
  // slots, emptied for each program by bumping `generation`.
  struct Slot {
    std::uint32_t generation = 0;
    std::uint32_t hash = 0;
    std::uint16_t offset = 0;
    std::uint16_t length = 0;
  };
  std::array<Slot, 256> slots{};
  std::uint32_t generation = 0;
  std::size_t slots_used = 0;

  void reset() {
    stmts.clear();
    pats.clear();
    arns.clear();
    whos.clear();
    conds.clear();
    values.clear();
    chars.clear();
    if (++generation == 0) {  // wrapped: forget every slot for real
      slots.fill(Slot{});
      generation = 1;
    }
    slots_used = 0;
  }

  // Appends `text` to the character pool; false when the pool would outgrow 16-bit offsets.
  // `reuse`: share an earlier copy of the same text (ARN segments -- services, regions, accounts --
  // and condition keys repeat within a policy), found in `slots` in constant time.
  bool intern(std::string_view text, std::uint16_t* offset, bool reuse = false) {
    if (chars.size() + text.size() > kMaxOffset) return false;
    Slot* free_slot = nullptr;
    std::uint32_t h = 0;
    if (reuse && !text.empty()) {
      h = static_cast<std::uint32_t>(std::hash<std::string_view>{}(text));
      for (std::size_t probe = 0, i = h & 255; probe < 16; ++probe, i = (i + 1) & 255) {
        Slot& slot = slots[i];
        if (slot.generation != generation) {
          free_slot = &slot;
          break;
        }
        if (slot.hash == h && slot.length == text.size() &&
            std::memcmp(chars.data() + slot.offset, text.data(), text.size()) == 0) {
          *offset = slot.offset;
          return true;
        }
      }
    }
    *offset = static_cast<std::uint16_t>(chars.size());
    chars.append(text.data(), text.size());
    if (free_slot != nullptr && slots_used < 192) {
      *free_slot = Slot{generation, h, *offset, static_cast<std::uint16_t>(text.size())};
      ++slots_used;
    }
    return true;
  }

  Program::Pat full_pat(std::size_t index) {
    Program::Pat p{};
    p.shape = Program::Shape::kFull;
    p.offset = static_cast<std::uint16_t>(index);
    return p;
  }

  // The compact form of a compiled pattern; kFull when it does not fit. `lowercase`: the pattern
  // was compiled lower-cased (actions).
  Program::Pat pat(const match::Pattern& pattern, std::size_t index, bool lowercase) {
    using S = match::Pattern::Shape;
    Program::Pat p{};
    if (index > kMaxOffset || pattern.text().size() > kMaxOffset) return full_pat(index > kMaxOffset ? 0 : index);
    if (pattern.has_variables()) return full_pat(index);
    Program::Shape shape = Program::Shape::kExact;
    switch (pattern.shape()) {
      case S::kMatchAll: p.shape = Program::Shape::kMatchAll; return p;
      case S::kExact: shape = Program::Shape::kExact; break;
      case S::kPrefix: shape = Program::Shape::kPrefix; break;
      case S::kSuffix: shape = Program::Shape::kSuffix; break;
      case S::kContains: shape = Program::Shape::kContains; break;
      case S::kGeneral: {
        // `*` and `?` with literal text between them (a pattern without variables): the text itself.
        std::string text = pattern.text();
        // `${*}`, `${?}`, `${$}` (literal characters in a 2012-10-17 policy) stay with the full model.
        if (text.find("${") != std::string::npos) return full_pat(index);
        if (lowercase) text = condition::to_lower_ascii(text);
        if (!intern(text, &p.offset)) return full_pat(index);
        p.shape = Program::Shape::kGlob;
        p.length = static_cast<std::uint16_t>(text.size());
        return p;
      }
    }
    p = exact(pattern.literal(), false);
    if (p.shape == Program::Shape::kFull) return full_pat(index);
    p.shape = shape;
    return p;
  }

  // The compact form of a Resource pattern, derived from its text the way ArnPattern::compile
  // reads it (match/arn.cpp): "*" matches everything; an ARN-shaped pattern is split at its first
  // five colons, each of the first parts being `*` or exact text (anything else, and every pattern
  // with a policy variable, is matched by the full model).
  Program::Arn arn(const match::ResourcePattern& r, std::size_t index) {
    return arn(r.text(), r.has_variables(), index);
  }
  Program::Arn arn(std::string_view text, bool has_variables, std::size_t index) {
    Program::Arn a{};
    a.kind = Program::Arn::Kind::kFull;
    a.full_index = static_cast<std::uint16_t>(index);
    if (index > kMaxOffset) {
      a.full_index = 0;
      return a;
    }
    if (text == "*") {
      a.kind = Program::Arn::Kind::kMatchAll;
      return a;
    }
    if (has_variables || text.substr(0, 4) != "arn:") return a;
    std::array<std::string_view, 6> parts;
    const int n = match::split_arn(text, parts);
    for (int i = 0; i + 1 < n; ++i) {
      const std::string_view part = parts[static_cast<std::size_t>(i)];
      if (part == "*") continue;
      if (match::has_wildcard(part) || part.size() > 255) return a;
      std::uint16_t off = 0;
      if (!intern(part, &off, true)) return a;
      a.exact_mask = static_cast<std::uint8_t>(a.exact_mask | (1u << i));
      a.seg_length[i] = static_cast<std::uint8_t>(part.size());
      a.seg_offset[i] = off;
    }
    a.last = plain(parts[static_cast<std::size_t>(n - 1)]);
    if (a.last.shape == Program::Shape::kFull) return a;
    a.part_count = static_cast<std::uint8_t>(n);
    a.kind = Program::Arn::Kind::kSegments;
    return a;
  }

  bool who(Program::Who::Type type, std::string_view text) {
    Program::Who w{};
    w.type = type;
    if (text.size() > kMaxOffset || !intern(text, &w.text_offset, true)) return false;
    w.text_length = static_cast<std::uint16_t>(text.size());
    if (type == Program::Who::Type::kAws) {
      const match::AwsPrincipalView v = match::AwsPrincipalView::of(text);
      w.view = static_cast<std::uint8_t>((v.wildcard ? 1 : 0) | (v.is_root ? 2 : 0) | (v.is_role ? 4 : 0));
      if (v.is_root || v.is_role) {
        if (v.account.size() > 255) return false;
        w.account_offset = static_cast<std::uint16_t>(w.text_offset + (v.account.data() - text.data()));
        w.account_length = static_cast<std::uint8_t>(v.account.size());
        w.role_offset = static_cast<std::uint16_t>(w.text_offset + (v.role_name.data() - text.data()));
        w.role_length = static_cast<std::uint16_t>(v.role_name.size());
      }
    }
    whos.push_back(w);
    return true;
  }

  // A pattern whose only special characters are `*` and `?` (no policy variables), classified
  // the way match::Pattern::compile shapes it.
  Program::Pat plain(std::string_view text) {
    Program::Pat p{};
    if (text.size() > kMaxOffset) return full_pat(0);
    if (!text.empty() && text.find_first_not_of('*') == std::string_view::npos) {
      p.shape = Program::Shape::kMatchAll;
      return p;
    }
    const std::size_t lead = text.find_first_not_of('*');  // stars before the literal
    const std::size_t end = text.find_last_not_of('*');
    const std::string_view literal = text.empty() ? text : text.substr(lead, end + 1 - lead);
    if (match::has_wildcard(literal)) {
      p.shape = Program::Shape::kGlob;
      if (!intern(text, &p.offset)) return full_pat(0);
      p.length = static_cast<std::uint16_t>(text.size());
      return p;
    }
    const bool star_before = lead > 0, star_after = !text.empty() && end + 1 < text.size();
    p = exact(literal);
    if (p.shape == Program::Shape::kFull) return p;
    p.shape = star_before ? (star_after ? Program::Shape::kContains : Program::Shape::kSuffix)
                          : (star_after ? Program::Shape::kPrefix : Program::Shape::kExact);
    return p;
  }

  // Literal text as an exact pattern (callers change the shape for prefix, suffix, contains);
  // `reuse`: see intern().
  Program::Pat exact(std::string_view text, bool reuse = true) {
    Program::Pat p{};
    p.shape = Program::Shape::kExact;
    if (text.size() > kMaxOffset || !intern(text, &p.offset, reuse)) return full_pat(0);
    p.length = static_cast<std::uint16_t>(text.size());
    p.head_length = static_cast<std::uint8_t>(text.size() < 16 ? text.size() : 16);
    load_head(text.data(), p.head_length, p.head);
    return p;
  }

  // The compact form of one clause; false when it stays with the full model.
  bool clause(const condition::ConditionClause& c, Program::Cond* out) {
    using F = condition::OperatorFamily;
    const F f = c.op.family;
    Program::Cond k{};
    k.key_hash = c.key_hash;
    k.family = f;
    k.qualifier = c.op.qualifier;
    k.flags = static_cast<std::uint8_t>((c.op.negated ? Program::kNegated : 0) | (c.op.if_exists ? Program::kIfExists : 0));
    if (c.has_variables || c.values.size() > kMaxOffset || c.key_lower.size() > kMaxOffset ||
        !intern(c.key_lower, &k.key_offset, true)) {
      return false;
    }
    k.key_length = static_cast<std::uint16_t>(c.key_lower.size());
    k.value_begin = static_cast<std::uint32_t>(values.size());
    k.value_count = static_cast<std::uint16_t>(c.values.size());
    for (const auto& v : c.values) {
      Program::CondValue cv{};
      switch (f) {
        case F::kStringEquals:
        case F::kStringEqualsIgnoreCase:
        case F::kStringLike:
          cv.pat = pat(v.pattern, 0, false);
          if (cv.pat.shape == Program::Shape::kFull) return false;
          break;
        case F::kBool:
        case F::kBinaryEquals:
          cv.pat = exact(v.text);
          if (cv.pat.shape == Program::Shape::kFull) return false;
          break;
        case F::kArnLike: {
          const Program::Arn a = arn(v.arn->text(), v.arn->has_variables(), 0);
          if (a.kind == Program::Arn::Kind::kFull) return false;
          cv.arn = static_cast<std::uint32_t>(arns.size());
          arns.push_back(a);
          break;
        }
        case F::kIpAddress:
          std::memcpy(cv.net.bytes, v.network.address.bytes.data(), 16);
          cv.net.v6 = v.network.address.v6 ? 1 : 0;
          cv.net.prefix = static_cast<std::uint8_t>(v.network.prefix);
          break;
        case F::kNull:
          k.flags = static_cast<std::uint8_t>(k.flags | (v.null_is_true ? Program::kNullTrue : Program::kNullFalse));
          break;
        default:  // Numeric*, Date*
          cv.number = v.number;
          break;
      }
      values.push_back(cv);
    }
    *out = k;
    return true;
  }

  void conditions(const condition::ConditionBlock& block) {
    for (std::size_t i = 0; i < block.clauses.size(); ++i) {
      Program::Cond k{};
      const std::size_t values_before = values.size(), arns_before = arns.size();
      if (i > kMaxOffset || !clause(block.clauses[i], &k)) {
        values.resize(values_before);
        arns.resize(arns_before);
        k = Program::Cond{};
        k.flags = Program::kFullClause;
        k.full_index = static_cast<std::uint16_t>(i > kMaxOffset ? 0 : i);
      }
      conds.push_back(k);
    }
  }

  // False when the principal list does not fit the compact form.
  bool principal(const match::PrincipalSpec& spec) {
    using T = Program::Who::Type;
    for (const auto& v : spec.aws) if (!who(T::kAws, v)) return false;
    for (const auto& v : spec.service) if (!who(T::kService, v)) return false;
    for (const auto& v : spec.federated) if (!who(T::kFederated, v)) return false;
    for (const auto& v : spec.canonical_user) if (!who(T::kFederated, v)) return false;
    return true;
  }
};

}  // namespace

Program::Program(const std::vector<Statement>& statements) {
  // One builder per thread, cleared between programs: its vectors keep their capacity.
  thread_local Builder b;
  b.reset();
  for (const Statement& st : statements) {
    Stmt s{};
    s.flags = static_cast<std::uint16_t>((st.effect == Effect::kDeny ? kDeny : 0) | (st.not_action ? kNotAction : 0) |
                                         (st.has_resource ? kHasResource : 0) | (st.not_resource ? kNotResource : 0) |
                                         (st.has_principal ? kHasPrincipal : 0) | (st.not_principal ? kNotPrincipal : 0) |
                                         (st.principal.wildcard ? kPrincipalWildcard : 0) |
                                         (st.condition.empty() ? 0 : kHasCondition));
    s.service_count = st.service_count;
    for (std::size_t i = 0; i < 4; ++i) s.service_hashes[i] = st.service_hashes[i];
    s.action_begin = static_cast<std::uint32_t>(b.pats.size());
    s.resource_begin = static_cast<std::uint32_t>(b.arns.size());
    if (st.actions.size() > kMaxOffset) {
      s.flags |= kFullAction;
    } else {
      s.action_count = static_cast<std::uint16_t>(st.actions.size());
      for (std::size_t i = 0; i < st.actions.size(); ++i) b.pats.push_back(b.pat(st.actions[i], i, true));
    }
    bool resource_variables = false;
    for (const auto& r : st.resources) resource_variables |= r.has_variables();
    if (st.resources.size() > kMaxOffset || (st.not_resource && resource_variables)) {
      s.flags |= kFullResource;
    } else {
      s.resource_count = static_cast<std::uint16_t>(st.resources.size());
      for (std::size_t i = 0; i < st.resources.size(); ++i) b.arns.push_back(b.arn(st.resources[i], i));
    }
    s.principal_begin = static_cast<std::uint32_t>(b.whos.size());
    const std::size_t listed = st.principal.aws.size() + st.principal.service.size() + st.principal.federated.size() +
                               st.principal.canonical_user.size();
    if (st.not_principal || listed > kMaxOffset || !b.principal(st.principal)) {
      b.whos.resize(s.principal_begin);
      s.flags |= kFullPrincipal;
    } else {
      s.principal_count = static_cast<std::uint16_t>(listed);
    }
    s.condition_begin = static_cast<std::uint32_t>(b.conds.size());
    if (st.condition.clauses.size() > kMaxOffset) {
      s.flags |= kFullCondition;  // more clauses than 16 bits count: the full model evaluates them
    } else {
      s.condition_count = static_cast<std::uint16_t>(st.condition.clauses.size());
      b.conditions(st.condition);
    }
    b.stmts.push_back(s);
  }
  const std::size_t stmt_bytes = align8(b.stmts.size() * sizeof(Stmt));
  const std::size_t pat_bytes = align8(b.pats.size() * sizeof(Pat));
  const std::size_t arn_bytes = align8(b.arns.size() * sizeof(Arn));
  const std::size_t who_bytes = align8(b.whos.size() * sizeof(Who));
  const std::size_t cond_bytes = align8(b.conds.size() * sizeof(Cond));
  const std::size_t value_bytes = align8(b.values.size() * sizeof(CondValue));
  Header h{};
  h.count = static_cast<std::uint32_t>(b.stmts.size());
  h.pats_at = static_cast<std::uint32_t>(kHeaderBytes + stmt_bytes);
  h.arns_at = static_cast<std::uint32_t>(h.pats_at + pat_bytes);
  h.whos_at = static_cast<std::uint32_t>(h.arns_at + arn_bytes);
  h.conds_at = static_cast<std::uint32_t>(h.whos_at + who_bytes);
  h.values_at = static_cast<std::uint32_t>(h.conds_at + cond_bytes);
  h.chars_at = static_cast<std::uint32_t>(h.values_at + value_bytes);
  const std::size_t bytes = h.chars_at + b.chars.size();
  if (bytes > 0xFFFFFFFFu) throw std::length_error("policy program too large");
  h.bytes = static_cast<std::uint32_t>(bytes);
  allocate(bytes);
  unsigned char* out = writable();
  std::memcpy(out, &h, sizeof h);
  if (!b.stmts.empty()) std::memcpy(out + kHeaderBytes, b.stmts.data(), b.stmts.size() * sizeof(Stmt));
  if (!b.pats.empty()) std::memcpy(out + h.pats_at, b.pats.data(), b.pats.size() * sizeof(Pat));
  if (!b.arns.empty()) std::memcpy(out + h.arns_at, b.arns.data(), b.arns.size() * sizeof(Arn));
  if (!b.whos.empty()) std::memcpy(out + h.whos_at, b.whos.data(), b.whos.size() * sizeof(Who));
  if (!b.conds.empty()) std::memcpy(out + h.conds_at, b.conds.data(), b.conds.size() * sizeof(Cond));
  if (!b.values.empty()) std::memcpy(out + h.values_at, b.values.data(), b.values.size() * sizeof(CondValue));
  if (!b.chars.empty()) std::memcpy(out + h.chars_at, b.chars.data(), b.chars.size());
}

void Program::allocate(std::size_t bytes) {
  unsigned char* out = nullptr;
  ProgramChunk* chunk = carve(align8(bytes), &out);
  if (chunk_) static_cast<ProgramChunk*>(chunk_)->release();
  chunk_ = chunk;
  buffer_ = out;
}

Program::~Program() {
  if (chunk_) static_cast<ProgramChunk*>(chunk_)->release();
}

void Program::swap(Program& other) noexcept {
  std::swap(buffer_, other.buffer_);
  std::swap(chunk_, other.chunk_);
}

Program& Program::operator=(const Program& other) {
  if (this == &other) return *this;
  if (other.buffer_) {
    const std::size_t bytes = other.block_bytes();
    allocate(bytes);
    std::memcpy(writable(), other.buffer_, bytes);
  } else {
    if (chunk_) static_cast<ProgramChunk*>(chunk_)->release();
    chunk_ = nullptr;
    buffer_ = nullptr;
  }
  return *this;
}

namespace {

bool same_char(char p, char s) noexcept { return p == '?' || p == s; }

// `*` matches any run of characters, `?` any one character; everything else itself.
bool glob(std::string_view p, std::string_view s) noexcept {
  // The part before the first `*` must match the start of `s` and the part after the last `*` its
  // end: checked first, they reject most candidates without the backtracking loop.
  const std::size_t first = p.find('*');
  if (first == std::string_view::npos) {
    if (p.size() != s.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!same_char(p[i], s[i])) return false;
    }
    return true;
  }
  const std::size_t last = p.rfind('*');
  const std::size_t tail = p.size() - last - 1;
  if (s.size() < first + tail) return false;
  for (std::size_t i = 0; i < first; ++i) {
    if (!same_char(p[i], s[i])) return false;
  }
  for (std::size_t i = 0; i < tail; ++i) {
    if (!same_char(p[last + 1 + i], s[s.size() - tail + i])) return false;
  }
  // The middle of the pattern starts and ends with `*`: match it against the middle of `s`.
  p = p.substr(first, last + 1 - first);
  s = s.substr(first, s.size() - tail - first);
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = ++pi;
      mark = si;
    } else if (pi < p.size() && same_char(p[pi], s[si])) {
      ++pi;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

bool ProgramView::match_pat(const Pat& p, std::string_view s) const noexcept {
  const char* lit = chars() + p.offset;
  const std::size_t n = p.length;
  switch (p.shape) {
    case Shape::kMatchAll:
      return true;
    case Shape::kExact:
      if (s.size() != n || !head_matches(p, s.data())) return false;
      return n <= 16 || std::memcmp(s.data() + 16, lit + 16, n - 16) == 0;
    case Shape::kPrefix:
      if (s.size() < n || !head_matches(p, s.data())) return false;
      return n <= 16 || std::memcmp(s.data() + 16, lit + 16, n - 16) == 0;
    case Shape::kSuffix:
      return s.size() >= n && (n == 0 || std::memcmp(s.data() + s.size() - n, lit, n) == 0);
    case Shape::kContains:
      return s.find(std::string_view(lit, n)) != std::string_view::npos;
    case Shape::kGlob:
      return glob(std::string_view(lit, n), s);
    case Shape::kFull:
      break;
  }
  return false;  // kFull is resolved by the caller
}

bool ProgramView::matches_action(const Stmt& s, std::string_view action_lower, const Statement& full) const noexcept {
  if (s.flags & kFullAction) return full.matches_action(action_lower);
  bool any = false;
  const Pat* p = pats() + s.action_begin;
  for (std::uint16_t i = 0; i < s.action_count && !any; ++i) {
    any = p[i].shape == Shape::kFull ? full.actions[p[i].offset].matches(action_lower, nullptr) : match_pat(p[i], action_lower);
  }
  return any != ((s.flags & kNotAction) != 0);
}

bool ProgramView::match_arn(const Arn& r, const match::SplitArn& arn) const noexcept {
  if (r.kind == Arn::Kind::kMatchAll) return true;
  if (arn.count < r.part_count) return false;
  const int last = r.part_count - 1;
  for (int k = 0; k < last; ++k) {
    if (!(r.exact_mask & (1u << k))) continue;
    const std::string_view v = arn.parts[static_cast<std::size_t>(k)];
    if (v.size() != r.seg_length[k]) return false;
    const char* expected = chars() + r.seg_offset[k];
    for (std::size_t i = 0; i < v.size(); ++i) {  // segments are short: no call to memcmp
      if (v[i] != expected[i]) return false;
    }
  }
  const std::string_view rest =
      arn.full.substr(static_cast<std::size_t>(arn.parts[static_cast<std::size_t>(last)].data() - arn.full.data()));
  return match_pat(r.last, rest);
}

bool ProgramView::matches_resource(const Stmt& s, const match::SplitArn& resource, bool request_is_star,
                               const condition::RequestContext& context, const Statement& full) const noexcept {
  if (!(s.flags & kHasResource)) return true;  // trust policies have no Resource element
  if (s.flags & kFullResource) return full.matches_resource(resource, context);
  bool any = false;
  const Arn* a = arns() + s.resource_begin;
  for (std::uint16_t i = 0; i < s.resource_count && !any; ++i) {
    const Arn& r = a[i];
    switch (r.kind) {
      case Arn::Kind::kMatchAll:
        any = true;
        break;
      case Arn::Kind::kFull:
        any = full.resources[r.full_index].matches(resource, &context);
        break;
      case Arn::Kind::kSegments:
        // A request for resource "*" is matched only by a literal "*" (FORMAT.md, `resource`).
        any = !request_is_star && match_arn(r, resource);
        break;
    }
  }
  return any != ((s.flags & kNotResource) != 0);
}

match::PrincipalMatch ProgramView::match_principal(const Stmt& s, const match::CallerIdentity& c,
                                               const Statement& full) const noexcept {
  using match::PrincipalMatch;
  if (s.flags & kFullPrincipal) return full.principal.match(c);
  PrincipalMatch best = (s.flags & kPrincipalWildcard) ? PrincipalMatch::kWildcard : PrincipalMatch::kNone;
  const Who* w = whos() + s.principal_begin;
  const char* text = chars();
  for (std::uint16_t i = 0; i < s.principal_count; ++i) {
    const std::string_view value(text + w[i].text_offset, w[i].text_length);
    switch (w[i].type) {
      case Who::Type::kAws: {
        match::AwsPrincipalView v;
        v.text = value;
        v.wildcard = (w[i].view & 1) != 0;
        v.is_root = (w[i].view & 2) != 0;
        v.is_role = (w[i].view & 4) != 0;
        v.account = std::string_view(text + w[i].account_offset, w[i].account_length);
        v.role_name = std::string_view(text + w[i].role_offset, w[i].role_length);
        const PrincipalMatch m = match::match_aws_value(v, c);
        if (static_cast<int>(m) > static_cast<int>(best)) best = m;
        break;
      }
      case Who::Type::kService:
        if (c.kind == match::CallerKind::kService && match::names_by_type(value, c)) return PrincipalMatch::kService;
        break;
      case Who::Type::kFederated:
        if (c.kind == match::CallerKind::kFederated && match::names_by_type(value, c)) return PrincipalMatch::kFederated;
        break;
    }
  }
  return best;
}

bool ProgramView::clause_holds(const Cond& c, const condition::RequestContext& ctx, const Statement& full) const noexcept {
  using F = condition::OperatorFamily;
  if (c.flags & kFullClause) return full.condition.clauses[c.full_index].evaluate(ctx);
  condition::ContextValues found;
  const bool present = ctx.lookup(std::string_view(chars() + c.key_offset, c.key_length), c.key_hash, &found);
  const CondValue* v = values() + c.value_begin;
  const std::uint16_t n = c.value_count;
  const F f = c.family;
  auto matches_any = [this, v, n, f](std::string_view actual) -> bool {
    switch (f) {
      case F::kStringEquals:
      case F::kStringLike:
      case F::kBinaryEquals:
        for (std::uint16_t i = 0; i < n; ++i) {
          if (match_pat(v[i].pat, actual)) return true;
        }
        return false;
      case F::kStringEqualsIgnoreCase:
      case F::kBool:
        for (std::uint16_t i = 0; i < n; ++i) {
          if (match::iequals(actual, std::string_view(chars() + v[i].pat.offset, v[i].pat.length))) return true;
        }
        return false;
      case F::kArnLike: {
        const match::SplitArn arn = match::SplitArn::of(actual);
        for (std::uint16_t i = 0; i < n; ++i) {
          if (match_arn(arns()[v[i].arn], arn)) return true;
        }
        return false;
      }
      case F::kIpAddress: {
        const auto ip = condition::parse_ip(actual);
        if (!ip) return false;
        for (std::uint16_t i = 0; i < n; ++i) {
          condition::IpNetwork net;
          std::memcpy(net.address.bytes.data(), v[i].net.bytes, 16);
          net.address.v6 = v[i].net.v6 != 0;
          net.prefix = v[i].net.prefix;
          if (net.contains(*ip)) return true;
        }
        return false;
      }
      case F::kNull:
        return false;
      default: {
        const auto number = condition::is_date_family(f) ? condition::parse_date(actual) : condition::parse_number(actual);
        if (!number) return false;
        for (std::uint16_t i = 0; i < n; ++i) {
          if (condition::compare_number(f, *number, v[i].number)) return true;
        }
        return false;
      }
    }
  };
  const std::uint8_t flags = c.flags;
  return condition::clause_holds(
      f, (flags & kNegated) != 0, (flags & kIfExists) != 0, c.qualifier, present ? &found : nullptr, matches_any,
      [flags](bool absent) { return (flags & (absent ? kNullTrue : kNullFalse)) != 0; }, [] { return true; });
}

bool ProgramView::conditions_hold(const Stmt& s, const condition::RequestContext& ctx, const Statement& full) const noexcept {
  if (s.flags & kFullCondition) return full.condition.evaluate(ctx);
  const Cond* c = conds() + s.condition_begin;
  for (std::uint16_t i = 0; i < s.condition_count; ++i) {
    if (!clause_holds(c[i], ctx, full)) return false;
  }
  return true;
}

}  // namespace accessgraph::policy
