#pragma once
// Typed errors for bad policy input. Errors carry a stable code users can grep for,
// a message a person understands, and the JSON pointer (RFC 6901) of the offending element.
#include <stdexcept>
#include <string>

namespace accessgraph::policy {

// Stable error codes. Never renumber or rename: they are part of the public surface.
namespace codes {
inline constexpr const char* kInvalidJson = "invalid-json";
inline constexpr const char* kTooLarge = "too-large";
inline constexpr const char* kTooDeep = "too-deep";
inline constexpr const char* kDuplicateKey = "duplicate-key";
inline constexpr const char* kWrongType = "wrong-type";
inline constexpr const char* kUnknownElement = "unknown-element";
inline constexpr const char* kMissingStatement = "missing-statement";
inline constexpr const char* kMissingEffect = "missing-effect";
inline constexpr const char* kInvalidEffect = "invalid-effect";
inline constexpr const char* kMissingAction = "missing-action";
inline constexpr const char* kConflictingElements = "conflicting-elements";
inline constexpr const char* kUnsupportedVersion = "unsupported-version";
inline constexpr const char* kUnknownPrincipalType = "unknown-principal-type";
inline constexpr const char* kUnknownConditionOperator = "unknown-condition-operator";
inline constexpr const char* kInvalidConditionValue = "invalid-condition-value";
inline constexpr const char* kEmptyValue = "empty-value";
inline constexpr const char* kInvalidVariable = "invalid-variable";
inline constexpr const char* kMissingPrincipal = "missing-principal";        // check_principal_elements
inline constexpr const char* kUnexpectedPrincipal = "unexpected-principal";  // check_principal_elements
inline constexpr const char* kMissingResource = "missing-resource";          // check_resource_elements
}  // namespace codes

class ParseError : public std::runtime_error {
 public:
  ParseError(std::string code, std::string message, std::string json_pointer)
      : std::runtime_error(format(code, message, json_pointer)),
        code_(std::move(code)),
        message_(std::move(message)),
        json_pointer_(std::move(json_pointer)) {}

  const std::string& code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  // "" is the whole document (RFC 6901).
  const std::string& json_pointer() const noexcept { return json_pointer_; }

 private:
  static std::string format(const std::string& code, const std::string& message,
                            const std::string& pointer) {
    return code + " at '" + (pointer.empty() ? std::string("/") : pointer) + "': " + message;
  }
  std::string code_;
  std::string message_;
  std::string json_pointer_;
};

}  // namespace accessgraph::policy
