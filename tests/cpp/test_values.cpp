// Typed condition values: numbers, dates, IP addresses and networks.
// Numbers: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
// Dates (ISO 8601 and epoch): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
// IP (RFC 4632 CIDR, IPv4 and IPv6): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
#include <gtest/gtest.h>

#include <string>

#include "accessgraph/condition/values.hpp"

namespace {

using accessgraph::condition::parse_date;
using accessgraph::condition::parse_ip;
using accessgraph::condition::parse_network;
using accessgraph::condition::parse_number;

// ---------------------------------------------------------------------------------------------
// parse_number
// ---------------------------------------------------------------------------------------------

TEST(ParseNumber, IntegersAndDecimals) {
  ASSERT_TRUE(parse_number("0"));
  EXPECT_DOUBLE_EQ(*parse_number("0"), 0.0);
  EXPECT_DOUBLE_EQ(*parse_number("10"), 10.0);
  EXPECT_DOUBLE_EQ(*parse_number("-2"), -2.0);
  EXPECT_DOUBLE_EQ(*parse_number("2.5"), 2.5);
  EXPECT_DOUBLE_EQ(*parse_number("-0.125"), -0.125);
  EXPECT_DOUBLE_EQ(*parse_number("1.50"), 1.5);
  EXPECT_DOUBLE_EQ(*parse_number("3600"), 3600.0);
  EXPECT_DOUBLE_EQ(*parse_number("1769860800"), 1769860800.0);
}

TEST(ParseNumber, InvalidInputIsRejected) {
  EXPECT_FALSE(parse_number(""));
  EXPECT_FALSE(parse_number("abc"));
  EXPECT_FALSE(parse_number("1a"));
  EXPECT_FALSE(parse_number("1.2.3"));
  EXPECT_FALSE(parse_number("--1"));
  EXPECT_FALSE(parse_number("-"));
  EXPECT_FALSE(parse_number("."));
  EXPECT_FALSE(parse_number("1,5"));
  EXPECT_FALSE(parse_number("ten"));
  EXPECT_FALSE(parse_number("0x10"));
  EXPECT_FALSE(parse_number("nan"));
  EXPECT_FALSE(parse_number("inf"));
  EXPECT_FALSE(parse_number("1 2"));
}

// ---------------------------------------------------------------------------------------------
// parse_date
// ---------------------------------------------------------------------------------------------

TEST(ParseDate, IsoDateTimeUtc) {
  ASSERT_TRUE(parse_date("2026-01-31T12:00:00Z"));
  EXPECT_DOUBLE_EQ(*parse_date("2026-01-31T12:00:00Z"), 1769860800.0);
  EXPECT_DOUBLE_EQ(*parse_date("1970-01-01T00:00:00Z"), 0.0);
  EXPECT_DOUBLE_EQ(*parse_date("2000-03-01T00:00:00Z"), 951868800.0);
}

TEST(ParseDate, DateOnlyIsMidnightUtc) {
  ASSERT_TRUE(parse_date("2026-01-31"));
  EXPECT_DOUBLE_EQ(*parse_date("2026-01-31"), 1769817600.0);
}

TEST(ParseDate, LeapDay) {
  ASSERT_TRUE(parse_date("2024-02-29T00:00:00Z"));
  EXPECT_DOUBLE_EQ(*parse_date("2024-02-29T00:00:00Z"), 1709164800.0);
  EXPECT_FALSE(parse_date("2025-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_date("2100-02-29"));  // not a leap year (divisible by 100, not 400)
  EXPECT_TRUE(parse_date("2000-02-29"));   // leap year (divisible by 400)
}

TEST(ParseDate, FractionalSecondsAndOffsets) {
  ASSERT_TRUE(parse_date("2026-01-31T12:00:00.5Z"));
  EXPECT_DOUBLE_EQ(*parse_date("2026-01-31T12:00:00.5Z"), 1769860800.5);
  ASSERT_TRUE(parse_date("2026-01-31T13:00:00+01:00"));
  EXPECT_DOUBLE_EQ(*parse_date("2026-01-31T13:00:00+01:00"), 1769860800.0);
  ASSERT_TRUE(parse_date("2026-01-31T07:30:00-04:30"));
  EXPECT_DOUBLE_EQ(*parse_date("2026-01-31T07:30:00-04:30"), 1769860800.0);
}

TEST(ParseDate, EpochSeconds) {
  ASSERT_TRUE(parse_date("1769860800"));
  EXPECT_DOUBLE_EQ(*parse_date("1769860800"), 1769860800.0);
  ASSERT_TRUE(parse_date("0"));
  EXPECT_DOUBLE_EQ(*parse_date("0"), 0.0);
}

TEST(ParseDate, InvalidInputIsRejected) {
  EXPECT_FALSE(parse_date(""));
  EXPECT_FALSE(parse_date("yesterday"));
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("2026-00-10"));
  EXPECT_FALSE(parse_date("2026-01-32"));
  EXPECT_FALSE(parse_date("2026-02-30"));
  EXPECT_FALSE(parse_date("2026-04-31"));
  EXPECT_FALSE(parse_date("2026-01-31T25:00:00Z"));
  EXPECT_FALSE(parse_date("2026-01-31T12:60:00Z"));
  EXPECT_FALSE(parse_date("2026-01-31T12:00:00+25:00"));
  EXPECT_FALSE(parse_date("2026-1-31"));
  EXPECT_FALSE(parse_date("2026-01-31T"));
  EXPECT_FALSE(parse_date("2026-01-31T12:00:00Zjunk"));
  EXPECT_FALSE(parse_date("31/01/2026"));
  EXPECT_FALSE(parse_date("12abc"));
}

// ---------------------------------------------------------------------------------------------
// parse_ip
// ---------------------------------------------------------------------------------------------

TEST(ParseIp, Ipv4) {
  const auto ip = parse_ip("203.0.113.7");
  ASSERT_TRUE(ip);
  EXPECT_FALSE(ip->v6);
  EXPECT_TRUE(parse_ip("0.0.0.0"));
  EXPECT_TRUE(parse_ip("255.255.255.255"));
}

TEST(ParseIp, Ipv6) {
  const auto ip = parse_ip("2001:db8::1");
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->v6);
  EXPECT_EQ(ip->bytes[0], 0x20);
  EXPECT_EQ(ip->bytes[1], 0x01);
  EXPECT_EQ(ip->bytes[2], 0x0d);
  EXPECT_EQ(ip->bytes[3], 0xb8);
  EXPECT_EQ(ip->bytes[15], 0x01);
  for (int i = 4; i < 15; ++i) EXPECT_EQ(ip->bytes[static_cast<std::size_t>(i)], 0) << i;

  const auto loopback = parse_ip("::1");
  ASSERT_TRUE(loopback);
  EXPECT_TRUE(loopback->v6);
  EXPECT_EQ(loopback->bytes[15], 1);

  const auto any = parse_ip("::");
  ASSERT_TRUE(any);
  EXPECT_TRUE(any->v6);

  const auto full = parse_ip("2001:0DB8:1234:5678:9abc:def0:1111:2222");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->bytes[14], 0x22);
  EXPECT_EQ(full->bytes[5], 0x34);

