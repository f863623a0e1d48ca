// The `runtimo` command as users and programs drive it: real processes, a temporary home,
// exit codes, JSON on stdout, the journal on disk.
#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"

#include <boost/json.hpp>

#include <sys/wait.h>

#include <fstream>
#include <set>

using namespace runtimo::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

json::object parse_object(const std::string &text) {
  BOOST_TEST_INFO("stdout: " << text);
  return json::parse(text).as_object();
}

// CRC-32C computed bit by bit, independently of the runtime's Boost.CRC.
std::uint32_t reference_crc32c(std::string_view bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  }
  return crc ^ 0xFFFFFFFFu;
}

}  // namespace

BOOST_AUTO_TEST_CASE(version_and_help_on_every_command) {
  Cli cli;
  BOOST_TEST(cli({"--version"}).exit_code == 0);
  for (const char *cmd : {"list", "describe", "run", "logs", "status", "plugins", "wal", "telemetry",
                          "processes"}) {
    const Captured c = cli({cmd, "--help"});
    BOOST_TEST(c.exit_code == 0, cmd);
    BOOST_TEST(c.out.find("usage:") != std::string::npos, cmd);
  }
  BOOST_TEST(cli({"frobnicate"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(list_and_describe_show_the_shipped_capabilities) {
  Cli cli;
  const Captured list = cli({"list", "--json"});
  BOOST_TEST(list.exit_code == 0);
  std::set<std::string> names;
  const json::value listed = json::parse(list.out);
  for (const auto &c : listed.as_array()) names.insert(std::string(c.at("name").as_string()));
  BOOST_TEST(names.count("Kill") == 1u);
  BOOST_TEST(names.count("FileRead") == 1u);
  const Captured d = cli({"describe", "kill", "--json"});
  BOOST_TEST(d.exit_code == 0);
  const auto o = parse_object(d.out);
  BOOST_TEST(o.at("name").as_string() == "Kill");
  BOOST_TEST(o.at("schema").at("properties").as_object().contains("pid"));
  const Captured unknown = cli({"describe", "Kil"});
  BOOST_TEST(unknown.exit_code == 2);
  BOOST_TEST(unknown.err.find("Kill") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(run_file_read_prints_one_json_object) {
  Cli cli;
  const auto file = cli.dir / "note.txt";
  std::ofstream(file) << "note";
  const Captured c = cli({"run", "FileRead", json::serialize(json::object{{"path", file.string()}}), "--json"});
  BOOST_TEST(c.exit_code == 0);
  const auto o = parse_object(c.out);
  for (const char *key : {"job_id", "capability", "status", "success", "data", "message", "error", "duration_ms"})
    BOOST_TEST(o.contains(key), key);
  BOOST_TEST(o.at("status").as_string() == "completed");
  BOOST_TEST(o.at("data").at("content").as_string() == "note");
  BOOST_TEST(o.at("error").is_null());
}

BOOST_AUTO_TEST_CASE(run_reads_arguments_from_a_file_and_from_stdin) {
  Cli cli;
  const auto file = cli.dir / "x.txt";
  std::ofstream(file) << "x";
  const std::string args = json::serialize(json::object{{"path", file.string()}});
  std::ofstream(cli.dir / "args.json") << args;
  BOOST_TEST(cli({"run", "FileRead", "--args-file", (cli.dir / "args.json").string()}).exit_code == 0);
  BOOST_TEST(cli({"run", "FileRead", "--args-file", "-"}, args).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(run_kill_ends_a_live_sleep) {
  Cli cli;
  LiveChild sleeper({"/bin/sleep", "30"});
  const Captured c = cli({"run", "Kill", "{\"pid\":" + std::to_string(sleeper.pid()) + "}", "--json"});
  BOOST_TEST(c.exit_code == 0);
  BOOST_TEST(parse_object(c.out).at("data").at("killed").as_bool());
  BOOST_TEST(!sleeper.running());
}

BOOST_AUTO_TEST_CASE(run_kill_of_pid_1_and_of_the_runtimes_parent_exits_3_and_leaks_nothing) {
  Cli cli;
  // The test process is the parent of the runtimo process it spawns.
  for (const pid_t pid : {1, static_cast<int>(::getpid())}) {
    const Captured c = cli({"run", "Kill", "{\"pid\":" + std::to_string(pid) + "}", "--json"});
    BOOST_TEST(c.exit_code == 3);
    const auto o = parse_object(c.out);
    BOOST_TEST(o.at("status").as_string() == "rejected");
    const std::string msg(o.at("error").at("message").as_string());
    BOOST_TEST(msg.find(std::to_string(::getppid())) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(schema_violation_exits_2_with_job_rejected_and_no_job_started) {
  Cli cli;
  const Captured c = cli({"run", "Kill", "{\"pid\":\"x\"}", "--json"});
  BOOST_TEST(c.exit_code == 2);
  const std::string job(parse_object(c.out).at("job_id").as_string());
  const auto events = cli.journal(job);
  BOOST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].at("type").as_string() == "job.rejected");
  // Text mode explains on stderr.
  const Captured text = cli({"run", "Kill", "{\"pid\":\"x\"}"});
  BOOST_TEST(text.exit_code == 2);
  BOOST_TEST(text.err.find("/pid") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_journal_line_has_a_correct_crc_computed_independently) {
  Cli cli;
  for (int i = 0; i < 5; ++i) cli({"run", "FileRead", "{\"path\":\"/proc/self/stat\"}"});
  cli({"run", "Kill", "{\"pid\":1}"});
  std::ifstream in(cli.segment());
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    const auto k = line.rfind(",\"crc\":\"");
    BOOST_REQUIRE(k != std::string::npos);
    BOOST_TEST(line.size() - k == 18u);  // ,"crc":"xxxxxxxx"}
    char want[9];
    std::snprintf(want, sizeof want, "%08x", reference_crc32c(line.substr(0, k) + "}"));
    BOOST_TEST(line.substr(k + 8, 8) == std::string(want));
  }
  BOOST_TEST(lines == 11);
}

BOOST_AUTO_TEST_CASE(a_torn_tail_is_cut_and_kept_and_the_journal_stays_valid) {
  Cli cli;
  BOOST_TEST(cli({"run", "FileRead", "{\"path\":\"/proc/self/stat\"}"}).exit_code == 0);
  const std::string torn = "{\"seq\":3,\"ts\":\"2026-11-28T00:00:00Z\",\"type\":\"job.sta";
  std::ofstream(cli.segment(), std::ios::app) << torn;
  // Verifying reports the torn tail and changes nothing; the next job's open cuts it.
  const std::string before = read_file(cli.segment());
  BOOST_TEST(cli({"wal", "verify"}).exit_code == 1);
  BOOST_TEST(read_file(cli.segment()) == before);
  BOOST_TEST(cli({"run", "FileRead", "{\"path\":\"/proc/self/stat\"}"}).exit_code == 0);
  std::string kept;
  for (const auto &e : fs::directory_iterator(cli.home / "wal" / "corrupt")) kept += read_file(e.path());
  BOOST_TEST(kept == torn);
  BOOST_TEST(cli({"run", "FileRead", "{\"path\":\"/proc/self/stat\"}"}).exit_code == 0);
  BOOST_TEST(cli({"wal", "verify", "--json"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_corrupted_middle_line_makes_wal_verify_fail) {
  Cli cli;
  for (int i = 0; i < 3; ++i) cli({"run", "FileRead", "{\"path\":\"/proc/self/stat\"}"});
  std::string text = read_file(cli.segment());
  const auto second_line = text.find('\n') + 1;
  const auto at = text.find("FileRead", second_line);
  text[at] = 'X';  // same length, different bytes
  std::ofstream(cli.segment(), std::ios::binary | std::ios::trunc) << text;
  const Captured c = cli({"wal", "verify", "--json"});
  BOOST_TEST(c.exit_code == 1);
  const auto report = parse_object(c.out);
  BOOST_TEST(!report.at("ok").as_bool());
  BOOST_TEST(report.at("problems").as_array().at(0).at("line").to_number<int>() == 2);
  BOOST_TEST(read_file(cli.segment()) == text);  // never cut or repaired silently
}

BOOST_AUTO_TEST_CASE(four_processes_appending_at_once_lose_and_duplicate_nothing) {
  Cli cli;
  BOOST_TEST(cli({"list"}).exit_code == 0);  // create the home once
  constexpr int kProcs = 4, kJobs = 200;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcs; ++p) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      int bad = 0;
      for (int i = 0; i < kJobs; ++i) {
        const Captured c = run_capture({cli.bin, "run", "FileRead", "{\"path\":\"/proc/self/stat\"}",
                                        "--home", cli.home.string(), "--json"});
        bad += c.exit_code != 0;
      }
      ::_exit(bad == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    BOOST_TEST(WEXITSTATUS(status) == 0);
  }
  const auto events = cli.journal();
  BOOST_TEST(events.size() == static_cast<std::size_t>(kProcs * kJobs * 2));
  std::set<std::int64_t> seqs;
  std::map<std::string, int> per_job;
  for (const auto &e : events) {
    seqs.insert(e.at("seq").to_number<std::int64_t>());
    ++per_job[std::string(e.at("job").as_string())];
  }
  BOOST_TEST(seqs.size() == events.size());
  BOOST_TEST(*seqs.begin() == 1);
  BOOST_TEST(*seqs.rbegin() == static_cast<std::int64_t>(events.size()));
  BOOST_TEST(per_job.size() == static_cast<std::size_t>(kProcs * kJobs));
  for (const auto &[job, n] : per_job) BOOST_TEST(n == 2);
  BOOST_TEST(cli({"wal", "verify"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(bad_plugins_next_to_good_ones_are_reported_and_the_rest_works) {
  Cli cli;
  const fs::path root = required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR");
  std::vector<std::string> args{"plugins", "--json"};
  for (const auto &e : fs::directory_iterator(root)) {
    args.push_back("--plugin-dir");
    args.push_back(e.path().string());
  }
  const Captured c = cli(args);
  BOOST_TEST(c.exit_code == 0);
  int loaded = 0, rejected = 0;
  std::set<std::string> loaded_names;
  const json::value plugins = json::parse(c.out);
  for (const auto &p : plugins.as_array()) {
    if (p.at("loaded").as_bool()) {
      ++loaded;
      loaded_names.insert(std::string(p.at("name").as_string()));
    } else {
      ++rejected;
      BOOST_TEST(!p.at("reason").as_string().empty());
    }
  }
  BOOST_TEST(loaded_names.count("kill") == 1u);
  BOOST_TEST(loaded_names.count("file_read") == 1u);
  BOOST_TEST(rejected >= 8);
  // The command still runs jobs with all of them in the path, and a plugin that writes to
  // stdout cannot corrupt --json output.
  std::vector<std::string> run{"run", "StdoutWriter", "--json", "--plugin-dir",
                               (root / "stdout_writer").string()};
  const Captured w = cli(run);
  BOOST_TEST(w.exit_code == 0);
  BOOST_TEST(parse_object(w.out).at("success").as_bool());
  BOOST_TEST(w.err.find("GARBAGE") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(config_errors_name_the_file_and_position_and_never_fall_back) {
  Cli cli;
  const auto bad_json = cli.dir / "bad.json";
  std::ofstream(bad_json) << "{\n  \"journal\": {\"sync\": \"never\",}\n}\n";
  const Captured parse = cli({"list", "--config", bad_json.string()});
  BOOST_TEST(parse.exit_code == 2);
  BOOST_TEST(parse.err.find(bad_json.string()) != std::string::npos);
  BOOST_TEST(parse.err.find("line 2") != std::string::npos);
  const auto unknown = cli.dir / "unknown.json";
  std::ofstream(unknown) << R"({"journal": {"synk": "never"}})";
  const Captured u = cli({"list", "--config", unknown.string()});
  BOOST_TEST(u.exit_code == 2);
  BOOST_TEST(u.err.find("synk") != std::string::npos);
  const auto wrong = cli.dir / "wrong.json";
  std::ofstream(wrong) << R"({"journal": {"sync": "sometimes"}})";
  BOOST_TEST(cli({"list", "--config", wrong.string()}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(status_and_logs_describe_jobs_from_the_journal) {
  Cli cli;
  const Captured run = cli({"run", "FileRead", "{\"path\":\"/proc/self/stat\"}", "--json"});
  const std::string job(parse_object(run.out).at("job_id").as_string());
  const Captured s = cli({"status", job, "--json"});
  BOOST_TEST(s.exit_code == 0);
  const auto st = parse_object(s.out);
  BOOST_TEST(st.at("state").as_string() == "completed");
  BOOST_TEST(st.at("events").as_array().size() == 2u);
  const Captured recent = cli({"status", "--json"});
  BOOST_TEST(parse_object(recent.out).at("jobs").as_array().size() == 1u);
  BOOST_TEST(cli({"status", "0123456789abcdef0123456789abcdef"}).exit_code == 1);
  const Captured tail = cli({"logs", "--tail", "1", "--json"});
  BOOST_TEST(parse_object(tail.out).at("type").as_string() == "job.completed");
}

BOOST_AUTO_TEST_CASE(a_default_file_read_of_a_small_file_adds_at_most_2_kib_to_the_journal) {
  Cli cli;
  const fs::path defaults = cli.dir / "defaults.json";
  std::ofstream(defaults) << "{}";  // the default configuration, guard and all
  const fs::path small = cli.dir / "small.txt";
  std::ofstream(small) << std::string(1024, 'x');
  const std::vector<std::string> read{"run", "FileRead", "{\"path\":\"" + small.string() + "\"}",
                                      "--config", defaults.string()};
  BOOST_REQUIRE(cli(read).exit_code == 0);
  const auto before = fs::file_size(cli.segment());
  BOOST_REQUIRE(cli(read).exit_code == 0);
  const auto added = fs::file_size(cli.segment()) - before;
  BOOST_TEST_MESSAGE("a FileRead job of 1 KiB adds " << added << " bytes");
  BOOST_TEST(added <= 2048u);
}

BOOST_AUTO_TEST_CASE(text_output_escapes_terminal_control_characters_and_json_stays_utf8) {
  Cli cli;
  const std::string plugins = (fs::path(required_env("RUNTIMO_TEST_BAD_PLUGIN_DIR")) / "hostile_outputs").string();
  const Captured text = cli({"run", "BadText", "{}", "--plugin-dir", plugins});
  BOOST_TEST(text.exit_code == 1);
  BOOST_TEST(text.err.find('\x1b') == std::string::npos);
  BOOST_TEST(text.err.find("\\x1b[31mred") != std::string::npos, text.err);
  const Captured as_json = cli({"run", "BadText", "{}", "--plugin-dir", plugins, "--json"});
  const json::value r = json::parse(as_json.out);  // Boost.JSON refuses invalid UTF-8
  BOOST_TEST(std::string(r.at("error").at("message").as_string()).find("\xEF\xBF\xBD") != std::string::npos);
  // A name that is not UTF-8 is a usage error, not a crash or a journal that cannot be written.
  const Captured bad = cli({"run", "File\xff" "Read", "{}"});
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(cli({"wal", "verify"}).exit_code == 0);
}
