/*
 * runtimo/abi.h — the Runtimo plugin ABI, version 1 (current minor: 1.5).
 *
 * This header is the whole contract between the Runtimo host and a capability plugin. It is
 * plain C99 so a plugin can be written in C, C++ or anything that speaks the C calling
 * convention. A plugin author needs nothing else (sdk.hpp is an optional C++ convenience).
 *
 * The rules
 * ---------
 * 1. A plugin is a shared library named libcap_<name>.so that exports exactly one symbol,
 *    RT_PLUGIN_ENTRY_SYMBOL ("runtimo_plugin_entry"), a function returning a pointer to a
 *    static, immutable rt_plugin table. Build plugins with -fvisibility=hidden.
 * 2. Versioning. The first three fields of rt_plugin (struct_size, abi_major, abi_minor) are
 *    frozen for every ABI major, so the host can always read them. The host refuses a plugin
 *    whose abi_major differs from RT_ABI_MAJOR or whose abi_minor is newer than the host's, and
 *    then calls nothing else in it.
 * 3. Structs are size-prefixed and append-only. Every struct crossing the boundary starts with
 *    uint32_t struct_size = sizeof(the struct as the writer compiled it). New fields are only
 *    ever added at the end in a new minor version. A reader uses only the prefix it knows; a
 *    field that lies beyond struct_size is absent. Use RT_HAS_FIELD() for optional fields.
 * 4. Only C types cross the boundary. Strings are UTF-8 (pointer, length) pairs (rt_str) and
 *    are not NUL-terminated unless stated; JSON travels as UTF-8 text. No exceptions, no
 *    C++ objects, and never free() memory the other side allocated: the side that allocates
 *    owns.
 * 5. Status codes, not exceptions. Every plugin entry point returns an rt_status. Error text
 *    and a hint for the caller go through the host with set_error(). A C++ exception must
 *    never leave a plugin function (sdk.hpp catches them and reports RT_INTERNAL).
 * 6. The host, not the plugin, enforces the order: it checks the arguments against the
 *    capability's JSON Schema, then calls validate(), and calls execute() only when both
 *    passed, with the very same argument text. execute() may assume validate() accepted it.
 * 7. Plugins reach the machine's shared state (journal, snapshots, policy, log) only through
 *    the rt_host_api vtable passed to every call; they never open the journal or write to
 *    stdout.
 *
 * Threading
 * ---------
 * The host may call validate() and execute() of the same capability from several threads at
 * once, for different jobs, unless the capability sets RT_CAP_SERIAL (then the host serialises
 * calls to that capability). Every rt_host_api function is thread-safe. An rt_job handle is
 * lent for one call (validate or execute) and may be used from any thread until that call
 * returns; the host then takes it back (waiting for host calls in flight on it). A handle used
 * after that — by a thread the plugin left running, or a copy it kept — is refused without
 * effect: functions returning rt_status return RT_INVALID_ARGS, cancelled() returns 1,
 * remaining_ms() 0, the context getters an empty string, and nothing is journaled. A NULL or
 * made-up handle is refused the same way.
 *
 * When each host function may be called
 * -------------------------------------
 * Each function below says "Calls: validate, execute" or "Calls: execute". A call that
 * belongs to execute made during validate (set_output, wal_event) is refused with
 * RT_INVALID_ARGS and the reason recorded as by set_error(): validate() only looks and
 * decides; it must not change the machine, report output or journal anything.
 *
 * Text
 * ----
 * Every string a plugin hands over (messages, hints, JSON) must be UTF-8. JSON that is not
 * valid UTF-8 is refused (RT_INVALID_ARGS); messages and hints that are not are repaired (each
 * bad sequence becomes U+FFFD) so that the job's record can always be written. What a plugin
 * hands over is journaled bounded: strings past journal.max_output_bytes and values that do not
 * fit a line of journal.max_line_bytes are cut, with their size and SHA-256 recorded.
 *
 * Limits
 * ------
 * A plugin whose tables pass these is loaded; one that does not is refused with the reason:
 *   plugin name        [a-z0-9_]+, at most 64 bytes; version at most 64 bytes
 *   capabilities       at most 256 per plugin; names [A-Za-z][A-Za-z0-9_]{0,63}, unique
 *                      across all plugins (compared case-insensitively, '_' and '-' ignored)
 *   description        at most 4096 bytes
 *   args_schema        at most 1 MiB of JSON Schema draft-07; each "pattern" at most 4096
 *                      bytes of RE2 syntax (no backreferences or lookaround)
 * and at run time:
 *   JSON               what a plugin hands over (output data, notes, snapshot requests) and
 *                      its arguments nest at most 32 levels deep
 *   the journal        keeps at most journal.max_line_bytes (64 KiB) per event: larger values
 *                      are cut there (see "Text"); the caller still receives the whole output
 *
 * Lifetime
 * --------
 * The host never unloads a plugin library while the process lives (it keeps every library it
 * opened, rejected ones included), so the rt_plugin table, the capability tables and every
 * string in them must stay valid and unchanged for the life of the process (static storage
 * is the norm).
 */
