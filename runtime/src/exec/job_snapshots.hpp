// exec/job_snapshots.hpp — the host's snapshot provider (DESIGN §5): the before/after record
// of the machine around every job, and the on-demand telemetry and process scans offered to
// plugins (rt_host_api.telemetry / .processes) and to Runtime::telemetry / ::processes.
//
// Owns the one TelemetrySampler and the one ProcessSampler of a Runtime (so CPU % covers the
// interval since the Runtime's previous capture, whoever asked for it) and the snapshot mode:
//   full     before and after each job: a telemetry capture (every section; disks of "/", the
//            home and the write prefixes) and a scan of every process (stat only, no cmdline),
//            giving summaries and the process delta with pid, ppid and comm of each process
//            that appeared or exited;
//   summary  for very high job rates: the guard's pressure reading (memory, load, PSI, home
//            disk) and the list of pids from one readdir of /proc; the delta names appeared
//            processes (pid, ppid, comm read one by one) and exited pids.
// Every capture is fresh: nothing is cached between the before and the after of a job.
#pragma once

#include "snapshot/process_query.hpp"
#include "snapshot/process_snapshot.hpp"
#include "snapshot/telemetry.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace runtimo::exec {

enum class SnapshotMode { full, summary };

// What a job's "before" holds until its "after" is taken.
struct JobBefore {
  boost::json::object telemetry;
  boost::json::object process_summary;
  snapshot::ProcessSnapshot processes;   // full mode
  std::vector<std::int64_t> pids;        // summary mode, sorted
};

class JobSnapshots {
 public:
  JobSnapshots(SnapshotMode mode, std::filesystem::path home, std::vector<std::string> disk_paths);

  SnapshotMode mode() const { return mode_; }

  // `guard_reading`: the resource guard's reading for this job, if it took one (summary mode
  // uses it instead of reading the same files again).
  JobBefore before(const snapshot::SystemPressure *guard_reading = nullptr);
  // {"telemetry":{"before","after"}, "processes":{"before","after","delta"}}: the blocks of
  // the terminal event and of JobResult. `before` is consumed.
  struct After {
    boost::json::object telemetry;  // {"before":…, "after":…}
    boost::json::object processes;  // {"before":…, "after":…, "delta":…}
  };
  After after(JobBefore &&before);

  // On-demand, whole captures. Throw std::invalid_argument (snapshot::QueryError for a
  // query) with a message naming what is wrong.
  boost::json::object telemetry(const std::vector<std::string> &sections);
  boost::json::object processes(const snapshot::ProcessQuery &query);

 private:
  const SnapshotMode mode_;
  const std::filesystem::path home_;
  snapshot::TelemetryOptions telemetry_options_;
  snapshot::TelemetrySampler telemetry_sampler_;
  snapshot::ProcessSampler process_sampler_;
};

}  // namespace runtimo::exec
