// exec/undo_service.hpp — taking a job back (rt_host_api.undo_job, ABI 1.3): the pre-images a
// job's job.backup events recorded are put back in reverse order, through the write service
// of the undoing job — so each path's state before the undo is itself a pre-image, and the
// undo can be undone.
//
// For each path the job changed, what is there now decides:
//   - what the job left (the "after" of its terminal event): restored;
//   - already what it was before the job (an undo that was interrupted, run again): skipped;
//   - anything else: a conflict — someone changed it since — and nothing is restored unless
//     RT_UNDO_FORCE. Every conflict is named in the report.
// A job that changed nothing (read-only, refused, a dry run), one still running, one already
// undone and one whose backups were collected are refused with the reason. When everything is
// restored, job.undone {by, restored} is journaled on the undone job.
#pragma once

#include <runtimo/abi.h>

namespace runtimo::exec::undo {

// `*report` receives {job, restored:[{path, to}], skipped:[…], conflicts:[{path, now, expected}],
// dry_run} (a dry run restores nothing and reports what it would do).
rt_status undo_job(rt_job *job, rt_str target, uint32_t flags, rt_str *report);

}  // namespace runtimo::exec::undo