  // Upper and lower case hex are the same address.
  const auto upper = parse_ip("2001:DB8::1");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->bytes, ip->bytes);
}

TEST(ParseIp, InvalidInputIsRejected) {
  EXPECT_FALSE(parse_ip(""));
  EXPECT_FALSE(parse_ip("256.0.0.1"));
  EXPECT_FALSE(parse_ip("1.2.3"));
  EXPECT_FALSE(parse_ip("1.2.3.4.5"));
  EXPECT_FALSE(parse_ip("1.2.3."));
  EXPECT_FALSE(parse_ip("a.b.c.d"));
  EXPECT_FALSE(parse_ip("1.2.3.4/24"));  // a network, not an address
  EXPECT_FALSE(parse_ip("2001:db8:::1"));
  EXPECT_FALSE(parse_ip("2001::db8::1"));  // two "::"
  EXPECT_FALSE(parse_ip("gggg::1"));
  EXPECT_FALSE(parse_ip("12345::1"));
  EXPECT_FALSE(parse_ip("1:2:3:4:5:6:7:8:9"));
  EXPECT_FALSE(parse_ip("1:2:3:4:5:6:7"));
  EXPECT_FALSE(parse_ip("localhost"));
}

// ---------------------------------------------------------------------------------------------
// parse_network
// ---------------------------------------------------------------------------------------------

