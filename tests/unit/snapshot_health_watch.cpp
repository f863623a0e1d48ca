// snapshot_health_watch.cpp — health alerts fed with synthetic samples (raised once per
// episode, cleared when the condition ends, raised again on a new episode), real samples, and
// the sampling thread's start/stop.
#define BOOST_TEST_MODULE snapshot_health_watch
#include <boost/test/unit_test.hpp>

#include "snapshot/health_watch.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <thread>

namespace json = boost::json;
namespace snap = runtimo::snapshot;
using std::chrono::milliseconds;

namespace {

struct Sample {
  double cpu = 10;
  double mem_available = 80;
  double disk_root = 40;
  double disk_data = 40;
  int zombies = 0;
  bool since_boot = false;
};

// Feeds one synthetic sample at time ts.
void feed(snap::HealthWatch &w, double ts, const Sample &s) {
  const json::object telemetry{
      {"cpu", json::object{{"utilisation_pct", s.cpu}, {"since_boot", s.since_boot}}},
      {"memory", json::object{{"available_pct", s.mem_available}}},
      {"disks", json::array{json::object{{"path", "/"}, {"used_pct", s.disk_root}},
                            json::object{{"path", "/data"}, {"used_pct", s.disk_data}}}},
      {"capture", json::object{{"ts", ts}}}};
  const json::object summary{{"zombies", s.zombies}, {"total", 100}};
  w.sample_from(telemetry, summary);
}

snap::HealthWatch::Thresholds thresholds() {
  snap::HealthWatch::Thresholds t;
  t.cpu_pct = 90;
  t.sustained_samples = 3;
  t.mem_available_pct_min = 10;
  t.zombies_max = 20;
  t.disk_used_pct_max = 90;
  return t;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::size_t active(const snap::HealthWatch &w, const std::string &kind) {
  std::size_t n = 0;
  const json::object state = w.state();
  for (const json::value &a : state.at("active_alerts").as_array())
    if (a.as_object().at("kind").as_string() == kind) ++n;
  return n;
}

std::vector<json::object> history(const snap::HealthWatch &w, const std::string &kind) {
  std::vector<json::object> out;
  const json::object state = w.state();
  for (const json::value &a : state.at("history").as_array())
    if (a.as_object().at("kind").as_string() == kind) out.push_back(a.as_object());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(cpu_alert_needs_n_consecutive_high_samples_and_fires_once_per_episode) {
  snap::HealthWatch w(thresholds());
  Sample high;
  high.cpu = 95;
  feed(w, 1, high);
  feed(w, 2, high);
  BOOST_TEST(active(w, "cpu_sustained") == 0u);
  feed(w, 3, high);
  BOOST_TEST(active(w, "cpu_sustained") == 1u);
  for (int t = 4; t < 10; ++t) feed(w, t, high);  // still the same episode
  auto h = history(w, "cpu_sustained");
  BOOST_TEST_REQUIRE(h.size() == 1u);
  BOOST_TEST(h[0].at("since").to_number<double>() == 1.0);
  BOOST_TEST(h[0].at("raised").to_number<double>() == 3.0);
  BOOST_TEST(h[0].at("cleared").is_null());
  BOOST_TEST(h[0].at("threshold").to_number<double>() == 90.0);
  BOOST_TEST(!h[0].at("message").as_string().empty());

  feed(w, 10, Sample{});  // back to normal: cleared
  BOOST_TEST(active(w, "cpu_sustained") == 0u);
  h = history(w, "cpu_sustained");
  BOOST_TEST_REQUIRE(h.size() == 1u);
  BOOST_TEST(h[0].at("cleared").to_number<double>() == 10.0);

  feed(w, 11, high);
  feed(w, 12, high);
  BOOST_TEST(active(w, "cpu_sustained") == 0u);
  feed(w, 13, high);  // a new episode
  BOOST_TEST(active(w, "cpu_sustained") == 1u);
  BOOST_TEST(history(w, "cpu_sustained").size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_interrupted_high_cpu_streak_raises_nothing) {
  snap::HealthWatch w(thresholds());
  Sample high;
  high.cpu = 99;
  feed(w, 1, high);
  feed(w, 2, high);
  feed(w, 3, Sample{});
  feed(w, 4, high);
  feed(w, 5, high);
  BOOST_TEST(history(w, "cpu_sustained").empty());
  // A since-boot figure (a sampler's first capture) does not count either way.
  Sample boot = high;
  boot.since_boot = true;
  feed(w, 6, boot);
  BOOST_TEST(history(w, "cpu_sustained").empty());
  feed(w, 7, high);
  BOOST_TEST(history(w, "cpu_sustained").size() == 1u);
}

BOOST_AUTO_TEST_CASE(memory_alert_raised_once_cleared_and_raised_again) {
  snap::HealthWatch w(thresholds());
  Sample low;
  low.mem_available = 5;
  feed(w, 1, low);
  BOOST_TEST(active(w, "memory_low") == 1u);
  low.mem_available = 3;
  feed(w, 2, low);
  auto h = history(w, "memory_low");
  BOOST_TEST_REQUIRE(h.size() == 1u);
  BOOST_TEST(h[0].at("value").to_number<double>() == 3.0);
  BOOST_TEST(h[0].at("worst").to_number<double>() == 3.0);
  feed(w, 3, Sample{});
  BOOST_TEST(active(w, "memory_low") == 0u);
  feed(w, 4, low);
  BOOST_TEST(active(w, "memory_low") == 1u);
  h = history(w, "memory_low");
  BOOST_TEST_REQUIRE(h.size() == 2u);
  BOOST_TEST(h[0].at("cleared").to_number<double>() == 3.0);
  BOOST_TEST(h[1].at("cleared").is_null());
}

BOOST_AUTO_TEST_CASE(zombie_alert_above_the_maximum_only) {
  snap::HealthWatch w(thresholds());
  Sample s;
  s.zombies = 20;  // at the maximum: fine
  feed(w, 1, s);
  BOOST_TEST(active(w, "zombies") == 0u);
  s.zombies = 21;
  feed(w, 2, s);
  feed(w, 3, s);
  BOOST_TEST(active(w, "zombies") == 1u);
  BOOST_TEST(history(w, "zombies").size() == 1u);
  s.zombies = 0;
  feed(w, 4, s);
  BOOST_TEST(active(w, "zombies") == 0u);
  s.zombies = 50;
  feed(w, 5, s);
  BOOST_TEST(history(w, "zombies").size() == 2u);
}

BOOST_AUTO_TEST_CASE(disk_alerts_are_per_filesystem) {
  snap::HealthWatch w(thresholds());
  Sample s;
  s.disk_data = 95;
  feed(w, 1, s);
  feed(w, 2, s);
  BOOST_TEST(active(w, "disk_full") == 1u);
  auto h = history(w, "disk_full");
  BOOST_TEST_REQUIRE(h.size() == 1u);
  BOOST_TEST(h[0].at("path").as_string() == "/data");
  s.disk_root = 91;
  feed(w, 3, s);
  BOOST_TEST(active(w, "disk_full") == 2u);
  s.disk_data = 50;
  feed(w, 4, s);
  BOOST_TEST(active(w, "disk_full") == 1u);
  h = history(w, "disk_full");
  BOOST_TEST_REQUIRE(h.size() == 2u);
  BOOST_TEST(h[0].at("cleared").to_number<double>() == 4.0);
  BOOST_TEST(h[1].at("path").as_string() == "/");
}

BOOST_AUTO_TEST_CASE(history_keeps_the_last_50_alerts) {
  snap::HealthWatch w(thresholds());
  Sample bad;
  bad.zombies = 100;
  for (int i = 0; i < 60; ++i) {
    feed(w, 2 * i, bad);
    feed(w, 2 * i + 1, Sample{});
  }
  const auto h = history(w, "zombies");
  BOOST_TEST_REQUIRE(h.size() == 50u);
  BOOST_TEST(h.front().at("raised").to_number<double>() == 20.0);  // the first 10 dropped
  const json::object state = w.state();
  BOOST_TEST(state.at("samples").to_number<int>() == 120);
  BOOST_TEST(state.at("last").as_object().at("zombies").to_number<int>() == 0);
}

BOOST_AUTO_TEST_CASE(a_real_sample_fills_the_last_values) {
  snap::HealthWatch w(thresholds(), {"/"});
  w.sample();
  std::this_thread::sleep_for(milliseconds(300));  // a CPU interval long enough to measure
  w.sample();
  const json::object state = w.state();
  BOOST_TEST(state.at("samples").to_number<int>() == 2);
  BOOST_TEST(!state.at("running").as_bool());
  const json::object &last = state.at("last").as_object();
  BOOST_TEST(last.at("mem_available_pct").is_number());
  BOOST_TEST(last.at("cpu_utilisation_pct").is_number());  // the second sample has an interval
  BOOST_TEST(last.at("zombies").is_number());
  BOOST_TEST(last.at("processes").to_number<int>() > 1);
  BOOST_TEST(last.at("disks").as_array()[0].as_object().at("path").as_string() == "/");
}

BOOST_AUTO_TEST_CASE(start_samples_periodically_and_stop_joins_promptly) {
  snap::HealthWatch w(thresholds());
  w.start(milliseconds(20));
  BOOST_TEST(w.running());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (w.state().at("samples").to_number<int>() < 3 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(5));
  BOOST_TEST(w.state().at("samples").to_number<int>() >= 3);
  BOOST_TEST(w.state().at("period_ms").to_number<int>() == 20);
  const auto t0 = std::chrono::steady_clock::now();
  w.stop();
  BOOST_TEST(ms_since(t0) < 100.0);
  BOOST_TEST(!w.running());
  BOOST_TEST(!w.state().at("running").as_bool());
}

BOOST_AUTO_TEST_CASE(stop_wakes_a_thread_waiting_out_a_long_period) {
  snap::HealthWatch w(thresholds());
  w.start(std::chrono::hours(1));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (w.state().at("samples").to_number<int>() < 1 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(5));
  std::this_thread::sleep_for(milliseconds(20));  // now waiting on the condition variable
  const auto t0 = std::chrono::steady_clock::now();
  w.stop();
  BOOST_TEST(ms_since(t0) < 100.0);
  BOOST_TEST(!w.running());
  // Restartable after a stop; the destructor stops a running watch.
  w.start(milliseconds(50));
  BOOST_TEST(w.running());
}
