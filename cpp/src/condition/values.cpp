#include "accessgraph/condition/values.hpp"

#include <charconv>

namespace accessgraph::condition {

std::optional<double> parse_number(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  // Integers and decimals only: from_chars would also take "inf" and "nan".
  const char first = text.front() == '-' && text.size() > 1 ? text[1] : text.front();
  if (!((first >= '0' && first <= '9') || first == '.')) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int* out) noexcept {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long long days_from_civil(int y, int m, int d) noexcept {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153LL * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) noexcept {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<double> parse_date(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  // Epoch seconds: digits only (optionally with a fraction or sign).
  if (s.size() < 5 || s[4] != '-') return parse_number(s);
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, &year) || !digits(s, 5, 2, &month) || s.size() < 10 || s[7] != '-' ||
      !digits(s, 8, 2, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  std::size_t pos = 10;
  double fraction = 0;
  long long offset = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, &hour) || pos + 2 >= s.size() || s[pos + 2] != ':' || !digits(s, pos + 3, 2, &minute)) {
      return std::nullopt;
    }
    pos += 5;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, pos + 1, 2, &second)) return std::nullopt;
      pos += 3;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        double scale = 0.1;
        std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          fraction += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (pos < s.size()) {
      if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
        pos = s.size();
      } else if (s[pos] == '+' || s[pos] == '-') {
        int oh, om;
        std::size_t p = pos + 1;
        if (!digits(s, p, 2, &oh)) return std::nullopt;
        p += 2;
        if (p < s.size() && s[p] == ':') ++p;
        if (!digits(s, p, 2, &om)) return std::nullopt;
        if (p + 2 != s.size() || oh > 23 || om > 59) return std::nullopt;
        offset = (oh * 3600LL + om * 60LL) * (s[pos] == '+' ? 1 : -1);
      } else {
        return std::nullopt;
      }
    }
  }
  const long long seconds = days_from_civil(year, month, day) * 86400LL + hour * 3600LL + minute * 60LL + second - offset;
  return static_cast<double>(seconds) + fraction;
}

namespace {

bool parse_v4(std::string_view s, std::uint8_t* out) noexcept {
  int part = 0;
  std::size_t i = 0;
  while (part < 4) {
    int v = 0, nd = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && nd < 4) {
      v = v * 10 + (s[i] - '0');
      ++i;
      ++nd;
    }
    if (nd == 0 || nd > 3 || v > 255) return false;
    out[part++] = static_cast<std::uint8_t>(v);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_v6(std::string_view s, std::array<std::uint8_t, 16>& bytes) noexcept {
  std::array<std::uint16_t, 8> head{}, tail{};
  int nhead = 0, ntail = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
  } else if (!s.empty() && s[0] == ':') {
    return false;
  }
  auto push = [&](std::uint16_t v) -> bool {
    if (nhead + ntail >= 8) return false;
    if (compressed) tail[ntail++] = v; else head[nhead++] = v;
    return true;
  };
  while (i < s.size()) {
    // An embedded IPv4 address ends the text (e.g. ::ffff:192.0.2.1).
    std::size_t next_colon = s.find(':', i);
    std::string_view group = s.substr(i, next_colon == std::string_view::npos ? std::string_view::npos : next_colon - i);
    if (next_colon == std::string_view::npos && group.find('.') != std::string_view::npos) {
      std::uint8_t v4[4];
      if (!parse_v4(group, v4)) return false;
      if (!push(static_cast<std::uint16_t>(v4[0] << 8 | v4[1])) || !push(static_cast<std::uint16_t>(v4[2] << 8 | v4[3]))) return false;
      i = s.size();
      break;
    }
    if (group.empty() || group.size() > 4) return false;
    std::uint16_t v = 0;
    for (char c : group) {
      int h = hex_value(c);
      if (h < 0) return false;
      v = static_cast<std::uint16_t>(v << 4 | h);
    }
    if (!push(v)) return false;
    i += group.size();
    if (i < s.size()) {  // at a colon
      if (s.substr(i, 2) == "::") {
        if (compressed) return false;
        compressed = true;
        i += 2;
      } else {
        ++i;
        if (i == s.size()) return false;  // trailing single colon
      }
    }
  }
  if (compressed ? nhead + ntail > 7 : nhead != 8) return false;
  std::array<std::uint16_t, 8> groups{};
  for (int k = 0; k < nhead; ++k) groups[k] = head[k];
  for (int k = 0; k < ntail; ++k) groups[8 - ntail + k] = tail[k];
  for (int k = 0; k < 8; ++k) {
    bytes[2 * k] = static_cast<std::uint8_t>(groups[k] >> 8);
    bytes[2 * k + 1] = static_cast<std::uint8_t>(groups[k] & 0xff);
  }
  return true;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view s) noexcept {
  IpAddress ip;
  if (s.find(':') != std::string_view::npos) {
    if (!parse_v6(s, ip.bytes)) return std::nullopt;
    ip.v6 = true;
    return ip;
  }
  if (!parse_v4(s, ip.bytes.data())) return std::nullopt;
  return ip;
}

std::optional<IpNetwork> parse_network(std::string_view s) noexcept {
  std::size_t slash = s.find('/');
  auto ip = parse_ip(s.substr(0, slash));
  if (!ip) return std::nullopt;
  IpNetwork net{*ip, ip->v6 ? 128 : 32};
  if (slash != std::string_view::npos) {
    std::string_view p = s.substr(slash + 1);
    int prefix = 0;
    if (p.empty() || p.size() > 3) return std::nullopt;
    for (char c : p) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > (ip->v6 ? 128 : 32)) return std::nullopt;
    net.prefix = prefix;
  }
  return net;
}

bool IpNetwork::contains(const IpAddress& ip) const noexcept {
  if (ip.v6 != address.v6) return false;
  int bits = prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((ip.bytes[i] & mask) != (address.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace accessgraph::condition
