/**
 * The qemu-user-static install against a real apt and dpkg, and a repository of our own that
 * moves on under lists made stale on purpose. APT_CONFIG (which apt itself reads) points apt at
 * that repository, private lists and a private dpkg root: the machine's own apt sources, lists
 * and installed packages are neither read nor touched.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { type Server, createServer } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { installQemuPackage } from '../../src/qemu/apt.js'

const root = process.getuid?.() === 0
let work = ''
let repo = ''
let lists = ''
let server: Server
let port = 0
const savedAptConfig = process.env.APT_CONFIG

/** A small stand-in package named qemu-user-static, as a .deb in `dir`. */
function buildDeb(version: string): string {
  const tree = path.join(work, `tree-${version}`)
  mkdirSync(path.join(tree, 'DEBIAN'), { recursive: true })
  mkdirSync(path.join(tree, 'usr/share/qemu-stand-in'), { recursive: true })
  writeFileSync(path.join(tree, 'usr/share/qemu-stand-in/version'), `${version}\n`)
  writeFileSync(
    path.join(tree, 'DEBIAN/control'),
    `Package: qemu-user-static\nVersion: ${version}\nArchitecture: all\nMaintainer: Tests <tests@example.com>\nDescription: stand-in for the apt retry tests\n`
  )
  const deb = path.join(work, `qemu-user-static_${version}_all.deb`)
  execFileSync('dpkg-deb', ['-Zgzip', '--build', tree, deb], { stdio: 'ignore' })
  return deb
}

/** Make the repository hold exactly `version`, as an archive does once it supersedes the last. */
function publish(version: string): void {
  for (const name of readdirSync(repo)) rmSync(path.join(repo, name))
  const deb = buildDeb(version)
  const name = path.basename(deb)
  const bytes = readFileSync(deb)
  writeFileSync(path.join(repo, name), bytes)
  const control = execFileSync('dpkg-deb', ['--field', deb], { encoding: 'utf8' }).trimEnd()
  writeFileSync(
    path.join(repo, 'Packages'),
    `${control}\nFilename: ./${name}\nSize: ${bytes.length}\nSHA256: ${createHash('sha256').update(bytes).digest('hex')}\n\n`
  )
}

/** A fresh dpkg root and the apt configuration that points everything at this test's files. */
function aptConfig(name: string): { config: string; dpkgRoot: string } {
  const dir = path.join(work, name)
  const dpkgRoot = path.join(dir, 'root')
  const admin = path.join(dpkgRoot, 'var/lib/dpkg')
  for (const sub of ['info', 'updates']) mkdirSync(path.join(admin, sub), { recursive: true })
  writeFileSync(path.join(admin, 'status'), '')
  writeFileSync(path.join(admin, 'available'), '')
  const empty = path.join(work, 'empty')
  mkdirSync(empty, { recursive: true })
  mkdirSync(path.join(dir, 'cache/archives/partial'), { recursive: true })
  mkdirSync(path.join(dir, 'log'), { recursive: true })
  const sources = path.join(dir, 'sources.list')
  writeFileSync(sources, `deb [trusted=yes] http://127.0.0.1:${port}/ ./\n`)
  const config = path.join(dir, 'apt.conf')
  writeFileSync(
    config,
    [
      `Dir::Etc::main "/dev/null";`,
      `Dir::Etc::parts "${empty}";`,
      `Dir::Etc::preferencesparts "${empty}";`,
      `Dir::Etc::sourcelist "${sources}";`,
      `Dir::Etc::sourceparts "${empty}";`,
      `Dir::State::Lists "${lists}";`,
      `Dir::State::status "${admin}/status";`,
      `Dir::Cache "${dir}/cache";`,
      `Dir::Log "${dir}/log";`,
      `APT::Sandbox::User "root";`,
      `DPkg::Options { "--root=${dpkgRoot}"; "--admindir=${admin}"; "--log=${dir}/log/dpkg.log"; };`,
      ''
    ].join('\n')
  )
  return { config, dpkgRoot }
}

function installedVersion(dpkgRoot: string): string {
  return readFileSync(path.join(dpkgRoot, 'usr/share/qemu-stand-in/version'), 'utf8').trim()
}

function machineQemu(): string {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'qemu-user-static'], {
    encoding: 'utf8'
  })
  return result.stdout
}

