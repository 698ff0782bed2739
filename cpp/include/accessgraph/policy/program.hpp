#pragma once
// The evaluation form of a policy: the hot data of its statements (effect and element flags, the
// services the Action element can name, action and resource patterns and their literal text) in
// one contiguous buffer. Deciding a request then reads a few adjacent cache lines per policy
// instead of following the pointers of the full model (Statement -> Pattern -> std::string ...),
// which is what bounds throughput when many different policies are evaluated.
//
// The full model (policy::Statement) stays the reference: the program is derived from it once, and
// every pattern that does not fit a compact shape (policy variables or `${*}`-style escapes, text
// beyond the 64 KiB a program addresses) is matched by the full model's own pattern, found by
// index; so is every NotPrincipal
// element and every condition clause with a policy variable. Clause semantics (absent keys,
// ...IfExists, set qualifiers) are one template shared with the full model
// (condition::clause_holds).
// tests/cpp/test_program.cpp checks program matching against the full model on random patterns.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "accessgraph/condition/condition.hpp"
#include "accessgraph/condition/context.hpp"
#include "accessgraph/match/arn.hpp"
#include "accessgraph/match/principal.hpp"

namespace accessgraph::policy {

struct Statement;

// A compiled program's block, read-only: what evaluation needs of a program, in one pointer.
// The block starts with its own header (statement count and section offsets), so a view can be
// copied into an evaluation plan (eval::PreparedPolicySet) and used without reading the Policy
// object that owns the program.
class ProgramView {
 public:
  // Statement flags.
  static constexpr std::uint16_t kDeny = 1;
  static constexpr std::uint16_t kNotAction = 2;
  static constexpr std::uint16_t kHasResource = 4;
  static constexpr std::uint16_t kNotResource = 8;
  static constexpr std::uint16_t kHasPrincipal = 16;
  static constexpr std::uint16_t kNotPrincipal = 32;
  static constexpr std::uint16_t kHasCondition = 64;
  static constexpr std::uint16_t kPrincipalWildcard = 128;  // "*" or {"AWS": "*"}
  // Elements matched by the full model: more patterns than the compact form counts, NotResource
  // with policy variables, NotPrincipal, more clauses than the compact form counts.
  static constexpr std::uint16_t kFullAction = 256;
  static constexpr std::uint16_t kFullResource = 512;
  static constexpr std::uint16_t kFullPrincipal = 1024;
  static constexpr std::uint16_t kFullCondition = 2048;

  // One statement: 44 bytes.
  struct Stmt {
    std::uint16_t flags;
    std::uint8_t service_count;  // 0: any service (see Statement::service_hashes)
    std::uint8_t reserved;
    std::uint16_t action_count;
    std::uint16_t resource_count;
    std::uint16_t principal_count;
    std::uint16_t condition_count;
    std::uint32_t service_hashes[4];
    std::uint32_t action_begin;     // index of the first action pattern
    std::uint32_t resource_begin;   // index of the first resource pattern
    std::uint32_t principal_begin;  // index of the first principal value
    std::uint32_t condition_begin;  // index of the first condition clause
  };

  // kGlob: the pattern text with `*` and `?` wildcards (and no policy variable).
  enum class Shape : std::uint8_t { kMatchAll, kExact, kPrefix, kSuffix, kContains, kGlob, kFull };
  // A string pattern: 24 bytes. kFull: `offset` is the pattern's index in its statement's list.
  struct Pat {
    Shape shape;
    std::uint8_t head_length;  // min(length, 16)
    std::uint16_t length;      // of the literal, in `chars`
    std::uint16_t offset;
    std::uint16_t reserved;
    std::uint64_t head[2];     // the literal's first (up to) 16 bytes, zero-padded: most literals
                               // are compared without reading `chars`
  };

  // A resource pattern: 48 bytes. ARN-shaped patterns without variables compare the first five
  // segments (`*` or exact text) and match the rest with `last`.
  struct Arn {
    enum class Kind : std::uint8_t { kMatchAll, kSegments, kFull } kind;
    std::uint8_t part_count;
    std::uint8_t exact_mask;        // bit i: segment i is exact text (else `*`)
    std::uint8_t seg_length[5];
    std::uint16_t seg_offset[5];
    std::uint16_t full_index;       // kFull: the pattern's index in its statement's list
    Pat last;
  };

  // One value of a Principal element: 16 bytes. AWS values keep what they name
  // (match::AwsPrincipalView) so that matching never re-parses an ARN.
  struct Who {
    enum class Type : std::uint8_t { kAws, kService, kFederated } type;  // kFederated: also CanonicalUser
    std::uint8_t view;  // 1: "*", 2: account root ARN, 4: role ARN
    std::uint16_t text_offset, text_length;
    std::uint16_t account_offset;
    std::uint8_t account_length;
    std::uint8_t reserved;
    std::uint16_t role_offset, role_length;
    std::uint16_t reserved2;
  };

  // One condition clause: 24 bytes. Clause flags:
  static constexpr std::uint8_t kNegated = 1, kIfExists = 2, kFullClause = 4, kNullTrue = 8, kNullFalse = 16;
  struct Cond {
    std::uint64_t key_hash;  // condition::RequestContext::key_hash of the lower-cased key
    condition::OperatorFamily family;
    std::uint8_t flags;
    condition::SetQualifier qualifier;
    std::uint8_t reserved;
    std::uint16_t key_offset, key_length;
    std::uint16_t value_count;
    std::uint16_t full_index;  // kFullClause: the clause's index in the statement's block
    std::uint32_t value_begin;
  };
  // One policy value of a clause: 24 bytes.
  struct CondValue {
    union {
      Pat pat;             // String* (case-insensitive for ...IgnoreCase), Bool (case-insensitive), Binary
      double number;       // Numeric*, Date* (epoch seconds)
      std::uint32_t arn;   // Arn*: index into the resource-pattern section
      struct {
        std::uint8_t bytes[16];
        std::uint8_t v6;
        std::uint8_t prefix;
      } net;               // IpAddress
    };
  };

