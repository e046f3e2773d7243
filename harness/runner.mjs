/**
 * Runs the bundled action the way the GitHub runner does: inputs as INPUT_* variables
 * (action.yml defaults plus overrides), GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV /
 * GITHUB_STEP_SUMMARY files, RUNNER_TEMP, and the post step with the saved state.
 * Plain JavaScript so that both the tests and `harness/cli.mjs` use the same code;
 * types are in runner.d.mts.
 */
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { createLogReader } from './log.mjs'

export { createLogReader, readLog, RUNNER_COMMANDS } from './log.mjs'

export const ROOT = path.resolve(import.meta.dirname, '..')

export function actionYaml() {
  return parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))
}

/**
 * Parse a GITHUB_OUTPUT / GITHUB_STATE file: `name=value` lines and the
 * `name<<DELIMITER` ... `DELIMITER` form for multi-line values.
 */
export function parseCommandFile(text) {
  const values = {}
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const body = []
      index++
      while (index < lines.length && lines[index] !== delimiter) body.push(lines[index++])
      if (index >= lines.length) throw new Error(`unterminated value for ${name}`)
      values[name] = body.join('\n')
      continue
    }
    const equals = line.indexOf('=')
    if (equals === -1) throw new Error(`malformed line: ${line}`)
    values[line.slice(0, equals)] = line.slice(equals + 1)
  }
  return values
}

const inputVariable = name => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

/** INPUT_* variables as the runner sets them: action.yml's defaults, then `overrides`. */
export function inputEnv(overrides) {
  const action = actionYaml()
  const env = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    env[inputVariable(name)] = spec.default ?? ''
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`)
    env[inputVariable(name)] = value
  }
  return env
}

/** The runner starts each step without the caller's own INPUT_/STATE_/GITHUB_ variables. */
function baseEnv() {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(INPUT_|STATE_|GITHUB_)/.test(key)) env[key] = value
  }
  return env
}

/** Every folder this process made for a step: the runner's files and RUNNER_TEMP. */
const stepFolders = new Set()

/**
 * Remove every folder the steps of this process used (test suites call it when they end;
 * a person running `harness/cli.mjs` keeps them to read the summary).
 */
export function removeStepFolders() {
  for (const dir of stepFolders) rmSync(dir, { recursive: true, force: true })
  stepFolders.clear()
}

function commandFiles(prefix, shared) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  stepFolders.add(dir)
  // A step run as another user (options.uid) must be able to write the runner's files.
  if (shared) chmodSync(dir, 0o777)
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary')
  }
  for (const file of Object.values(files)) writeFileSync(file, '', { mode: shared ? 0o666 : 0o644 })
  if (shared) for (const file of Object.values(files)) chmodSync(file, 0o666)
  return { dir, files }
}

function runScript(script, env, options) {
  return new Promise((resolve, reject) => {
    const node = options.node ?? process.execPath
    // A step on a runner whose network is the lab's namespace: the real registry names resolve there.
    const [program, args] =
      options.netns === undefined
        ? [node, [script]]
        : ['ip', ['netns', 'exec', options.netns, node, script]]
    const child = spawn(program, args, {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid })
    })
    if (child.pid !== undefined) options.onSpawn?.(child.pid)
    let stdout = ''
    let stderr = ''
    const reader = createLogReader(options.knownMasks ?? [])
    const logLines = []
    const show = lines => {
      logLines.push(...lines)
      if (options.onLogLine !== undefined) for (const line of lines) options.onLogLine(line)
    }
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', text => {
      stdout += text
      options.onStdout?.(text)
      show(reader.write(text))
    })
    child.stderr.on('data', chunk => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', (exitCode, signal) => {
      show(reader.end())
      resolve({
        exitCode,
        signal,
        stdout,
        stderr,
        log: logLines.join('\n'),
        commands: reader.commands
      })
    })
  })
}

function collect(run, files, runnerTemp) {
  return {
    ...run,
    outputs: parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    summaryFile: files.GITHUB_STEP_SUMMARY,
    runnerTemp,
    errors: run.commands.filter(entry => entry.command === 'error').map(entry => entry.text)
  }
}

/** Run the main step of dist/ as the runner would. */
export async function runMain(options = {}) {
  const shared = options.uid !== undefined
  const { dir, files } = commandFiles('runner-', shared)
  const runnerTemp = path.join(dir, 'temp')
  mkdirSync(runnerTemp, { mode: shared ? 0o777 : 0o755 })
  if (shared) chmodSync(runnerTemp, 0o777)
  const env = {
    ...baseEnv(),
    ...inputEnv(options.inputs ?? {}),
    ...files,
    RUNNER_TEMP: runnerTemp,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.cwd ?? ROOT,
    ...options.env
  }
  const run = await runScript(path.join(ROOT, actionYaml().runs.main), env, options)
  return collect(run, files, runnerTemp)
}

/** Run the post step with the state the main step saved. */
export async function runPost(main, options = {}) {
  const action = actionYaml()
  if (action.runs.post === undefined) throw new Error('action.yml has no post step')
  const { files } = commandFiles('runner-post-', options.uid !== undefined)
  const stateEnv = Object.fromEntries(
    Object.entries(main.state).map(([name, value]) => [`STATE_${name}`, value])
  )
  const env = {
    ...baseEnv(),
    ...inputEnv(options.inputs ?? {}),
    ...files,
    ...stateEnv,
    RUNNER_TEMP: main.runnerTemp,
    GITHUB_ACTIONS: 'true',
    ...options.env
  }
  const knownMasks = (main.commands ?? [])
    .filter(entry => entry.command === 'add-mask')
    .map(entry => entry.value)
  const run = await runScript(path.join(ROOT, action.runs.post), env, { ...options, knownMasks })
  return collect(run, files, main.runnerTemp)
}

/** Node binaries to run dist/ under: this one, plus any listed in TEST_NODE_BINARIES. */
export function nodeBinaries() {
  const extra = (process.env.TEST_NODE_BINARIES ?? '').split(':').filter(item => item !== '')
  return [process.execPath, ...extra]
}