TEST(ParseNetwork, Ipv4Cidr) {
  const auto net = parse_network("10.0.0.0/8");
  ASSERT_TRUE(net);
  EXPECT_EQ(net->prefix, 8);
  EXPECT_TRUE(net->contains(*parse_ip("10.255.1.1")));
  EXPECT_TRUE(net->contains(*parse_ip("10.0.0.0")));
  EXPECT_FALSE(net->contains(*parse_ip("11.0.0.1")));
  EXPECT_FALSE(net->contains(*parse_ip("9.255.255.255")));

  const auto net24 = parse_network("203.0.113.0/24");
  ASSERT_TRUE(net24);
  EXPECT_TRUE(net24->contains(*parse_ip("203.0.113.254")));
  EXPECT_FALSE(net24->contains(*parse_ip("203.0.112.254")));

  const auto odd = parse_network("192.168.0.0/23");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->contains(*parse_ip("192.168.1.200")));
  EXPECT_FALSE(odd->contains(*parse_ip("192.168.2.1")));
}

TEST(ParseNetwork, BareAddressIsAHostNetwork) {
  const auto v4 = parse_network("203.0.113.7");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->prefix, 32);
  EXPECT_TRUE(v4->contains(*parse_ip("203.0.113.7")));
  EXPECT_FALSE(v4->contains(*parse_ip("203.0.113.6")));
  const auto v6 = parse_network("2001:db8::7");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->prefix, 128);
  EXPECT_TRUE(v6->contains(*parse_ip("2001:db8::7")));
  EXPECT_FALSE(v6->contains(*parse_ip("2001:db8::8")));
}

TEST(ParseNetwork, ZeroPrefixContainsWholeFamily) {
  const auto all4 = parse_network("0.0.0.0/0");
  ASSERT_TRUE(all4);
  EXPECT_TRUE(all4->contains(*parse_ip("8.8.8.8")));
  EXPECT_TRUE(all4->contains(*parse_ip("255.255.255.255")));
  EXPECT_FALSE(all4->contains(*parse_ip("2001:db8::1")));
  const auto all6 = parse_network("::/0");
  ASSERT_TRUE(all6);
  EXPECT_TRUE(all6->contains(*parse_ip("2001:db8::1")));
  EXPECT_FALSE(all6->contains(*parse_ip("8.8.8.8")));
}

TEST(ParseNetwork, Ipv6Cidr) {
  const auto net = parse_network("2001:DB8:1234:5678::/64");
  ASSERT_TRUE(net);
  EXPECT_EQ(net->prefix, 64);
  EXPECT_TRUE(net->contains(*parse_ip("2001:db8:1234:5678::1")));
  EXPECT_TRUE(net->contains(*parse_ip("2001:db8:1234:5678:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(net->contains(*parse_ip("2001:db8:1234:5679::")));
  const auto net32 = parse_network("2001:db8::/32");
  ASSERT_TRUE(net32);
  EXPECT_TRUE(net32->contains(*parse_ip("2001:db8:ffff::1")));
  EXPECT_FALSE(net32->contains(*parse_ip("2001:db9::1")));
  const auto net65 = parse_network("2001:db8::/65");
  ASSERT_TRUE(net65);
  EXPECT_TRUE(net65->contains(*parse_ip("2001:db8::7fff:ffff:ffff:ffff")));
  EXPECT_FALSE(net65->contains(*parse_ip("2001:db8::8000:0:0:0")));
}

TEST(ParseNetwork, FamiliesDoNotMix) {
  const auto v4 = parse_network("0.0.0.0/0");
  const auto v6 = parse_network("::/0");
  ASSERT_TRUE(v4 && v6);
  EXPECT_FALSE(v4->contains(*parse_ip("::1")));
  EXPECT_FALSE(v6->contains(*parse_ip("127.0.0.1")));
}

TEST(ParseNetwork, InvalidInputIsRejected) {
  EXPECT_FALSE(parse_network(""));
  EXPECT_FALSE(parse_network("10.0.0.0/33"));
  EXPECT_FALSE(parse_network("10.0.0.0/-1"));
  EXPECT_FALSE(parse_network("10.0.0.0/"));
  EXPECT_FALSE(parse_network("10.0.0.0/8/8"));
  EXPECT_FALSE(parse_network("10.0.0.0/abc"));
  EXPECT_FALSE(parse_network("/8"));
  EXPECT_FALSE(parse_network("300.0.0.0/8"));
  EXPECT_FALSE(parse_network("2001:db8::/129"));
  EXPECT_FALSE(parse_network("2001:db8::/"));
  EXPECT_FALSE(parse_network("2001:db8:::/64"));
  EXPECT_FALSE(parse_network("not-an-ip"));
}

}  // namespace
