// runtimo/sdk.hpp — the optional, header-only C++20 layer over runtimo/abi.h.
//
// It owns three things:
//   * `runtimo::sdk::Job`: a thin wrapper over (rt_host_api, rt_job) — context, result,
//     journal notes, snapshot provider (identity, telemetry, process scans), path and process
//     policy, log;
//   * `runtimo::sdk::Error`: throw it from validate/execute to fail a job with a status, a
//     message and a hint;
//   * `runtimo::sdk::integer_arg`: the one way to read an integer argument, judged exactly as
//     the host's schema validator judges "integer";
//   * RUNTIMO_PLUGIN(name, version, Cap...): the one export macro. It emits the C tables and
//     the entry symbol, and wraps every call in try/catch so no exception crosses the ABI
//     (anything but sdk::Error becomes RT_INTERNAL).
//
// A capability is a struct with static members:
//
//   struct Echo {
//     static constexpr const char *name = "Echo";
//     static constexpr const char *description = "Return the arguments";
//     static constexpr const char *schema =
//     R"({"$schema":"http://json-schema.org/draft-07/schema#",
//                                              "type":"object"})";
//     static constexpr uint32_t flags = RT_CAP_READ_ONLY | RT_CAP_IDEMPOTENT;
//     static rt_status validate(runtimo::sdk::Job &job, const boost::json::object &args);
//     static rt_status execute(runtimo::sdk::Job &job, const boost::json::object &args);
//   };
//   RUNTIMO_PLUGIN("echo", "1.0.0", Echo)
//
// Link the plugin with Boost.JSON (Boost::json) and build it with -fvisibility=hidden.
#pragma once

#include <runtimo/abi.h>

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace runtimo::sdk {

inline rt_str to_rt(std::string_view s) noexcept { return rt_str{s.data(), s.size()}; }
inline std::string_view from_rt(rt_str s) noexcept {
  return s.ptr == nullptr ? std::string_view{} : std::string_view{s.ptr, s.len};
}

// Throw from validate/execute to fail the job with this status, message and hint.
class Error : public std::exception {
 public:
  Error(rt_status status, std::string message, std::string hint = {})
      : status_(status), message_(std::move(message)), hint_(std::move(hint)) {}
  rt_status status() const noexcept { return status_; }
  const std::string &message() const noexcept { return message_; }
  const std::string &hint() const noexcept { return hint_; }
  const char *what() const noexcept override { return message_.c_str(); }

 private:
  rt_status status_;
  std::string message_;
  std::string hint_;
};

// An integer argument, read the way the host's schema validator reads "type": "integer" (so a
// value the schema let through is always accepted here, and a value it refused is refused
// here with a better message): an integer is a JSON number written without a fraction or an
// exponent that fits in a signed 64-bit integer. 5 and -0 are integers; 5.0, 5e0, 5.5, 1e300,
// "5", true and null are not; 18446744073709551615 is a number out of every range.
//
// Returns nullopt when `key` is absent (apply the default with value_or), the value when it is
// an integer within [low, high], and otherwise throws Error(RT_INVALID_ARGS) naming the key,
// the value and the range, e.g. `"max_bytes" must be between 1 and 10485760, not 0` or
// `"pid" must be an integer, not 5.0` (with a hint to write 5).
inline std::optional<std::int64_t> integer_arg(const boost::json::object &args,
                                               std::string_view key, std::int64_t low,
                                               std::int64_t high) {
  const boost::json::value *v = args.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64() && v->get_int64() >= low && v->get_int64() <= high) return v->get_int64();
  // Parsed text gives uint64 only above INT64_MAX; a value built in code (from a size_t) may
  // be a small uint64, which is an integer all the same.
  if (v->is_uint64() && high >= 0 && v->get_uint64() <= static_cast<std::uint64_t>(high) &&
      static_cast<std::int64_t>(v->get_uint64()) >= low)
    return static_cast<std::int64_t>(v->get_uint64());

  // The value as the caller wrote it, as far as JSON lets us know: a double keeps its ".0" so
  // that 5.0 does not read as 5; anything long is cut.
  std::string shown;
  if (v->is_double()) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v->get_double());
    shown.assign(buf, r.ptr);
    if (shown.find_first_of(".e") == std::string::npos) shown += ".0";
  } else {
    shown = boost::json::serialize(*v);
    if (shown.size() > 48) shown = shown.substr(0, 45) + "...";
  }
  const std::string name = "\"" + std::string(key) + "\"";
  const std::string range = std::to_string(low) + " and " + std::to_string(high);
  if (v->is_int64() || v->is_uint64())
    throw Error(RT_INVALID_ARGS, name + " must be between " + range + ", not " + shown);
  std::string hint = "give an integer between " + range;
  if (v->is_double()) {
    const double d = v->get_double();
    if (d > -9.0e18 && d < 9.0e18 && d == std::trunc(d))
      hint = "write " + std::to_string(static_cast<long long>(d)) +
             " without a fraction or exponent: only such numbers are integers";
  }
  throw Error(RT_INVALID_ARGS, name + " must be an integer, not " + shown, hint);
}

