// bench/mcp/mcp_read.mjs — a tools/call that reads a 1 KiB file, through the official MCP
// client (@modelcontextprotocol/sdk), against three stdio servers measured in the same run:
//
//   runtimo     BUILD_DIR/bin/runtimo mcp, tool file_read (a journaled job; the journal is
//               durable by default: fdatasync per job), RUNTIMO_HOME a fresh temp directory
//   filesystem  @modelcontextprotocol/server-filesystem, tool read_text_file, the temp
//               directory as its one allowed directory
//   desktop     @wonderwhy-er/desktop-commander, tool read_file, a fresh temp HOME
//               (its config, logs and caches live in $HOME/.claude-server-commander)
//
// After WARMUP calls each, ROUNDS rounds: in every round each server (in a rotating order)
// answers CALLS sequential calls, each timed with performance.now() from callTool() to its
// resolved result; the round's median is kept, and a server's figure is the median of its
// round medians. Every response is checked to carry the file's content (it fails loudly
// otherwise). The targets: runtimo's median ≤ each peer's, and runtimo's tools/list (every
// bundled plugin's tool) ≤ 5 ms.
//
// Also reported, to show where the time goes: a fourth server, runtimo with journal.sync
// "never" (RUNTIMO_CONFIG; the same calls, no fdatasync; --no-lazy leaves it out); each
// server's CPU time per call (utime + stime of its process and waited-for children over its
// rounds, /proc/<pid>/stat); the protocol's floor (median of LIST_CALLS pings); tools/list
// (median of LIST_CALLS); the RSS (VmRSS of transport.pid) idle after the warm-up and after
// everything; and the medians of the job timings runtimo's journal recorded.
//
// Run it through bench/mcp/run.sh BUILD_DIR (which installs the pinned packages into
// BUILD_DIR/bench-mcp and runs a copy of this file from there, so that the packages resolve),
// or directly from a directory whose node_modules holds them:
//
//   node mcp_read.mjs --build-dir BUILD_DIR [--rounds 7] [--calls 200] [--warmup 20]
//                     [--list-calls 200] [--keep] [--inherit-path] [--no-lazy]
//
// Prints a table and one JSON line {"bench":"mcp_read",...}. Exit code 1 on any failure,
// 0 otherwise (whether or not a target is met: the JSON says).

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

// The servers' PATH unless --inherit-path: the system's directories only. Desktop Commander
// runs `python3 --version` through the shell (execSync) for its telemetry event properties on
// every tool call, also with telemetry disabled, so its figure depends on the python3 found
// first: a pyenv shim on the caller's PATH (~60 ms a spawn) costs it ~100 ms a call more here.
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// -- arguments