  ProgramView() = default;

  std::size_t size() const noexcept { return buffer_ ? header().count : 0; }
  const Stmt& statement(std::size_t i) const noexcept { return stmts()[i]; }
  const void* data() const noexcept { return buffer_; }  // for prefetching
  std::size_t block_bytes() const noexcept { return buffer_ ? header().bytes : 0; }  // readable from data()

  static bool may_name_service(const Stmt& s, std::uint32_t service_hash) noexcept {
    if (s.service_count == 0) return true;
    for (std::uint8_t i = 0; i < s.service_count; ++i) {
      if (s.service_hashes[i] == service_hash) return true;
    }
    return false;
  }
  // `full` is the statement the program entry was built from (read only for kFull patterns).
  bool matches_action(const Stmt& s, std::string_view action_lower, const Statement& full) const noexcept;
  // `request_is_star`: the request's resource is "*" (matched only by a literal "*").
  bool matches_resource(const Stmt& s, const match::SplitArn& resource, bool request_is_star,
                        const condition::RequestContext& context, const Statement& full) const noexcept;
  // Every clause of the statement's Condition block holds (closed-world context only; an
  // open-world context is evaluated by the full model).
  bool conditions_hold(const Stmt& s, const condition::RequestContext& context, const Statement& full) const noexcept;
  // The statement's Principal element (not NotPrincipal) applied to the caller, as
  // match::PrincipalSpec::match.
  match::PrincipalMatch match_principal(const Stmt& s, const match::CallerIdentity& caller,
                                        const Statement& full) const noexcept;

 protected:
  // The first 32 bytes of every block; offsets count from the block's start.
  struct Header {
    std::uint32_t count;  // statements (a policy of at most 1 MiB has fewer than 2^32)
    std::uint32_t pats_at, arns_at, whos_at, conds_at, values_at, chars_at;
    std::uint32_t bytes;  // of the whole block, header included
  };
  static constexpr std::size_t kHeaderBytes = 32;
  const Header& header() const noexcept { return *reinterpret_cast<const Header*>(buffer_); }

  // One block: [Header][Stmt x count][Pat ...][Arn ...][Who ...][Cond ...][CondValue ...][chars ...];
  // sections start 8-aligned.
  const unsigned char* buffer_ = nullptr;

 private:
  const Stmt* stmts() const noexcept { return reinterpret_cast<const Stmt*>(buffer_ + kHeaderBytes); }
  const Pat* pats() const noexcept { return reinterpret_cast<const Pat*>(buffer_ + header().pats_at); }
  const Arn* arns() const noexcept { return reinterpret_cast<const Arn*>(buffer_ + header().arns_at); }
  const Who* whos() const noexcept { return reinterpret_cast<const Who*>(buffer_ + header().whos_at); }
  const Cond* conds() const noexcept { return reinterpret_cast<const Cond*>(buffer_ + header().conds_at); }
  const CondValue* values() const noexcept { return reinterpret_cast<const CondValue*>(buffer_ + header().values_at); }
  const char* chars() const noexcept { return reinterpret_cast<const char*>(buffer_ + header().chars_at); }
  bool match_arn(const Arn& a, const match::SplitArn& arn) const noexcept;
  bool clause_holds(const Cond& c, const condition::RequestContext& context, const Statement& full) const noexcept;
  bool match_pat(const Pat& p, std::string_view s) const noexcept;
};

// A policy's program: owns its block. Blocks are carved from shared, reference-counted chunks
// (one per thread at a time), so that the programs of policies parsed one after another lie next
// to each other in memory: the policies of one request are then read as one stream (program.cpp,
// ProgramChunk).
class Program : public ProgramView {
 public:
  Program() = default;
  explicit Program(const std::vector<Statement>& statements);
  Program(const Program& other) : ProgramView() { *this = other; }
  Program& operator=(const Program& other);
  Program(Program&& other) noexcept : ProgramView() { swap(other); }
  Program& operator=(Program&& other) noexcept {
    Program tmp(std::move(other));
    swap(tmp);
    return *this;
  }
  ~Program();
  void swap(Program& other) noexcept;

  const ProgramView& view() const noexcept { return *this; }

 private:
  void allocate(std::size_t bytes);
  unsigned char* writable() noexcept { return const_cast<unsigned char*>(buffer_); }
  void* chunk_ = nullptr;
};

static_assert(sizeof(Program::Stmt) == 44, "documented size");
static_assert(sizeof(ProgramView) == 8, "one pointer: copied into evaluation plans");
static_assert(sizeof(Program) == 16, "see Policy");
static_assert(sizeof(Program::Pat) == 24, "documented size");
static_assert(sizeof(Program::Arn) == 48, "documented size");
static_assert(sizeof(Program::Who) == 16, "documented size");
static_assert(sizeof(Program::Cond) == 24, "documented size");
static_assert(sizeof(Program::CondValue) == 24, "documented size");

}  // namespace accessgraph::policy