#ifndef RUNTIMO_ABI_H
#define RUNTIMO_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- versions and export */

#define RT_ABI_MAJOR 1
#define RT_ABI_MINOR 5

/* The name of the single symbol a plugin exports. */
#define RT_PLUGIN_ENTRY_SYMBOL "runtimo_plugin_entry"

#if defined(__GNUC__)
#define RT_EXPORT __attribute__((visibility("default")))
#else
#define RT_EXPORT
#endif

/* True when a size-prefixed struct pointed to by `p` (of type `type`) contains `field`. */
#define RT_HAS_FIELD(p, type, field) \
  ((p) != NULL && (size_t)(p)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* ---------------------------------------------------------------- basic types */

/* Status of every plugin entry point and of the host services that can fail. */
typedef int32_t rt_status;
enum {
  RT_OK = 0,           /* success */
  RT_INVALID_ARGS = 1, /* the arguments are wrong: the caller must change them */
  RT_DENIED = 2,       /* refused by policy (path policy, protected process, permissions) */
  RT_NOT_FOUND = 3,    /* the target (file, process, ...) does not exist */
  RT_FAILED = 4,       /* the capability ran and the operation failed */
  RT_TIMEOUT = 5,      /* the job's deadline passed */
  RT_CANCELLED = 6,    /* the job was cancelled */
  RT_INTERNAL = 7      /* a bug or an unexpected condition inside the plugin or the host */
};

/* A UTF-8 string slice. `ptr` may be NULL only when `len` is 0. Not NUL-terminated unless
 * the documentation of the function says so. */
typedef struct rt_str {
  const char *ptr;
  size_t len;
} rt_str;

/* An opaque handle for one job, lent for the plugin call that received it (see "Threading").
 * It is not a pointer to anything the plugin may read. */
typedef struct rt_job rt_job;

/* Capability flags (rt_capability.flags). */
#define RT_CAP_READ_ONLY (1u << 0)     /* never changes the machine */
#define RT_CAP_DESTRUCTIVE (1u << 1)   /* may destroy state (kill, delete, overwrite) */
#define RT_CAP_IDEMPOTENT (1u << 2)    /* running twice has the same effect as once */
#define RT_CAP_MUTATES_FILES (1u << 3) /* writes files (declared for the operator and for undo) */
#define RT_CAP_SPAWNS (1u << 4)        /* starts processes (rt_host_api.spawn). Its job's deadline,
                                        * unless the caller gives one, is its integer argument
                                        * "timeout_secs" + 10 s when it has one (the command's own
                                        * deadline, and time to end it and report) */
#define RT_CAP_RESCUE (1u << 5)        /* allowed while the resource guard refuses others */
#define RT_CAP_SERIAL (1u << 6)        /* not thread-safe: the host serialises its calls */
#define RT_CAP_HOST_WRITES (1u << 7)   /* ABI 1.5: changes the machine only through rt_host_api
                                        * (write service, undo_job, spawn), each change after a
                                        * call that announces it. The host then makes the job's
                                        * job.started durable with the first of those calls (a
                                        * job.backup is durable anyway) instead of before
                                        * execute: one journal sync fewer per job. A plugin that
                                        * sets it and changes anything by other means first
                                        * loses that change's record in a power failure */
#define RT_CAP_KNOWN_FLAGS ((1u << 8) - 1u)

/* Access asked of the path policy. */
#define RT_ACCESS_READ 1u
#define RT_ACCESS_WRITE 2u
/* With READ or WRITE (ABI 1.3): the directory entry itself — its parent is resolved, its last
 * component is not followed — for removing or renaming a symlink rather than its target. */
#define RT_ACCESS_ENTRY 4u

/* What a JSON value is (rt_host_api.arg, ABI 1.2). */
typedef int32_t rt_json_kind;
enum {
  RT_JSON_ABSENT = 0, /* nothing at that pointer */
  RT_JSON_NULL = 1,
  RT_JSON_BOOL = 2,
  RT_JSON_NUMBER = 3,
  RT_JSON_STRING = 4,
  RT_JSON_ARRAY = 5,
  RT_JSON_OBJECT = 6
};

/* How rt_host_api.write_file writes (ABI 1.3): one of the first three, with any of the flags. */
#define RT_WRITE_REPLACE 0u          /* replace the file atomically, or create it */
#define RT_WRITE_APPEND 1u           /* append, durably (the file is created when absent) */
#define RT_WRITE_CREATE_NEW 2u       /* create the file; RT_FAILED when the path exists */
#define RT_WRITE_HOW_MASK 0xffu
#define RT_WRITE_CREATE_PARENTS (1u << 8)  /* create missing parent directories (each backed up) */
#define RT_WRITE_HARDLINKED (1u << 9)      /* allow appending to a file that has other hard links */

/* Flags of rt_host_api.remove_path and rename_path (ABI 1.3). */
#define RT_REMOVE_RECURSIVE (1u << 0) /* remove a directory with everything in it */
#define RT_RENAME_OVERWRITE (1u << 0) /* replace what is at the destination */

/* Flags of rt_host_api.undo_job (ABI 1.3). */
#define RT_UNDO_FORCE (1u << 0) /* restore paths that changed after the job too */

/* Flags of rt_host_api.spawn (ABI 1.4). */
#define RT_SPAWN_PLAN_ONLY (1u << 0) /* resolve and check everything, run nothing (dry runs) */

/* Log levels for rt_host_api.log. */
typedef int32_t rt_log_level;
enum { RT_LOG_TRACE = 0, RT_LOG_DEBUG = 1, RT_LOG_INFO = 2, RT_LOG_WARNING = 3, RT_LOG_ERROR = 4 };

/* What the host's snapshot provider knows about one process, read from /proc/<pid>/stat and
 * /proc/<pid>/status without scanning all of /proc. The caller sets struct_size; the host
 * fills at most that many bytes. */
typedef struct rt_process_identity {
  uint32_t struct_size;
  int32_t exists;             /* 1 when /proc/<pid> exists (zombies included), else 0 */
  int64_t pid;
  int64_t ppid;
  uint32_t uid;               /* the uid that owns the process (owner of /proc/<pid>) */
  char state;                 /* the state letter of /proc/<pid>/stat: R S D Z T t X I ... */
  uint8_t kernel_thread;      /* 1 for kernel threads (PF_KTHREAD) */
  uint8_t reserved[2];
  uint64_t start_time_ticks;  /* field 22 of /proc/<pid>/stat: clock ticks after boot */
  char comm[64];              /* NUL-terminated command name (field 2, without parentheses) */
} rt_process_identity;

/* ---------------------------------------------------------------- host services */

/*
 * The vtable of services the host offers. The same table is passed to every plugin call; it
 * lives for the life of the process. Every function is thread-safe and never blocks for long
 * (the snapshot calls read /proc). A function pointer may be NULL only if it lies beyond
 * struct_size (check with RT_HAS_FIELD before using any field added after ABI 1.0).
 *
 * Strings a host function returns through an rt_str out-parameter are owned by the host and
 * stay valid until the job ends (the plugin call that received `job` returns), unless stated
 * otherwise.
 */
typedef struct rt_host_api {
  uint32_t struct_size;
  uint16_t abi_major; /* the host's RT_ABI_MAJOR */
  uint16_t abi_minor; /* the host's RT_ABI_MINOR */

  /* -- context ------------------------------------------------------------------------- */

  /* The job id (32 lowercase hex digits). Calls: validate, execute. */
  rt_str (*job_id)(const rt_job *job);
  /* The session id the job belongs to, or an empty string. Calls: validate, execute. */
  rt_str (*session_id)(const rt_job *job);
  /* 1 when the job is a dry run: the plugin must not change the machine and should describe
   * what it would do through set_output(). Calls: validate, execute. */
  int32_t (*dry_run)(const rt_job *job);
  /* The working directory relative paths are resolved against (absolute, NUL-terminated).
   * Calls: validate, execute. */
  rt_str (*working_dir)(const rt_job *job);
  /* Milliseconds left before the job's deadline (0 when it has passed). Long-running code
   * polls this or cancelled() and returns RT_TIMEOUT / RT_CANCELLED. Calls: validate, execute. */
  int64_t (*remaining_ms)(const rt_job *job);
  /* 1 when the job was cancelled or its deadline passed (and for a handle no longer lent, so
   * a stray loop stops). Calls: validate, execute. */
  int32_t (*cancelled)(const rt_job *job);

  /* -- result -------------------------------------------------------------------------- */

  /* Set the job's output: `data_json` is one JSON value (usually an object) and `message` a
   * one-line human summary. The host copies both. Returns RT_INVALID_ARGS when data_json is
   * not valid JSON (UTF-8, one value), with the reason recorded. Calling it again replaces the
   * previous output. Calls: execute. */
  rt_status (*set_output)(rt_job *job, rt_str data_json, rt_str message);
  /* Record why the call failed: `status` (not RT_OK), a message that says what was wrong and
   * the value that was wrong, and a hint saying how to fix it (may be empty). The host
   * copies both strings (repairing any that is not UTF-8). RT_OK or an unknown status is
   * recorded as RT_INTERNAL. The plugin function then returns the same status.
   * Calls: validate, execute. */
  void (*set_error)(rt_job *job, rt_status status, rt_str message, rt_str hint);

  /* -- journal (WAL service) ----------------------------------------------------------- */

  /* Append an audit event to the job's record in the journal. `type` is a short name
   * ([a-z0-9_.]+); the event is journaled as "job.note" with {"note": type, "data": payload}.
   * payload_json must be a JSON object. Durable (fdatasync) before it returns; always
   * journaled before the job's terminal event. Calls: execute. */
  rt_status (*wal_event)(rt_job *job, rt_str type, rt_str payload_json);

  /* -- snapshot provider --------------------------------------------------------------- */

  /* Identity of one process, without scanning /proc. `out->struct_size` must be set by the
   * caller. Returns RT_OK with out->exists = 0 when the process does not exist,
   * RT_INVALID_ARGS for pid <= 0 or pid > INT32_MAX. Calls: validate, execute. */
  rt_status (*process_identity)(rt_job *job, int64_t pid, rt_process_identity *out);

  /* -- policy -------------------------------------------------------------------------- */

  /* Check `path` (absolute, or relative to working_dir) against the one path policy for the
   * access asked (RT_ACCESS_READ / RT_ACCESS_WRITE). Symlinks are resolved before the check;
   * for a path that does not exist yet the deepest existing ancestor is resolved. On RT_OK
   * `*resolved` (may be NULL) receives the resolved absolute path (NUL-terminated, valid until
   * the job ends). On refusal returns RT_DENIED (protected file, outside the allowed
   * prefixes), RT_INVALID_ARGS (empty, NUL byte, too long) or RT_NOT_FOUND, and has already
   * recorded the reason with set_error(). Calls: validate, execute. */
  rt_status (*check_path)(rt_job *job, rt_str path, uint32_t access, rt_str *resolved);

  /* check_path(), then open the resolved path without following any symlink (openat2 with
   * RESOLVE_NO_SYMLINKS, so a component swapped for a symlink after the check is refused),
   * O_CLOEXEC | O_NOCTTY | O_NONBLOCK added to `open_flags`. The file is judged before it is
   * opened (on an O_PATH descriptor, then that same inode is opened): it must be a regular
   * file, or a directory when O_DIRECTORY or O_TMPFILE is asked; FIFOs, sockets and devices
   * are refused with RT_INVALID_ARGS without being opened (opening a FIFO would release its
   * writer, opening some devices acts), and a hard link to a protected file with RT_DENIED.
   * On RT_OK *fd receives a file descriptor the plugin owns and must close(); `*resolved`
   * (may be NULL) as check_path. Calls: validate, execute. */
  rt_status (*open_path)(rt_job *job, rt_str path, uint32_t access, int32_t open_flags,
                         int32_t *fd, rt_str *resolved);

  /* May this job send signals to `pid`? RT_OK, or RT_DENIED for protected processes (pid 1
   * and 2, kernel threads, the runtime, its ancestors, its session leader and process group
   * leader, processes of configured protected units) with a message that names only the pid,
   * RT_INVALID_ARGS for pid <= 0 or > INT32_MAX. A process that does not exist is not
   * protected (RT_OK), so the answer reveals nothing about which processes exist. Reasons
   * are recorded with set_error() as for check_path. Calls: validate, execute. */
  rt_status (*check_process)(rt_job *job, int64_t pid);

  /* -- log ----------------------------------------------------------------------------- */

  /* Log a line into the host's log (stderr by default), tagged with the plugin and job.
   * Calls: validate, execute. */
  void (*log)(rt_job *job, rt_log_level level, rt_str message);

  /* -- snapshot provider, ABI 1.1 (check RT_HAS_FIELD before use) ----------------------- */

  /* A fresh capture of the machine's telemetry (host, cpu, memory, pressure, disks, network,
   * ports, gpus), read from /proc, /sys, statvfs and NVML without starting any process.
   * `sections_json` is a JSON array of section names to capture, or empty/"[]" for all; an
   * unknown name is RT_INVALID_ARGS with the reason recorded by set_error(). On RT_OK `*out`
   * receives one JSON object (owned by the host, valid until the job ends); the shape is
   * documented in the README ("Telemetry"). Numbers are numbers: bytes, percent, seconds.
   * Calls: validate, execute. */
  rt_status (*telemetry)(rt_job *job, rt_str sections_json, rt_str *out);

  /* A fresh scan of every process, filtered, sorted and limited by `query_json` (a JSON
   * object, empty for everything): {"pid":N, "ppid":N, "user":"name", "name":"substring of
   * comm or cmdline", "sort":"cpu"|"rss"|"start"|"pid", "limit":N, "tree":bool,
   * "cmdline":bool}. A malformed query is RT_INVALID_ARGS with the reason recorded by
   * set_error(). On RT_OK `*out` receives one JSON object {ts, cost_us, interval_ms, summary,
   * matched, returned, query, processes:[...]} (owned by the host, valid until the job ends); with "tree" the
   * processes come in tree order, each with its "depth". CPU % covers the interval since the
   * host's previous process scan (-1 when there was none). Calls: validate, execute. */
  rt_status (*processes)(rt_job *job, rt_str query_json, rt_str *out);

  /* -- arguments, ABI 1.2 (check RT_HAS_FIELD before use): a C plugin needs no JSON parser -- */

  /* The member of the job's arguments at `pointer`, an RFC 6901 JSON pointer ("" is the whole
   * object, "/path", "/files/0/name"; "~1" is '/' and "~0" is '~' in a name). On RT_OK
   * `*kind` says what it is and `*value` (may be NULL) holds it: a string's text, unescaped
   * (UTF-8, not NUL-terminated); a number, "true", "false", "null", an array or an object as
   * compact JSON text (a number with a fraction or an exponent may read "1.5E0"). Owned by the host, valid until the job
   * ends. Nothing at that pointer is RT_NOT_FOUND with *kind = RT_JSON_ABSENT, and is not
   * recorded as an error (an absent optional member is normal); a malformed pointer is
   * RT_INVALID_ARGS with the reason recorded. Calls: validate, execute. */
  rt_status (*arg)(rt_job *job, rt_str pointer, rt_json_kind *kind, rt_str *value);

  /* The integer at `pointer`: a JSON number written without fraction or exponent, within
   * int64 — what the schema check accepts as "integer" (5 and -0 yes; 5.0, 5e0, "5" no).
   * RT_NOT_FOUND (not recorded) when absent; RT_INVALID_ARGS with the reason recorded when
   * the member is not such an integer. Calls: validate, execute. */
  rt_status (*arg_int)(rt_job *job, rt_str pointer, int64_t *out);

  /* -- write service, ABI 1.3 (check RT_HAS_FIELD before use): the host mutates ----------- */
  /*
   * Plugins change files only through these functions, so every change can be undone. Each
   * checks `path` against the write policy (as check_path with RT_ACCESS_WRITE; the protected
   * set is never written), then records the path's pre-image under <home>/backups/<job>/ with
   * a durable job.backup event (type, mode, owner, mtime, size, xattrs, SHA-256; or that the
   * path did not exist) — once per path and job, the first — and only then mutates. Paths are
   * resolved once and the mutation is made relative to the checked parent directory, so a
   * component swapped for a symlink after the check is refused. In a dry run every one of them
   * is refused with RT_INVALID_ARGS (a dry run changes nothing). A refusal or failure returns
   * the status with the reason recorded as by set_error(). On RT_OK `*resolved` (may be NULL)
   * receives the resolved absolute path. Calls: execute.
   */

  /* Record the pre-image of `path` for a plugin that must change it by other means (it then
   * changes only paths it backed up first). */
  rt_status (*backup)(rt_job *job, rt_str path, rt_str *resolved);

  /* Write `data` to the regular file `path` as `how` says (RT_WRITE_*): REPLACE writes a
   * temporary file in the same directory, fsyncs it, renames it over the path and fsyncs the
   * directory, keeping the old file's mode, owner and extended attributes (a new file gets
   * `mode`, 0 meaning 0644); APPEND appends and fsyncs, and is refused for a file with other
   * hard links unless RT_WRITE_HARDLINKED; CREATE_NEW creates exclusively (mode as REPLACE). A
   * path that is a directory, a symlink, a FIFO or a device is refused with RT_INVALID_ARGS. */
  rt_status (*write_file)(rt_job *job, rt_str path, rt_str data, uint32_t how, uint32_t mode,
                          rt_str *resolved);

  /* Create the directory `path` (mode 0 meaning 0755); RT_OK when it already is a directory.
   * RT_WRITE_CREATE_PARENTS in `flags` creates missing parents too. */
  rt_status (*make_dir)(rt_job *job, rt_str path, uint32_t mode, uint32_t flags, rt_str *resolved);

  /* Remove the file, symlink (never what it points to: `path` is checked as a directory entry,
   * RT_ACCESS_ENTRY) or empty directory `path`; a
   * directory with entries only with RT_REMOVE_RECURSIVE. RT_NOT_FOUND when nothing is there. */
  rt_status (*remove_path)(rt_job *job, rt_str path, uint32_t flags, rt_str *resolved);

  /* Rename `from` to `to` (both checked for writing as directory entries, RT_ACCESS_ENTRY, so a
   * symlink is moved itself; both backed up), across directories of
   * one filesystem; RT_FAILED when `to` exists unless RT_RENAME_OVERWRITE. `*resolved`
   * receives the resolved destination. */
  rt_status (*rename_path)(rt_job *job, rt_str from, rt_str to, uint32_t flags, rt_str *resolved);

  /* The SHA-256 of the regular file `path` (checked for `access` and opened as open_path
   * does), as 64 lowercase hex digits in `*hex` (owned by the host, valid until the job ends).
   * For "refuse when the file changed since the agent read it" and for reporting what was
   * written. Calls: validate, execute. */
  rt_status (*file_sha256)(rt_job *job, rt_str path, uint32_t access, rt_str *hex);

  /* Take back the job `target_job` (its id): put back, in reverse order, every pre-image its
   * job.backup events recorded, through this job's own write service (so this job can be
   * undone in turn). A path someone changed after the target job is a conflict, and then
   * nothing is restored unless RT_UNDO_FORCE; a path already as it was before the target job
   * (an interrupted undo, run again) is skipped. Refused: a job that changed nothing, one
   * still running, one already undone, one whose backups were collected. In a dry run nothing
   * changes. `*report` (owned by the host, valid until the job ends) receives a JSON object
   * {job, restored, skipped, conflicts, dry_run} also when the undo is refused for conflicts
   * (RT_FAILED). Calls: execute. */
  rt_status (*undo_job)(rt_job *job, rt_str target_job, uint32_t flags, rt_str *report);

  /* -- spawn service, ABI 1.4 (check RT_HAS_FIELD before use): the host runs commands ------ */

  /* Run one command for the job, in the host, and leave nothing behind. `request_json` is a
   * JSON object:
   *   argv        array of 1..4096 strings (no NUL), required. argv[0] without a '/' is looked
   *               up in the child's PATH; the resolved executable must be a regular file the
   *               runtime may execute. No shell: pass ["/bin/sh", "-c", text] to get one.
   *   cwd         string, checked by the read policy and the job's roots (default: the job's
   *               working directory); must be a directory.
   *   env         object of NAME: value added to the environment, which otherwise holds only
   *               the runtime's variables named by the config's spawn.env_allow (PATH, HOME,
   *               LANG, ...): nothing else is inherited, so secrets stay in the runtime.
   *   stdin       string written to the command's stdin (default: /dev/null).
   *   timeout_ms  integer >= 1, default the config's spawn.default_timeout_secs; never beyond
   *               the job's own deadline. At the deadline every process of the command gets
   *               SIGTERM and, spawn.kill_grace_ms later, SIGKILL.
   *   max_output_bytes  integer, per stream (stdout, stderr), default spawn.max_output_bytes:
   *               past it the first and last halves are kept and the rest counted.
   *   detach      bool: leave the command's other processes running when its main process
   *               exits (reported as leftovers); by default they are ended then.
   *   writes      array of paths the command may change: each is checked by the write policy
   *               and backed up (as backup() does) before the command starts, so undo can put
   *               it back, and the result lists what changed under it.
   * The command's processes are contained (a cgroup v2 of their own where the runtime may make
   * one, else a process group with the runtime as child subreaper and a marker in their
   * environment), so a double fork or setsid does not escape the deadline. A program named by
   * the config's spawn.deny_programs (as invoked or as resolved) is refused with RT_DENIED — a
   * guard rail, not a sandbox.
   *
   * On RT_OK `*result_json` (owned by the host, valid until the job ends) receives an object:
   *   {executable, argv, cwd, env_names, containment: "cgroup"|"process_group",
   *    exit_code: int|null, signal: "SIGKILL"|null, timed_out, cancelled, duration_ms,
   *    stdout, stderr: text (bytes that are not UTF-8 become U+FFFD; when truncated the kept
   *    head and tail with "\n[... N bytes omitted ...]\n" between),
   *    stdout_bytes, stderr_bytes (totals), stdout_truncated, stderr_truncated,
   *    stdout_utf8, stderr_utf8 (false when bytes were replaced),
   *    processes: [{pid, ppid, comm, cmdline, running}] (every one seen; running: still
   *    alive at the end), leftovers: [...those still running],
   *    memory_peak_bytes: int|null, cpu_ms: int|null,
   *    changes: [{path, change: "created"|"modified"|"deleted", kind}] (with writes)}.
   * A command that ran is RT_OK whatever its exit status; a command that could not start
   * (no such program, not executable) is RT_NOT_FOUND / RT_DENIED with the reason recorded.
   * With RT_SPAWN_PLAN_ONLY (and in a dry run, where it is implied) nothing runs and nothing is
   * backed up: the result holds {executable, argv, cwd, env_names, writes, plan:
   * true, denied: bool, deny_reason}. Output is also passed on as the job's progress while it runs. Calls: execute. */
  rt_status (*spawn)(rt_job *job, rt_str request_json, uint32_t flags, rt_str *result_json);

  /* -- ABI 1.5 (check RT_HAS_FIELD before use) --------------------------------------------- */

  /* What `path` (checked and resolved as the write service does) was before this job changed
   * it: the pre-image the job recorded, as the JSON object {path, before: {kind: "file" |
   * "directory" | "symlink" | "absent", mode, uid, gid, mtime_ns, size, sha256, links, xattrs,
   * link_target}, stored} of its job.backup event (owned by the host, valid until the job
   * ends). RT_NOT_FOUND, not recorded as an error, when the job has not backed the path up.
   * For reporting what a write replaced (sha256_before) without reading the file first: the
   * host digested the pre-image while copying it. Calls: execute. */
  rt_status (*pre_image)(rt_job *job, rt_str path, rt_str *record_json);
} rt_host_api;

/* ---------------------------------------------------------------- the plugin side */

/* Check the arguments beyond what the schema says (cross-field rules, policy). Must not change
 * the machine. Returns RT_OK, or a status with the reason given through host->set_error. */
typedef rt_status (*rt_validate_fn)(const rt_host_api *host, rt_job *job, rt_str args_json);

/* Do the work. Called only after the schema check and validate() passed, with the same
 * `args_json`. Reports its result with host->set_output (RT_OK) or host->set_error. When
 * host->dry_run(job) is 1 it must not change the machine. */
typedef rt_status (*rt_execute_fn)(const rt_host_api *host, rt_job *job, rt_str args_json);

/* One capability. All strings are NUL-terminated, UTF-8, and live as long as the process. */
typedef struct rt_capability {
  uint32_t struct_size;
  const char *name;        /* [A-Za-z][A-Za-z0-9_]{0,63}, unique across all plugins */
  const char *description; /* one line, shown by `runtimo list` and as the MCP tool text */
  const char *args_schema; /* JSON Schema draft-07 text with "$schema" explicit, type object */
  uint32_t flags;          /* RT_CAP_* */
  rt_validate_fn validate; /* required */
  rt_execute_fn execute;   /* required */
} rt_capability;

/* The plugin table returned by the entry symbol. */
typedef struct rt_plugin {
  /* frozen for every ABI major: */
  uint32_t struct_size;
  uint16_t abi_major; /* RT_ABI_MAJOR the plugin was built with */
  uint16_t abi_minor; /* RT_ABI_MINOR the plugin was built with */
  /* ABI 1.0: */
  const char *name;    /* plugin name, [a-z0-9_]+ */
  const char *version; /* the plugin's own version, e.g. "1.0.0" */
  uint32_t capability_count;
  const rt_capability *const *capabilities; /* capability_count pointers */
} rt_plugin;

/* The entry point every plugin exports under RT_PLUGIN_ENTRY_SYMBOL. Must not fail, block or
 * have side effects: return a pointer to a static table. */
typedef const rt_plugin *(*rt_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RUNTIMO_ABI_H */
