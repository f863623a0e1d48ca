// `runtimo mcp` driven by the official MCP TypeScript SDK client (@modelcontextprotocol/sdk,
// pinned in package.json), as an agent would: list tools, call FileRead and Kill, a schema
// violation (isError), an unknown tool (rejected), progress, a long call cancelled (and
// journaled job.cancelled), a call run as a task, resources, and a plugin that prints to stdout leaving the stream
// intact. Run by ctest (e2e_mcp_official_client) from the build tree, where the SDK is
// installed; RUNTIMO_TEST_BIN and RUNTIMO_TEST_BAD_PLUGIN_DIR name the runtime and the test
// plugins.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';

import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = process.env.RUNTIMO_TEST_BIN;
const testPlugins = process.env.RUNTIMO_TEST_BAD_PLUGIN_DIR;
assert.ok(bin && testPlugins, 'RUNTIMO_TEST_BIN and RUNTIMO_TEST_BAD_PLUGIN_DIR must be set (ctest sets them)');

const dir = mkdtempSync(join(tmpdir(), 'runtimo-mcp-client-'));
const home = join(dir, 'home');
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ guard: { enabled: false }, plugins: { stdout_writer: { isolation: 'in_process' } } }));
const args = ['mcp', '--home', home];
for (const name of ['slow', 'stdout_writer']) args.push('--plugin-dir', join(testPlugins, name));
// The SDK passes a server only a few safe variables (HOME, PATH, …): Runtimo's are given.
const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? dir, RUNTIMO_CONFIG: config };

async function connect() {
  const transport = new StdioClientTransport({ command: bin, args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => { stderr += chunk; });
  const client = new Client({ name: 'runtimo-e2e', version: '1.0.0' });
  const errors = [];
  client.onerror = (e) => errors.push(e);  // e.g. a line of stdout that is not JSON-RPC
  await client.connect(transport);
  return { client, transport, errors, stderr: () => stderr };
}

function journal(job) {
  const out = execFileSync(bin, ['logs', '--json', '--tail', '0', '--job', job, '--home', home],
                           { env: { ...process.env, RUNTIMO_CONFIG: config }, encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l).type);
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const session = await connect();
const { client } = session;

test('the server names itself and offers tools and resources', async () => {
  assert.equal(client.getServerVersion().name, 'runtimo');
  const caps = client.getServerCapabilities();
  assert.ok(caps.tools && caps.resources);
});

test('tools/list names every capability, with its schema and hints', async () => {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  assert.deepEqual(names, [...names].sort(), 'tools come in name order');
  for (const name of ['file_delete', 'file_move', 'file_read', 'file_write', 'kill', 'process_list', 'slow', 'stdout_writer', 'telemetry', 'undo'])
    assert.ok(names.includes(name), `no tool ${name} in ${names}`);
  const fileRead = tools.find((t) => t.name === 'file_read');
  assert.equal(fileRead.inputSchema.type, 'object');
  assert.ok(fileRead.inputSchema.required.includes('path'));
  assert.equal(fileRead.annotations.readOnlyHint, true);
  assert.equal(tools.find((t) => t.name === 'kill').annotations.destructiveHint, true);
});

test('file_read returns the file as structured content and the same JSON as text', async () => {
  const file = join(dir, 'one-kib.txt');
  const text = 'x'.repeat(1023) + '\n';
  writeFileSync(file, text);
  const r = await client.callTool({ name: 'file_read', arguments: { path: file } });
  assert.equal(r.isError, false);
  assert.equal(r.structuredContent.data.content, text);
  assert.deepEqual(JSON.parse(r.content[0].text), r.structuredContent);
  assert.deepEqual(journal(r.structuredContent.job_id), ['job.started', 'job.completed']);
});

test('kill ends a process', async () => {
  const child = spawn('/bin/sleep', ['30']);
  await new Promise((resolve) => child.once('spawn', resolve));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal)));
  const r = await client.callTool({ name: 'kill', arguments: { pid: child.pid } });
  assert.equal(r.isError, false, JSON.stringify(r.structuredContent));
  assert.equal(await exited, 'SIGTERM');
});