// A path that passed the policy: the resolved absolute path, and an open fd when asked.
struct CheckedPath {
  std::string resolved;
  int fd = -1;
};

// One job as seen by a plugin call. Valid only during that call.
class Job {
 public:
  Job(const rt_host_api *host, rt_job *job) noexcept : host_(host), job_(job) {}

  std::string_view id() const { return from_rt(host_->job_id(job_)); }
  std::string_view session_id() const { return from_rt(host_->session_id(job_)); }
  bool dry_run() const { return host_->dry_run(job_) != 0; }
  std::string_view working_dir() const { return from_rt(host_->working_dir(job_)); }
  std::int64_t remaining_ms() const { return host_->remaining_ms(job_); }
  bool cancelled() const { return host_->cancelled(job_) != 0; }

  // Set the output and return RT_OK, so `return job.output(data, "message");` reads well.
  rt_status output(const boost::json::value &data, std::string_view message) {
    const std::string text = boost::json::serialize(data);
    return host_->set_output(job_, to_rt(text), to_rt(message));
  }
  // Record an error and return its status: `return job.fail(RT_NOT_FOUND, "...", "...");`.
  rt_status fail(rt_status status, std::string_view message, std::string_view hint = {}) {
    host_->set_error(job_, status, to_rt(message), to_rt(hint));
    return status;
  }

  // A durable audit note in the job's journal record.
  rt_status note(std::string_view type, const boost::json::object &payload) {
    const std::string text = boost::json::serialize(payload);
    return host_->wal_event(job_, to_rt(type), to_rt(text));
  }

  rt_process_identity identity(std::int64_t pid) {
    rt_process_identity out{};
    out.struct_size = sizeof out;
    const rt_status st = host_->process_identity(job_, pid, &out);
    if (st != RT_OK) throw Error(st, "cannot read the identity of process " + std::to_string(pid));
    return out;
  }

  // The host's process policy; the refusal reason is already recorded when not RT_OK.
  rt_status check_process(std::int64_t pid) { return host_->check_process(job_, pid); }

  // The host's path policy. On refusal the reason is recorded and the status returned in
  // `status`; `resolved` is filled on success.
  rt_status check_path(std::string_view path, std::uint32_t access, std::string *resolved) {
    rt_str out{};
    const rt_status st = host_->check_path(job_, to_rt(path), access, &out);
    if (st == RT_OK && resolved != nullptr) resolved->assign(from_rt(out));
    return st;
  }
  // check_path + open without following symlinks. On RT_OK `*fd` is owned by the caller.
  rt_status open_path(std::string_view path, std::uint32_t access, int open_flags, int *fd,
                      std::string *resolved) {
    rt_str out{};
    std::int32_t raw = -1;
    const rt_status st = host_->open_path(job_, to_rt(path), access, open_flags, &raw, &out);
    if (st == RT_OK) {
      *fd = raw;
      if (resolved != nullptr) resolved->assign(from_rt(out));
    }
    return st;
  }

  void log(rt_log_level level, std::string_view message) {
    host_->log(job_, level, to_rt(message));
  }

  // The snapshot provider's captures (ABI 1.1): `sections_json` is a JSON array of section
  // names ("[]" for all), `query_json` a process query object (see abi.h). On RT_OK `*capture`
  // receives the host's JSON object. Otherwise the reason is already recorded (a bad request
  // is RT_INVALID_ARGS) and the status is returned for the plugin to return; a host older than
  // ABI 1.1 gives RT_INTERNAL. Statuses rather than Error, so the host's reason is not replaced.
  rt_status telemetry(std::string_view sections_json, boost::json::object *capture) {
    if (!RT_HAS_FIELD(host_, rt_host_api, telemetry) || host_->telemetry == nullptr)
      return older_than_1_1("telemetry");
    return snapshot_call(host_->telemetry, sections_json, capture);
  }
  rt_status processes(std::string_view query_json, boost::json::object *capture) {
    if (!RT_HAS_FIELD(host_, rt_host_api, processes) || host_->processes == nullptr)
      return older_than_1_1("process scans");
    return snapshot_call(host_->processes, query_json, capture);
  }

