// Runs @cloud-copilot/iam-simulate (installed from npm into this directory, see package.json) on
// the accessgraph conformance vectors and prints one JSON object on stdout:
//   {tool, version, node, vectors, decided, agree, unsupported, runs, decisions_per_s, ...}
//
// Usage: node bench_iam_simulate.mjs VECTORS.jsonl [--runs N] [--ids-out FILE] [--limit N]
//
// A vector counts as decided ("supported") when runSimulation() returns a result rather than
// validation errors; only decided vectors are timed. The first pass over all vectors finds them
// (and is not timed); then --runs timed passes go over the decided vectors, one call at a time.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'

import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate'

const args = process.argv.slice(2)
if (args.length < 1 || args[0].startsWith('--')) {
  process.stderr.write('usage: node bench_iam_simulate.mjs VECTORS.jsonl [--runs N] [--ids-out FILE] [--limit N]\n')
  process.exit(2)
}
const vectorsPath = args[0]
let runs = 3
let idsOut = null
let limit = Infinity
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--runs') runs = Math.max(1, parseInt(args[++i], 10))
  else if (args[i] === '--ids-out') idsOut = args[++i]
  else if (args[i] === '--limit') limit = parseInt(args[++i], 10)
  else {
    process.stderr.write(`unknown argument ${args[i]}\n`)
    process.exit(2)
  }
}

// The installed version: the package does not export its package.json, so find it on disk.
function installedVersion() {
  let dir = dirname(createRequire(import.meta.url).resolve('@cloud-copilot/iam-simulate'))
  while (dir !== dirname(dir)) {
    const p = join(dir, 'package.json')
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8'))
      if (pkg.name === '@cloud-copilot/iam-simulate') return pkg.version
    }
    dir = dirname(dir)
  }
  return 'unknown'
}
const version = installedVersion()

const named = (prefix, docs) => docs.map((policy, i) => ({ name: `${prefix}-${i}`, policy }))
const levels = (prefix, lv) =>
  lv.map((docs, i) => ({ orgIdentifier: `${prefix}-level-${i}`, policies: named(`${prefix}-${i}`, docs) }))

// One vector (tests/data/conformance/FORMAT.md) as an iam-simulate Simulation. Built fresh for
// every call so that nothing cached on the input objects carries over between runs.
function simulationOf(v) {
  const r = v.request
  const sim = {
    request: {
      principal: r.principal === 'anonymous' ? anonymousPrincipal : r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: r.resource_account },
      contextVariables: r.context ?? {}
    },
    identityPolicies: named('identity', v.identity_policies ?? []),
    serviceControlPolicies: levels('scp', v.scps ?? []),
    resourceControlPolicies: levels('rcp', v.rcps ?? [])
  }
  if (v.permission_boundary) sim.permissionBoundaryPolicies = [{ name: 'boundary', policy: v.permission_boundary }]
  if (v.session_policy) sim.sessionPolicy = v.session_policy
  if (v.resource_policy) sim.resourcePolicy = v.resource_policy
  if (v.options && v.options.s3_block_public_access !== undefined) {
    sim.additionalSettings = { s3: { blockPublicAccess: Boolean(v.options.s3_block_public_access) } }
  }
  return sim
}

const lines = readFileSync(vectorsPath, 'utf8').split('\n').filter((l) => l.trim() !== '')
const vectors = lines.slice(0, limit).map((l) => JSON.parse(l))

// Pass 1 (untimed): which vectors does iam-simulate decide, and does it agree?
const decided = []
const unsupported = {}
const byCategory = {}
let agree = 0
for (const v of vectors) {
  const cat = (byCategory[v.category] ??= { vectors: 0, decided: 0, agree: 0 })
  cat.vectors++
  let res
  try {
    res = await runSimulation(simulationOf(v), {})
  } catch (e) {
    const reason = `exception: ${String(e && e.message ? e.message : e).slice(0, 80)}`
    unsupported[reason] = (unsupported[reason] ?? 0) + 1
    continue
  }
  if (res.resultType === 'error') {
    const reason = `error: ${String(res.errors?.message ?? 'unknown').slice(0, 80)}`
    unsupported[reason] = (unsupported[reason] ?? 0) + 1
    continue
  }
  decided.push(v)
  cat.decided++
  if (res.overallResult === v.expected) {
    agree++
    cat.agree++
  }
}

// Timed passes over the decided vectors. Rates use the CPU time of the process (user + system,
// all threads: garbage collection and JIT compilation are part of the work), so that other
// processes sharing the cores do not count against it; wall-clock rates are reported alongside.
const rates = []
const wallRates = []
const seconds = []
let sink = 0
for (let r = 0; r < runs && decided.length > 0; r++) {
  const sims = decided.map(simulationOf)
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  for (const sim of sims) {
    const res = await runSimulation(sim, {})
    if (res.overallResult === 'Allowed') sink++
  }
  const c = process.cpuUsage(c0)
  const cpu = (c.user + c.system) / 1e6
  const wall = (performance.now() - t0) / 1000
  seconds.push(cpu)
  rates.push(decided.length / cpu)
  wallRates.push(decided.length / wall)
}
const median = (xs) => {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

if (idsOut) writeFileSync(idsOut, decided.map((v) => v.id).join('\n') + '\n')

process.stdout.write(
  JSON.stringify({
    tool: '@cloud-copilot/iam-simulate',
    version,
    node: process.version,
    vectors: vectors.length,
    decided: decided.length,
    agree,
    unsupported,
    by_category: byCategory,
    runs,
    clock: 'process CPU time (user + system); wall_decisions_per_s is wall-clock',
    cpu_seconds: seconds,
    rates,
    wall_decisions_per_s: median(wallRates),
    decisions_per_s: median(rates),
    best_decisions_per_s: rates.length ? Math.max(...rates) : 0,
    sink
  }) + '\n'
)