function parseArgs(argv) {
  const o = { buildDir: null, rounds: 7, calls: 200, warmup: 20, listCalls: 200, keep: false, inheritPath: false, lazy: true };
  const int = (flag, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, not "${v}"`);
    return n;
  };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--build-dir') o.buildDir = next();
    else if (a === '--rounds') o.rounds = int(a, next());
    else if (a === '--calls') o.calls = int(a, next());
    else if (a === '--warmup') o.warmup = int(a, next());
    else if (a === '--list-calls') o.listCalls = int(a, next());
    else if (a === '--keep') o.keep = true;
    else if (a === '--inherit-path') o.inheritPath = true;
    else if (a === '--no-lazy') o.lazy = false;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node mcp_read.mjs --build-dir BUILD_DIR [--rounds N] [--calls N] [--warmup N] [--list-calls N] [--keep] [--inherit-path] [--no-lazy]');
      process.exit(0);
    } else if (!a.startsWith('-') && o.buildDir === null) o.buildDir = a;
    else throw new Error(`unknown argument "${a}"`);
  }
  if (o.buildDir === null) throw new Error('pass --build-dir BUILD_DIR (the directory holding bin/runtimo)');
  o.buildDir = path.resolve(o.buildDir);
  return o;
}

// -- small helpers

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const rssKiB = (pid, field = 'VmRSS') => {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
};
// CPU time of a process and its waited-for children, in ms: utime + stime + cutime + cstime
// of /proc/<pid>/stat (every thread's, also of threads that have ended).
const CLK_TCK = 100;  // sysconf(_SC_CLK_TCK) on Linux
const cpuMs = (pid) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');  // f[0] is field 3 (state)
  return ((+f[11]) + (+f[12]) + (+f[13]) + (+f[14])) * 1000 / CLK_TCK;
};
const ms = (x) => x.toFixed(3);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

// The package.json of an installed package (its "exports" need not expose it).
function packageJson(name) {
  const top = require.resolve.paths(name) ?? [];
  for (const dir of top) {
    const p = path.join(dir, ...name.split('/'), 'package.json');
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`${name} is not installed (run bench/mcp/run.sh BUILD_DIR, which installs it)`);
}

function packageEntry(name, bin) {
  const pkgPath = packageJson(name);
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
  const rel = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin[bin];
  if (!rel) throw new Error(`${name} has no bin "${bin}"`);
  return { entry: path.join(path.dirname(pkgPath), rel), version: pkg.version };
}

// 1024 bytes of text: 16 lines of 63 printable characters and a newline, deterministic.
function kibText() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;-';
  let seed = 0x2545f491;
  const lines = [];
  for (let l = 0; l < 16; ++l) {
    let line = '';
    for (let c = 0; c < 63; ++c) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      line += alphabet[(seed >>> 16) % alphabet.length];
    }
    lines.push(line);
  }
  const text = lines.join('\n') + '\n';
  if (Buffer.byteLength(text) !== 1024) throw new Error('the test text is not 1024 bytes');
  return text;
}

// -- the servers

function servers(o, tmp, file, content) {
  const fsServer = packageEntry('@modelcontextprotocol/server-filesystem', 'mcp-server-filesystem');
  const dc = packageEntry('@wonderwhy-er/desktop-commander', 'desktop-commander');
  const sdkVersion = JSON.parse(fs.readFileSync(packageJson('@modelcontextprotocol/sdk'), 'utf8')).version;

  const runtimoBin = path.join(o.buildDir, 'bin', 'runtimo');
  if (!fs.existsSync(runtimoBin)) throw new Error(`no ${runtimoBin}: build the runtimo target first`);
  const base = { PATH: o.inheritPath ? process.env.PATH ?? SYSTEM_PATH : SYSTEM_PATH, HOME: process.env.HOME ?? os.homedir() };
  const dataDir = path.dirname(file);
  // Runtimo in a fresh home (0700): journal, index. `sync` null: the default config (journal
  // durable); "never": a twin started with RUNTIMO_CONFIG journal.sync = never, timed alongside
  // to show what the journal's fdatasync costs a call (informational, not a target).
  const runtimo = (key, label, sync) => {
    const home = fs.mkdtempSync(path.join(tmp, `${key}-home-`));
    const env = { ...base, RUNTIMO_HOME: home };
    if (sync !== null) {
      env.RUNTIMO_CONFIG = path.join(tmp, `${key}.json`);
      fs.writeFileSync(env.RUNTIMO_CONFIG, JSON.stringify({ journal: { sync } }));
    }
    return {
      key,
      label,
      informational: sync !== null,
      version: null,
      params: { command: runtimoBin, args: ['mcp'], env, cwd: dataDir, stderr: 'pipe' },
      tool: 'file_read',
      args: { path: file },
      home,
      check(r) {
        if (r.isError) throw new Error(`${key}: isError: ${JSON.stringify(r).slice(0, 500)}`);
        const data = r.structuredContent?.data;
        if (data?.content !== content) throw new Error(`${key}: structuredContent.data.content is not the file: ${JSON.stringify(r).slice(0, 500)}`);
        const text = r.content?.find((c) => c.type === 'text')?.text;
        if (text === undefined || JSON.parse(text)?.data?.content !== content)
          throw new Error(`${key}: the text block does not carry the file: ${JSON.stringify(r).slice(0, 500)}`);
      },
    };
  };

  // Desktop Commander keeps its config (telemetry on by default), a tool-call log, a history
  // and caches in $HOME/.claude-server-commander: a fresh HOME of its own. Telemetry is off
  // by its kill-switch, the feature-flag fetch goes to a closed local port, and a placeholder
  // in its private Puppeteer cache keeps it from downloading Chrome (for PDF output) in the
  // background when the session starts (it only checks that the file exists).
  const dcHome = fs.mkdtempSync(path.join(tmp, 'dc-home-'));
  const chrome = path.join(dcHome, '.claude-server-commander', 'puppeteer-cache', 'chrome', 'linux64-0', 'chrome-linux64', 'chrome');
  fs.mkdirSync(path.dirname(chrome), { recursive: true });
  fs.writeFileSync(chrome, '', { mode: 0o755 });

  return {
    sdkVersion,
    list: [
      runtimo('runtimo', 'runtimo mcp · file_read', null),
      {
        key: 'filesystem',
        label: `server-filesystem ${fsServer.version} · read_text_file`,
        version: fsServer.version,
        params: { command: process.execPath, args: [fsServer.entry, dataDir], env: base, cwd: dataDir, stderr: 'pipe' },
        tool: 'read_text_file',
        args: { path: file },
        check(r) {
          if (r.isError) throw new Error(`filesystem: isError: ${JSON.stringify(r).slice(0, 500)}`);
          if (r.content?.[0]?.text !== content || r.structuredContent?.content !== content)
            throw new Error(`filesystem: the result is not the file: ${JSON.stringify(r).slice(0, 500)}`);
        },
      },
      {
        key: 'desktop',
        label: `desktop-commander ${dc.version} · read_file`,
        version: dc.version,
        params: {
          command: process.execPath,
          args: [dc.entry, '--no-onboarding'],
          env: {
            ...base,
            HOME: dcHome,
            DESKTOP_COMMANDER_DISABLE_TELEMETRY: '1',
            DC_FLAG_URL: 'http://127.0.0.1:9/flags.json',
          },
          cwd: dataDir,
          stderr: 'pipe',
        },
        tool: 'read_file',
        args: { path: file },
        home: dcHome,
        check(r) {
          // Its text block is a status line ("[Reading 16 lines from start (total: 16 lines,
          // 0 remaining)]"), a blank line and the file's lines, without the final newline.
          if (r.isError) throw new Error(`desktop: isError: ${JSON.stringify(r).slice(0, 500)}`);
          const text = r.content?.[0]?.type === 'text' ? r.content[0].text : '';
          if (!text.startsWith('[Reading 16 lines') || !text.endsWith('\n\n' + content.slice(0, -1)))
            throw new Error(`desktop: the result does not carry the file: ${JSON.stringify(r).slice(0, 500)}`);
        },
      },
      ...(o.lazy ? [runtimo('runtimo_lazy', 'runtimo mcp · file_read, journal.sync never', 'never')] : []),
    ],
  };
}

async function connect(s) {
  const transport = new StdioClientTransport(s.params);
  s.stderrTail = '';
  transport.stderr?.on('data', (chunk) => {
    s.stderrTail = (s.stderrTail + chunk.toString()).slice(-4000);
  });
  const client = new Client({ name: 'runtimo-bench-mcp', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (e) {
    throw new Error(`${s.key}: could not connect: ${e.message}\n--- its stderr:\n${s.stderrTail}`);
  }
  s.transport = transport;
  s.client = client;
  s.pid = transport.pid;
  s.serverVersion = client.getServerVersion();
  const tools = (await client.listTools()).tools;
  s.toolNames = tools.map((t) => t.name);
  if (!s.toolNames.includes(s.tool)) throw new Error(`${s.key}: no tool ${s.tool} in tools/list (${s.toolNames.join(', ')})`);
}

async function call(s) {
  const t0 = performance.now();
  const r = await s.client.callTool({ name: s.tool, arguments: s.args });
  const t1 = performance.now();
  s.check(r);
  return t1 - t0;
}

async function timePing(s, n) {
  const times = [];
  for (let i = 0; i < n; ++i) {
    const t0 = performance.now();
    await s.client.ping();
    times.push(performance.now() - t0);
  }
  return times;
}

// What runtimo's journal says of its jobs: how many completed, and the medians of their own
// timings (duration_ms: admission to the end of the job, before the job.completed append and
// its fdatasync; snapshots_ms and execute_ms within it).
function journalStats(home) {
  const out = { bytes: 0, completed: 0 };
  const durations = [], snapshots = [], executes = [];
  const walDir = path.join(home, 'wal');
  for (const name of fs.existsSync(walDir) ? fs.readdirSync(walDir) : []) {
    if (!/^wal-\d+\.jsonl$/.test(name)) continue;
    const text = fs.readFileSync(path.join(walDir, name), 'utf8');
    out.bytes += Buffer.byteLength(text);
    for (const line of text.split('\n')) {
      if (!line.includes('"job.completed"')) continue;
      const e = JSON.parse(line);
      if (e.type !== 'job.completed') continue;
      ++out.completed;
      durations.push(e.duration_ms);
      snapshots.push(e.timing?.snapshots_ms ?? NaN);
      executes.push(e.timing?.execute_ms ?? NaN);
    }
  }
  out.durationMs = durations.length ? median(durations) : NaN;
  out.snapshotsMs = snapshots.length ? median(snapshots) : NaN;
  out.executeMs = executes.length ? median(executes) : NaN;
  return out;
}

async function timeList(s, n) {
  const times = [];
  for (let i = 0; i < n; ++i) {
    const t0 = performance.now();
    const r = await s.client.listTools();
    times.push(performance.now() - t0);
    if (r.tools.length !== s.toolNames.length) throw new Error(`${s.key}: tools/list changed`);
  }
  return times;
}

function buildType(buildDir) {
  try {
    const m = fs.readFileSync(path.join(buildDir, 'CMakeCache.txt'), 'utf8').match(/^CMAKE_BUILD_TYPE:STRING=(.*)$/m);
    return m ? m[1] || '(empty)' : 'unknown';
  } catch {
    return 'unknown';
  }
}

// -- main

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runtimo-bench-mcp-'));
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir);
  const file = path.join(dataDir, 'one-kib.txt');
  const content = kibText();
  fs.writeFileSync(file, content);

  const { sdkVersion, list } = servers(o, tmp, file, content);
  const byKey = Object.fromEntries(list.map((s) => [s.key, s]));
  try {
    for (const s of list) await connect(s);
    // Runtimo's tools are its capabilities: every bundled plugin's (4 today).
    const runtimoTools = byKey.runtimo.toolNames;

    for (const s of list) for (let i = 0; i < o.warmup; ++i) await call(s);
    for (const s of list) s.idleRssKiB = rssKiB(s.pid);

    for (const s of list) {
      s.rounds = [];
      s.cpuMsTotal = 0;
    }
    // The floor a durable journal cannot go under, in the same rounds: appending a line as
    // long as a job.completed (~1.4 KB) to a file on the same disk and fdatasync'ing it.
    const floorFd = fs.openSync(path.join(tmp, 'fdatasync-floor.jsonl'), 'a');
    const floorLine = Buffer.from('x'.repeat(1400) + '\n');
    const floorRounds = [];
    for (let round = 0; round < o.rounds; ++round) {
      const floorTimes = [];
      for (let i = 0; i < o.calls; ++i) {
        const t0 = performance.now();
        fs.writeSync(floorFd, floorLine);
        fs.fdatasyncSync(floorFd);
        floorTimes.push(performance.now() - t0);
      }
      floorRounds.push(median(floorTimes));
      const order = list.map((_, i) => list[(i + round) % list.length]);  // rotate who goes first
      for (const s of order) {
        const times = [];
        const cpu0 = cpuMs(s.pid);
        for (let i = 0; i < o.calls; ++i) times.push(await call(s));
        s.cpuMsTotal += cpuMs(s.pid) - cpu0;
        s.rounds.push({ median: median(times), p90: quantile(times, 0.9), min: Math.min(...times) });
      }
    }
    fs.closeSync(floorFd);
    const floorMs = median(floorRounds);
    for (const s of list) {
      s.callMs = median(s.rounds.map((r) => r.median));
      s.p90Ms = median(s.rounds.map((r) => r.p90));
      s.roundMin = Math.min(...s.rounds.map((r) => r.median));
      s.roundMax = Math.max(...s.rounds.map((r) => r.median));
      s.cpuPerCallMs = s.cpuMsTotal / (o.rounds * o.calls);
    }
    for (const s of list) s.listMs = median(await timeList(s, o.listCalls));
    for (const s of list) s.pingMs = median(await timePing(s, o.listCalls));
    for (const s of list) s.afterRssKiB = rssKiB(s.pid);

    // Runtimo journaled every call.
    const rt = byKey.runtimo;
    const journal = journalStats(rt.home);
    const lazyJournal = byKey.runtimo_lazy ? journalStats(byKey.runtimo_lazy.home) : null;

    const fsS = byKey.filesystem;
    const dcS = byKey.desktop;
    const ratioFs = rt.callMs / fsS.callMs;
    const ratioDc = rt.callMs / dcS.callMs;
    const listTarget = 5;
    const totalCalls = o.warmup + o.rounds * o.calls;

    // -- table
    const cpus = os.cpus();
    console.log(`mcp_read: tools/call of a 1 KiB file through @modelcontextprotocol/sdk ${sdkVersion} (Node ${process.version})`);
    console.log(`  ${o.rounds} rounds × ${o.calls} calls per server (after ${o.warmup} warm-up calls), median of the round medians`);
    console.log(`  servers' PATH: ${o.inheritPath ? 'inherited' : SYSTEM_PATH}`);
    console.log(`  runtimo build: ${buildType(o.buildDir)} (${o.buildDir}); ${cpus.length} CPUs (${cpus[0]?.model ?? '?'}), load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log();
    const w = 46;
    const mib = (k) => (k / 1024).toFixed(1) + ' MiB';
    console.log(`${pad('server · tool', w)} ${lpad('call median', 12)} ${lpad('p90', 7)} ${lpad('round medians', 14)} ${lpad('server CPU', 10)} ${lpad('ping', 7)} ${lpad('tools/list', 10)} ${lpad('idle RSS', 10)} ${lpad('RSS after', 10)}`);
    for (const s of list)
      console.log(
        `${pad(s.label, w)} ${lpad(ms(s.callMs) + ' ms', 12)} ${lpad(ms(s.p90Ms), 7)} ${lpad(`${ms(s.roundMin)}–${ms(s.roundMax)}`, 14)} ${lpad(ms(s.cpuPerCallMs), 10)} ${lpad(ms(s.pingMs), 7)} ${lpad(ms(s.listMs), 10)} ${lpad(mib(s.idleRssKiB), 10)} ${lpad(mib(s.afterRssKiB), 10)}`);
    console.log();
    console.log(`floor: write + fdatasync of a 1.4 KB line on the same disk ${ms(floorMs)} ms (round medians ${ms(Math.min(...floorRounds))}–${ms(Math.max(...floorRounds))})`);
    console.log(`runtimo / filesystem: ${ratioFs.toFixed(3)} (target ≤ 1: ${ratioFs <= 1 ? 'met' : 'not met'}); ` +
                `runtimo minus the fdatasync floor / filesystem: ${((rt.callMs - floorMs) / fsS.callMs).toFixed(3)}`);
    console.log(`runtimo / desktop-commander: ${ratioDc.toFixed(3)} (target ≤ 1: ${ratioDc <= 1 ? 'met' : 'not met'})`);
    console.log(`runtimo tools/list (${runtimoTools.length} tools: ${runtimoTools.join(', ')}): ${ms(rt.listMs)} ms (target ≤ ${listTarget} ms: ${rt.listMs <= listTarget ? 'met' : 'not met'})`);
    for (const [label, j] of [['runtimo', journal], ['runtimo, sync never', lazyJournal]]) {
      if (j === null) continue;
      console.log(`${label} journal: ${j.completed} jobs completed for ${totalCalls} calls (${j.bytes} bytes); per job, medians: ` +
                  `duration ${ms(j.durationMs)} ms (snapshots ${ms(j.snapshotsMs)}, execute ${ms(j.executeMs)}), before the job.completed append`);
      if (j.completed < totalCalls) throw new Error(`${label}: the journal has ${j.completed} completed jobs, not ${totalCalls}`);
    }

    const round3 = (x) => Math.round(x * 1000) / 1000;
    const out = {
      bench: 'mcp_read',
      sdk: sdkVersion,
      node: process.version,
      build_type: buildType(o.buildDir),
      cpus: cpus.length,
      rounds: o.rounds,
      calls: o.calls,
      warmup: o.warmup,
      inherit_path: o.inheritPath,
      file_bytes: Buffer.byteLength(content),
      call_ms: Object.fromEntries(list.map((s) => [s.key, round3(s.callMs)])),
      call_p90_ms: Object.fromEntries(list.map((s) => [s.key, round3(s.p90Ms)])),
      round_medians_ms: Object.fromEntries(list.map((s) => [s.key, s.rounds.map((r) => round3(r.median))])),
      ratio_runtimo_over_filesystem: round3(ratioFs),
      fdatasync_floor_ms: round3(floorMs),
      ratio_runtimo_minus_floor_over_filesystem: round3((rt.callMs - floorMs) / fsS.callMs),
      ratio_runtimo_over_desktop_commander: round3(ratioDc),
      call_target_met: ratioFs <= 1 && ratioDc <= 1,
      server_cpu_ms_per_call: Object.fromEntries(list.map((s) => [s.key, round3(s.cpuPerCallMs)])),
      ping_ms: Object.fromEntries(list.map((s) => [s.key, round3(s.pingMs)])),
      tools_list_ms: Object.fromEntries(list.map((s) => [s.key, round3(s.listMs)])),
      runtimo_tools: runtimoTools.length,
      runtimo_journal_jobs: journal.completed,
      runtimo_job_ms: { duration: round3(journal.durationMs), snapshots: round3(journal.snapshotsMs), execute: round3(journal.executeMs) },
      tools_list_target_met: rt.listMs <= listTarget,
      idle_rss_kib: Object.fromEntries(list.map((s) => [s.key, s.idleRssKiB])),
      after_rss_kib: Object.fromEntries(list.map((s) => [s.key, s.afterRssKiB])),
      versions: { filesystem: fsS.version, desktop_commander: dcS.version, runtimo: rt.serverVersion?.version ?? null },
      load_average: os.loadavg().map((x) => Math.round(x * 100) / 100),
    };
    console.log(JSON.stringify(out));
  } catch (e) {
    for (const s of list)
      if (s.stderrTail) console.error(`--- ${s.key} stderr (last bytes):\n${s.stderrTail}`);
    throw e;
  } finally {
    for (const s of list) await s.client?.close().catch(() => {});
    if (o.keep) console.error(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`mcp_read: ${e.stack ?? e}`);
  process.exit(1);
});
