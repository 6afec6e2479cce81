#include "runner/content_sniffer.h"

#include <gtest/gtest.h>

#include <string>

namespace drover::runner {
namespace {

// A 1×1 PNG's first bytes: the signature and the IHDR chunk.
const std::string kPng(
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);

TEST(ContentSnifferTest, TheBytesDecideUnlessTheySayOnlyTextOrData) {
  ContentSniffer sniff;
  EXPECT_EQ(sniff.TypeOf("scan.dat", kPng), "image/png");   // named otherwise
  EXPECT_EQ(sniff.TypeOf("photo.JPG", kPng), "image/png");  // misnamed
  EXPECT_EQ(sniff.TypeOf("report", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "application/pdf");
  EXPECT_EQ(sniff.TypeOf("fake.jpg", "jpg-bytes"), "image/jpeg");  // plain text: the name
  EXPECT_EQ(sniff.TypeOf("data.json", "{\"a\": 1}\n"), "application/json");
  EXPECT_EQ(sniff.TypeOf("readme.txt", "hello\n"), "text/plain");
  EXPECT_EQ(sniff.TypeOf("empty.csv", ""), "text/csv");
  EXPECT_EQ(sniff.TypeOf("noext", std::string("\x01\x02\x03\x04\xff\xfe", 6)),
            "application/octet-stream");
}

}  // namespace
}  // namespace drover::runner