/** Run the install with this configuration and return what it printed. */
async function install(config: string): Promise<{ log: string; error: unknown }> {
  process.env.APT_CONFIG = config
  const printed: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    printed.push(String(chunk))
    return true
  })
  let error: unknown
  try {
    await installQemuPackage(true)
  } catch (caught) {
    error = caught
  } finally {
    spy.mockRestore()
  }
  const log = printed.join('')
  // Kept in the test's output: what a run on such a runner prints.
  console.log(log)
  return { log, error }
}

const requests: string[] = []

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'qemu-apt-'))
  repo = path.join(work, 'repo')
  lists = path.join(work, 'lists')
  mkdirSync(repo)
  mkdirSync(path.join(lists, 'partial'), { recursive: true })
  server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).slice(1)
    let body: Buffer | undefined
    try {
      body = readFileSync(path.join(repo, path.basename(name)))
    } catch {
      body = undefined
    }
    requests.push(`${request.method ?? ''} /${name} ${body === undefined ? 404 : 200}`)
    if (body === undefined) response.writeHead(404, 'Not Found').end()
    else response.writeHead(200, { 'content-length': body.length }).end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  port = address.port
})

afterAll(async () => {
  if (savedAptConfig === undefined) delete process.env.APT_CONFIG
  else process.env.APT_CONFIG = savedAptConfig
  await new Promise(resolve => server.close(resolve))
  rmSync(work, { recursive: true, force: true })
})

describe.runIf(root)('installing qemu-user-static with stale package lists', () => {
  const machineBefore = machineQemu()

  it('refreshes missing lists before the install', async () => {
    publish('1.0')
    const { config, dpkgRoot } = aptConfig('missing')
    const { log, error } = await install(config)
    expect(error).toBeUndefined()
    expect(log).toContain('refreshing the package lists: the package lists are missing')
    expect(log).toMatch(
      /\[command\]env DEBIAN_FRONTEND=noninteractive APT_CONFIG=\S+ apt-get -o DPkg::Lock::Timeout=300 -q update/
    )
    expect(installedVersion(dpkgRoot)).toBe('1.0')
  })

  it('recovers when the archive has moved on: a 404, a refresh, the newer version', async () => {
    // The lists still name 1.0 and look fresh; the archive now holds 2.0 only.
    publish('2.0')
    requests.length = 0
    const { config, dpkgRoot } = aptConfig('superseded')
    const { log, error } = await install(config)
    expect(error).toBeUndefined()
    expect(log).toMatch(/404\s+Not Found/)
    expect(log).toContain(
      'refreshing the package lists: the install found no package or a version the archive no longer has'
    )
    expect(requests).toContain('GET /qemu-user-static_1.0_all.deb 404')
    expect(requests).toContain('GET /qemu-user-static_2.0_all.deb 200')
    expect(installedVersion(dpkgRoot)).toBe('2.0')
  })

  it('refreshes lists older than a day before it tries', async () => {
    const threeDaysAgo = new Date(Date.now() - 72 * 3_600_000)
    for (const name of readdirSync(lists)) {
      if (name.endsWith('_Packages')) utimesSync(path.join(lists, name), threeDaysAgo, threeDaysAgo)
    }
    requests.length = 0
    const { config, dpkgRoot } = aptConfig('old')
    const { log, error } = await install(config)
    expect(error).toBeUndefined()
    expect(log).toMatch(/refreshing the package lists: the package lists are 7[23] hours old/)
    expect(requests.filter(line => line.endsWith('.deb 404'))).toEqual([])
    expect(installedVersion(dpkgRoot)).toBe('2.0')
  })

  it('stops with the whole command and its output when a refresh does not help', async () => {
    for (const name of readdirSync(repo)) rmSync(path.join(repo, name))
    writeFileSync(path.join(repo, 'Packages'), '')
    rmSync(lists, { recursive: true, force: true })
    mkdirSync(path.join(lists, 'partial'), { recursive: true })
    const { config } = aptConfig('gone')
    const { error } = await install(config)
    expect(String(error)).toMatch(
      /qemu-user-static is still not installable after refreshing the package lists: `env DEBIAN_FRONTEND=noninteractive APT_CONFIG=\S+ apt-get -o DPkg::Lock::Timeout=300 -q -y --no-install-recommends install qemu-user-static` exited with code 100:[\s\S]*Unable to locate package qemu-user-static/
    )
  })

  it("left the machine's own qemu-user-static as it was", () => {
    expect(machineQemu()).toBe(machineBefore)
  })
})
