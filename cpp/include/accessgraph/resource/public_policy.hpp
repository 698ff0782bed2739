#pragma once
// When is a resource policy "public"? Amazon S3 considers a bucket policy public unless every
// statement open to all principals is restricted to fixed values of a key that pins the caller or
// its network (S3 User Guide, "The meaning of public"; also used by S3 Block Public Access).
#include "accessgraph/policy/policy.hpp"

namespace accessgraph::resource {

// An Allow statement open to every principal ("*" or NotPrincipal) with no condition that
// restricts it to fixed values.
bool is_public_statement(const policy::Statement& statement) noexcept;
bool is_public_policy(const policy::Policy& policy) noexcept;

}  // namespace accessgraph::resource