  // The write service (ABI 1.3): the host checks the write policy, records the pre-image (so
  // the job can be undone) and mutates. On refusal the reason is already recorded and the
  // status is returned for the plugin to return; a host older than ABI 1.3 gives RT_INTERNAL.
  // `resolved` (may be null) receives the resolved path.
  rt_status backup(std::string_view path, std::string *resolved = nullptr) {
    if (!has_write_service()) return older_than_1_3();
    return with_resolved(host_->backup(job_, to_rt(path), &out_), resolved);
  }
  rt_status write_file(std::string_view path, std::string_view data, std::uint32_t how,
                       std::uint32_t mode = 0, std::string *resolved = nullptr) {
    if (!has_write_service()) return older_than_1_3();
    return with_resolved(host_->write_file(job_, to_rt(path), to_rt(data), how, mode, &out_), resolved);
  }
  rt_status make_dir(std::string_view path, std::uint32_t mode = 0, std::uint32_t flags = 0,
                     std::string *resolved = nullptr) {
    if (!has_write_service()) return older_than_1_3();
    return with_resolved(host_->make_dir(job_, to_rt(path), mode, flags, &out_), resolved);
  }
  rt_status remove_path(std::string_view path, std::uint32_t flags = 0, std::string *resolved = nullptr) {
    if (!has_write_service()) return older_than_1_3();
    return with_resolved(host_->remove_path(job_, to_rt(path), flags, &out_), resolved);
  }
  rt_status rename_path(std::string_view from, std::string_view to, std::uint32_t flags = 0,
                        std::string *resolved = nullptr) {
    if (!has_write_service()) return older_than_1_3();
    return with_resolved(host_->rename_path(job_, to_rt(from), to_rt(to), flags, &out_), resolved);
  }

  // SHA-256 (hex) of a regular file the job may read (RT_ACCESS_READ) or write.
  rt_status file_sha256(std::string_view path, std::uint32_t access, std::string *hex) {
    if (!has_write_service()) return older_than_1_3();
    return with_resolved(host_->file_sha256(job_, to_rt(path), access, &out_), hex);
  }

  // What `path` was before this job changed it (rt_host_api.pre_image, ABI 1.5): `*record`
  // receives {path, before: {kind, mode, uid, gid, mtime_ns, size, sha256, ...}, stored};
  // RT_NOT_FOUND when the job has not backed the path up.
  rt_status pre_image(std::string_view path, boost::json::object *record) {
    if (!RT_HAS_FIELD(host_, rt_host_api, pre_image))
      return fail(RT_INTERNAL, "the host is older than ABI 1.5 and offers no pre_image",
                  "run the plugin with a Runtimo host of ABI 1.5 or newer");
    out_ = rt_str{};
    const rt_status st = host_->pre_image(job_, to_rt(path), &out_);
    if (st == RT_OK && record != nullptr && !take_object(record))
      return fail(RT_INTERNAL, "the host's pre_image returned no JSON object");
    return st;
  }

  // Take back the job `target` (rt_host_api.undo_job): `*report` receives the host's report
  // (also when conflicts refused it).
  rt_status undo_job(std::string_view target, std::uint32_t flags, boost::json::object *report) {
    if (!has_write_service()) return older_than_1_3();
    out_ = rt_str{};
    const rt_status st = host_->undo_job(job_, to_rt(target), flags, &out_);
    take_object(report);
    return st;
  }

  // Run a command through the host's spawn service (rt_host_api.spawn, ABI 1.4): `request` as
  // abi.h describes it; `*result` receives the host's result object.
  rt_status spawn(const boost::json::object &request, std::uint32_t flags, boost::json::object *result) {
    if (!RT_HAS_FIELD(host_, rt_host_api, spawn))
      return fail(RT_INTERNAL, "the host is older than ABI 1.4 and offers no spawn service",
                  "run the plugin with a Runtimo host of ABI 1.4 or newer");
    out_ = rt_str{};
    const std::string text = boost::json::serialize(request);
    const rt_status st = host_->spawn(job_, to_rt(text), flags, &out_);
    if (st == RT_OK) take_object(result);
    return st;
  }

  const rt_host_api *host() const noexcept { return host_; }
  rt_job *handle() const noexcept { return job_; }

 private:
  using SnapshotService = rt_status (*)(rt_job *, rt_str, rt_str *);

