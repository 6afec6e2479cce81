#include "core/prometheus.h"

#include <gtest/gtest.h>

namespace drover::core {
namespace {

TEST(PromWriter, WritesFamiliesSamplesAndCumulativeBuckets) {
  LatencyHistogram h;
  h.Observe(std::chrono::microseconds(50));   // ≤ 0.0001
  h.Observe(std::chrono::microseconds(700));  // ≤ 0.001
  h.Observe(std::chrono::milliseconds(700));  // ≤ 1
  h.Observe(std::chrono::seconds(30));        // +Inf
  LatencyHistogram::Snapshot s = h.Read();
  EXPECT_EQ(s.count, 4u);
  EXPECT_NEAR(s.sum_seconds, 30.70075, 1e-9);

  PromWriter w;
  w.Family("x_total", "counter", "What x counts,\nback\\slashed.");
  w.Sample("x_total", {{"path", "a\"b\\c\nd"}}, 3);
  w.Family("t_seconds", "histogram", "T.");
  w.Histogram("t_seconds", {{"k", "v"}}, s);
  std::string text = w.Take();
  EXPECT_EQ(text.substr(0, text.find("t_seconds_bucket")),
            "# HELP x_total What x counts,\\nback\\\\slashed.\n"
            "# TYPE x_total counter\n"
            "x_total{path=\"a\\\"b\\\\c\\nd\"} 3\n"
            "# HELP t_seconds T.\n"
            "# TYPE t_seconds histogram\n");
  EXPECT_NE(text.find("t_seconds_bucket{k=\"v\",le=\"0.0001\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_bucket{k=\"v\",le=\"0.00025\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_bucket{k=\"v\",le=\"0.001\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_bucket{k=\"v\",le=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_bucket{k=\"v\",le=\"10\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_bucket{k=\"v\",le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_count{k=\"v\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_sum{k=\"v\"} 30.70075\n"), std::string::npos);
}

}  // namespace
}  // namespace drover::core
