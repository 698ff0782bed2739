#pragma once
// Typed condition values: numbers, dates, IP networks. Parsing never allocates, so request-side
// values can be parsed on the hot path.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace accessgraph::condition {

// Decimal number (IAM Numeric operators accept integers and decimals).
std::optional<double> parse_number(std::string_view text) noexcept;

// An instant in seconds since the Unix epoch. Accepts ISO 8601 dates/times (`2026-01-31`,
// `2026-01-31T12:00:00Z`, fractional seconds, `+hh:mm` offsets) and epoch seconds.
std::optional<double> parse_date(std::string_view text) noexcept;

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v6 = false;
};
std::optional<IpAddress> parse_ip(std::string_view text) noexcept;

struct IpNetwork {
  IpAddress address;
  int prefix = 0;
  bool contains(const IpAddress& ip) const noexcept;
};
// `a.b.c.d/nn`, IPv6 `x::y/nn`, or a bare address (a /32 or /128 network).
std::optional<IpNetwork> parse_network(std::string_view text) noexcept;

}  // namespace accessgraph::condition