  rt_status snapshot_call(SnapshotService service, std::string_view request,
                          boost::json::object *capture) {
    rt_str out{};
    const rt_status st = service(job_, to_rt(request), &out);
    if (st != RT_OK) return st;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(from_rt(out), ec);
    if (ec || !v.is_object())
      return fail(RT_INTERNAL, "the host's snapshot service returned no JSON object");
    *capture = std::move(v.as_object());
    return RT_OK;
  }
  rt_status older_than_1_1(std::string_view service) {
    return fail(RT_INTERNAL, "the host is older than ABI 1.1 and offers no " + std::string(service),
                "run the plugin with a Runtimo host of ABI 1.1 or newer");
  }

  // The host's answer in out_, when it is a JSON object, moved into *into (may be null);
  // whether it was one.
  bool take_object(boost::json::object *into) {
    if (out_.ptr == nullptr || into == nullptr) return false;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(from_rt(out_), ec);
    if (ec || !v.is_object()) return false;
    *into = std::move(v.as_object());
    return true;
  }

  bool has_write_service() const {
    return RT_HAS_FIELD(host_, rt_host_api, file_sha256) && host_->file_sha256 != nullptr;
  }
  rt_status older_than_1_3() {
    return fail(RT_INTERNAL, "the host is older than ABI 1.3 and offers no write service",
                "run the plugin with a Runtimo host of ABI 1.3 or newer");
  }
  rt_status with_resolved(rt_status st, std::string *resolved) {
    if (st == RT_OK && resolved != nullptr) resolved->assign(from_rt(out_));
    return st;
  }

  const rt_host_api *host_;
  rt_job *job_;
  rt_str out_{};
};

namespace detail {

// The host has checked args_json against the schema (type object) before any call.
inline boost::json::object parse_args(rt_str args) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(from_rt(args), ec);
  if (ec || !v.is_object()) throw Error(RT_INVALID_ARGS, "arguments are not a JSON object");
  return std::move(v.as_object());
}

template <class F>
rt_status guarded(const rt_host_api *host, rt_job *job, F &&body) noexcept {
  try {
    return body();
  } catch (const Error &e) {
    host->set_error(job, e.status(), to_rt(e.message()), to_rt(e.hint()));
    return e.status();
  } catch (const std::exception &e) {
    const std::string msg = std::string("plugin raised an exception: ") + e.what();
    host->set_error(job, RT_INTERNAL, to_rt(msg), to_rt(""));
    return RT_INTERNAL;
  } catch (...) {
    host->set_error(job, RT_INTERNAL, to_rt("plugin raised an unknown exception"), to_rt(""));
    return RT_INTERNAL;
  }
}

template <class Cap>
rt_status validate_entry(const rt_host_api *host, rt_job *job, rt_str args) noexcept {
  return guarded(host, job, [&] {
    Job j(host, job);
    const boost::json::object parsed = parse_args(args);
    return Cap::validate(j, parsed);
  });
}

template <class Cap>
rt_status execute_entry(const rt_host_api *host, rt_job *job, rt_str args) noexcept {
  return guarded(host, job, [&] {
    Job j(host, job);
    const boost::json::object parsed = parse_args(args);
    return Cap::execute(j, parsed);
  });
}

template <class Cap>
inline constexpr rt_capability capability_table{
    sizeof(rt_capability), Cap::name,           Cap::description,       Cap::schema,
    Cap::flags,            &validate_entry<Cap>, &execute_entry<Cap>,
};

template <class... Caps>
inline constexpr const rt_capability *capability_list[] = {&capability_table<Caps>...};

}  // namespace detail
}  // namespace runtimo::sdk

// Emits the plugin table and the exported entry symbol for the given capability structs.
#define RUNTIMO_PLUGIN(plugin_name, plugin_version, ...)                                    \
  extern "C" RT_EXPORT const rt_plugin *runtimo_plugin_entry(void) {                       \
    static const rt_plugin table{                                                          \
        sizeof(rt_plugin),                                                                 \
        RT_ABI_MAJOR,                                                                      \
        RT_ABI_MINOR,                                                                      \
        plugin_name,                                                                       \
        plugin_version,                                                                    \
        static_cast<uint32_t>(                                                             \
            sizeof(::runtimo::sdk::detail::capability_list<__VA_ARGS__>) / sizeof(void *)), \
        ::runtimo::sdk::detail::capability_list<__VA_ARGS__>,                              \
    };                                                                                     \
    return &table;                                                                         \
  }