test('a schema violation is an error result that says what to fix', async () => {
  const r = await client.callTool({ name: 'file_read', arguments: { path: 5 } });
  assert.equal(r.isError, true);
  assert.equal(r.structuredContent.error.kind, 'invalid_args');
  assert.match(r.content[0].text, /schema/);
});

test('an unknown tool is rejected with a suggestion', async () => {
  await assert.rejects(client.callTool({ name: 'file_reed', arguments: {} }), (e) => {
    assert.ok(e instanceof McpError);
    assert.equal(e.code, ErrorCode.InvalidParams);
    assert.match(e.message, /file_read/);
    return true;
  });
});

test('a long call reports progress and, cancelled, is journaled job.cancelled', async () => {
  const abort = new AbortController();
  let job = null;
  const progress = [];
  const call = client.callTool({ name: 'slow', arguments: {} }, undefined, {
    signal: abort.signal,
    onprogress: (p) => {
      progress.push(p);
      const m = /^job ([0-9a-f]+) started$/.exec(p.message ?? '');
      if (m) {
        job = m[1];
        abort.abort('the test gives up');  // the client sends notifications/cancelled
      }
    },
  });
  await assert.rejects(call);
  assert.ok(job, 'no progress notification named the job');
  assert.ok(progress.length >= 1);
  // The job's end is journaled once the plugin has seen the cancellation; the resource says
  // so once it is (read through a second request, after the cancellation was sent).
  let record;
  do {
    const r = await client.readResource({ uri: `runtimo://jobs/${job}` });
    record = JSON.parse(r.contents[0].text);
  } while (record.state === 'running');
  assert.equal(record.state, 'cancelled');
  assert.deepEqual(journal(job), ['job.started', 'job.cancelled']);
});

test('a call run as a task (2025-11-25 experimental tasks) is polled to its result', async () => {
  const file = join(dir, 'task.txt');
  writeFileSync(file, 'as a task\n');
  const messages = [];
  const stream = client.experimental.tasks.callToolStream({ name: 'file_read', arguments: { path: file } }, undefined, { task: {} });
  for await (const m of stream) messages.push(m);
  const created = messages.find((m) => m.type === 'taskCreated');
  assert.ok(created, JSON.stringify(messages));
  const last = messages.at(-1);
  assert.equal(last.type, 'result', JSON.stringify(last));
  assert.equal(last.result.structuredContent.data.content, 'as a task\n');
  assert.equal(last.result.structuredContent.job_id, created.task.taskId);  // the task is the job
  const task = await client.experimental.tasks.getTask(created.task.taskId);
  assert.equal(task.status, 'completed');
  assert.deepEqual(journal(created.task.taskId), ['job.started', 'job.completed']);
});

test('resources are listed and read', async () => {
  const { resources } = await client.listResources();
  assert.deepEqual(resources.map((r) => r.uri).sort(), ['runtimo://journal/tail', 'runtimo://processes', 'runtimo://telemetry']);
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.equal(resourceTemplates[0].uriTemplate, 'runtimo://jobs/{id}');
  const t = await client.readResource({ uri: 'runtimo://telemetry' });
  assert.ok(JSON.parse(t.contents[0].text).memory);
  const tail = await client.readResource({ uri: 'runtimo://journal/tail' });
  assert.ok(JSON.parse(tail.contents[0].text).length > 0);
});

test('a plugin that prints to stdout leaves the stream intact', async () => {
  const r = await client.callTool({ name: 'stdout_writer', arguments: {} });
  assert.equal(r.isError, false);
  await client.ping();
  assert.match(session.stderr(), /GARBAGE FROM stdout_writer/);
});

let failed = 0;
for (const { name, fn } of tests) {
  try {
    await fn();
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n${e?.stack ?? e}`);
  }
}
try {
  assert.deepEqual(session.errors.map(String), [], 'the client saw protocol errors');
  console.log('ok - the client saw no protocol error');
} catch (e) {
  failed++;
  console.log(`not ok - the client saw protocol errors\n${e.message}`);
}
await client.close();
rmSync(dir, { recursive: true, force: true });
console.log(failed ? `${failed} failed` : `all ${tests.length + 1} passed`);
process.exit(failed ? 1 : 0);
