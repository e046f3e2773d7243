import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Tokens, marked } from 'marked'
import { format, resolveConfig } from 'prettier'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  type BuildSummary,
  type PlatformRow,
  formatBytes,
  registryWebLink,
  renderBuildSummary,
  writeBuildSummary
} from '../../src/summary.js'

const digest = (seed: string): string => `sha256:${createHash('sha256').update(seed).digest('hex')}`

function row(platform: string, fields: Partial<PlatformRow> = {}): PlatformRow {
  const manifest = digest(platform)
  return {
    platform,
    emulated: false,
    digest: manifest,
    link: registryWebLink('ghcr.io', 'acme/web-api', manifest),
    layers: 6,
    bytes: 28_734_112,
    buildSeconds: 38.42,
    archCheck: { status: 'passed' },
    smokeTest: { status: 'passed', seconds: 0.41 },
    ...fields
  }
}

/** A matrix run: two native legs, three under QEMU, all checks green. Also docs/job-summary.md. */
const fivePlatforms: BuildSummary = {
  title: 'ghcr.io/acme/web-api',
  engine: 'buildah 1.28.2',
  indexDigest: digest('index'),
  tags: ['ghcr.io/acme/web-api:1.4.2', 'ghcr.io/acme/web-api:1.4', 'ghcr.io/acme/web-api:latest'],
  rows: [
    row('linux/amd64'),
    row('linux/arm64', {
      bytes: 27_310_540,
      buildSeconds: 41.17,
      smokeTest: { status: 'passed', seconds: 0.38 }
    }),
    row('linux/arm/v7', {
      emulated: true,
      bytes: 24_902_377,
      buildSeconds: 212.66,
      smokeTest: { status: 'passed', seconds: 2.14 }
    }),
    row('linux/s390x', {
      emulated: true,
      bytes: 29_118_004,
      buildSeconds: 268.31,
      smokeTest: { status: 'passed', seconds: 2.97 }
    }),
    row('linux/ppc64le', {
      emulated: true,
      bytes: 30_455_981,
      buildSeconds: 251.9,
      smokeTest: { status: 'passed', seconds: 2.61 }
    })
  ],
  failure: undefined,
  nextSteps: []
}

const wrongArch: BuildSummary = {
  ...fivePlatforms,
  indexDigest: undefined,
  tags: [],
  rows: [
    row('linux/amd64', { digest: undefined, link: undefined }),
    row('linux/arm64', {
      digest: undefined,
      link: undefined,
      emulated: true,
      archCheck: { status: 'failed', detail: 'usr/bin/app is linux/amd64' },
      smokeTest: { status: 'skipped' }
    })
  ],
  failure: 'linux/arm64: `usr/bin/app` is an x86-64 binary',
  nextSteps: [
    'linux/arm64 holds an x86-64 binary: build it `FROM` an arm64 base or cross-compile',
    'Run the build again with `verify: warn` to push anyway'
  ]
}

/** The rows of the one table in the summary, as a GFM parser reads them. */
function tableOf(markdown: string): Tokens.Table {
  const tables = marked.lexer(markdown).filter(token => token.type === 'table')
  expect(tables).toHaveLength(1)
  return tables[0] as Tokens.Table
}

function headerText(header: Tokens.TableCell): string {
  return header.text.replaceAll('&nbsp;', ' ')
}

function cell(table: Tokens.Table, rowIndex: number, column: string): string {
  const columnIndex = table.header.findIndex(header => headerText(header) === column)
  expect(columnIndex).toBeGreaterThanOrEqual(0)
  const found = table.rows[rowIndex]?.[columnIndex]
  if (found === undefined) throw new Error(`no cell ${column} in row ${rowIndex}`)
  return found.text
}

function mermaidBlocks(markdown: string): string[] {
  return marked
    .lexer(markdown)
    .filter((token): token is Tokens.Code => token.type === 'code' && token.lang === 'mermaid')
    .map(token => token.text)
}

describe('renderBuildSummary', () => {
  it('shows a successful five-platform build at a glance', () => {
    const text = renderBuildSummary(fivePlatforms)
    expect(text.split('\n')[0]).toBe('### ghcr.io/acme/web-api')
    expect(text).toContain('✅ **Built and pushed** · 5 platforms (3 emulated) · buildah 1.28.2')
    expect(text).toContain(`**Index digest**: <code>sha256&#58;${digest('index').slice(7)}</code>`)
    expect(text).toContain('<code>ghcr.io/acme/web-api&#58;1.4.2</code>')
    expect(text).not.toContain('Next steps')
    expect(text).not.toContain('❌')

    const table = tableOf(text)
    expect(table.header.map(headerText)).toEqual([
      'Platform',
      'Runs',
      'Digest',
      'Layers',
      'Size',
      'Arch check',
      'Smoke test',
      'Build time'
    ])
    expect(table.align).toEqual([null, null, null, 'right', 'right', null, null, 'right'])
    expect(table.rows).toHaveLength(5)
    for (const cells of table.rows) expect(cells).toHaveLength(8)
    expect(table.rows.map((_, index) => cell(table, index, 'Runs'))).toEqual([
      'native',
      'native',
      'emulated&nbsp;(QEMU)',
      'emulated&nbsp;(QEMU)',
      'emulated&nbsp;(QEMU)'
    ])
    expect(cell(table, 2, 'Platform')).toBe('<code>linux/arm/v7</code>')
    expect(cell(table, 0, 'Layers')).toBe('6')
    expect(cell(table, 0, 'Size')).toBe('28.7&nbsp;MB')
    expect(cell(table, 0, 'Arch check')).toBe('✅ passed')
    expect(cell(table, 3, 'Smoke test')).toBe('✅ 3.0&nbsp;s')
    expect(cell(table, 3, 'Build time')).toBe('268.3&nbsp;s')

    const [chart, ...more] = mermaidBlocks(text)
    expect(more).toEqual([])
    expect(chart).toContain('xychart-beta')
    expect(chart).toContain(
      'x-axis ["linux/amd64", "linux/arm64", "linux/arm/v7 (QEMU)", "linux/s390x (QEMU)", "linux/ppc64le (QEMU)"]'
    )
    expect(chart).toContain('y-axis "seconds" 0 --> 300')
    expect(chart).toContain('bar [38.4, 41.2, 212.7, 268.3, 251.9]')
  })

  it('renders a short digest linked to its web page', () => {
    const text = renderBuildSummary(fivePlatforms)
    const amd64 = digest('linux/amd64')
    const short = `<code>sha256&#58;${amd64.slice(7, 19)}</code>`
    expect(cell(tableOf(text), 0, 'Digest')).toBe(
      `<a href="https://github.com/users/acme/packages/container/package/web-api">${short}</a>`
    )
    expect(text).toContain(`linux/amd64    sha256&#58;${amd64.slice(7)}`)
  })

  it.each([
    ['no link', undefined, (short: string) => short],
    ['a script link', 'javascript:alert(1)', (short: string) => short],
    [
      'a link with markup',
      'https://quay.io/x?a=1&b="2"',
      (short: string) => `<a href="https://quay.io/x?a=1&#38;b=&#34;2&#34;">${short}</a>`
    ]
  ])('digest cell with %s', (_, link, expected) => {
    const text = renderBuildSummary({ ...fivePlatforms, rows: [row('linux/amd64', { link })] })
    const short = `<code>sha256&#58;${digest('linux/amd64').slice(7, 19)}</code>`
    expect(cell(tableOf(text), 0, 'Digest')).toBe(expected(short))
  })

  it('leads with the failure and says what to do next', () => {
    const text = renderBuildSummary(wrongArch)
    expect(text).toContain(
      '❌ **Failed**: linux/arm64&#58; <code>usr/bin/app</code> is an x86-64 binary<br>'
    )
    expect(text).not.toContain('✅ **Built')
    expect(text).toContain('**Index digest**: — (not pushed)<br>\n**Tags**: —')
    const table = tableOf(text)
    expect(cell(table, 0, 'Digest')).toBe('—')
    expect(cell(table, 1, 'Arch check')).toBe('❌ failed<br><sub>usr/bin/app is linux/amd64</sub>')
    expect(cell(table, 1, 'Smoke test')).toBe('—')
    expect(text).toContain(
      [
        '#### Next steps',
        '',
        '- linux/arm64 holds an x86-64 binary&#58; build it <code>FROM</code> an arm64 base or cross-compile',
        '- Run the build again with <code>verify&#58; warn</code> to push anyway'
      ].join('\n')
    )
    expect(text).not.toContain('Full digests')
  })

  it('folds a multi-line error away under its first line', () => {
    const text = renderBuildSummary({
      ...wrongArch,
      failure: 'buildah exited 125\nError: <stderr> & more\n\nlast line'
    })
    expect(text).toContain('❌ **Failed**: buildah exited 125 …<br>')
    expect(text).toContain(
      '<pre>\nbuildah exited 125\nError&#58; &#60;stderr&#62; &#38; more\n\nlast line\n</pre>'
    )
  })

  it('still says what failed when no platform got built', () => {
    const text = renderBuildSummary({
      ...wrongArch,
      rows: [],
      failure: 'platform `linux/arm65` is not known',
      nextSteps: []
    })
    expect(text).toBe(
      [
        '### ghcr.io/acme/web-api',
        '',
        '❌ **Failed**: platform <code>linux/arm65</code> is not known<br>',
        'buildah 1.28.2',
        '',
        '**Index digest**: — (not pushed)<br>',
        '**Tags**: —',
        ''
      ].join('\n')
    )
  })

  it('shows warnings and the other check states', () => {
    const text = renderBuildSummary({
      ...fivePlatforms,
      rows: [
        row('linux/amd64', { archCheck: { status: 'warned', detail: 'no ELF files found' } }),
        row('linux/arm64', {
          archCheck: { status: 'skipped' },
          smokeTest: { status: 'failed', output: 'exec format error' }
        }),
        row('linux/riscv64', { smokeTest: { status: 'passed' } }),
        row('linux/386', { smokeTest: { status: 'failed' } })
      ]
    })
    expect(text).toContain('· ⚠️ 1 warning')
    const table = tableOf(text)
    expect(cell(table, 0, 'Arch check')).toBe('⚠️ warned<br><sub>no ELF files found</sub>')
    expect(cell(table, 1, 'Arch check')).toBe('—')
    expect(cell(table, 1, 'Smoke test')).toBe(
      '❌ failed<br><sub><code>exec format error</code></sub>'
    )
    expect(cell(table, 2, 'Smoke test')).toBe('✅ passed')
    expect(cell(table, 3, 'Smoke test')).toBe('❌ failed')
  })

  it('draws no chart when no build time is known', () => {
    const text = renderBuildSummary({
      ...fivePlatforms,
      rows: fivePlatforms.rows.map(platformRow => ({ ...platformRow, buildSeconds: undefined }))
    })
    expect(mermaidBlocks(text)).toEqual([])
    expect(text).not.toContain('Build time per platform')
    expect(cell(tableOf(text), 0, 'Build time')).toBe('—')
  })

  it('charts only the platforms whose time is known', () => {
    const text = renderBuildSummary({
      ...fivePlatforms,
      rows: [
        row('linux/amd64', { buildSeconds: 4.04 }),
        row('linux/arm64', { buildSeconds: undefined })
      ]
    })
    const [chart] = mermaidBlocks(text)
    expect(chart).toContain('x-axis ["linux/amd64"]')
    expect(chart).toContain('y-axis "seconds" 0 --> 5')
    expect(chart).toContain('bar [4]')
  })

  it('lets no string from an image become a link, an image or an address in the summary', () => {
    // What a Dockerfile controls: the smoke test's output and the paths of files in its layers.
    const fromImage =
      'see www.evil.example/x or https://evil.example/p, mail me@evil.example, ' +
      '![pixel](https://evil.example/p.png) <a href="https://evil.example">x</a>'
    const text = renderBuildSummary({
      ...fivePlatforms,
      rows: [
        row('linux/arm64', {
          link: undefined,
          archCheck: { status: 'failed', detail: `${fromImage} is linux/amd64` },
          smokeTest: { status: 'failed', output: fromImage }
        })
      ],
      failure: `the smoke test failed on linux/arm64: ${fromImage}`
    })
    const html = marked.parse(text, { gfm: true, async: false })
    expect(html).not.toMatch(/<a\b|<img\b|evil\.example"|mailto:/i)
    // The words are all still there for a person to read.
    expect(html).toContain('evil')
  })

  it('keeps hostile content inside its cell and out of the markup', () => {
    const hostile = 'a|b <script>alert(1)</script> `x` **y** [z](javascript:1) $m$ :x: @you'
    const text = renderBuildSummary({
      ...fivePlatforms,
      title: `${hostile}\n# injected heading`,
      engine: 'buildah | <img src=x onerror=alert(1)>',
      tags: ['ghcr.io/a/b:1`\n```\nfence'],
      rows: [
        row(`linux/${hostile}`, {
          archCheck: { status: 'failed', detail: `${hostile}\nsecond | line` },
          smokeTest: {
            status: 'failed',
            output: `\u001b[31mpanic:\u001b[0m ${hostile}\r\n| --- |\n\`\`\`\n${'z'.repeat(400)}`
          },
          buildSeconds: 3
        })
      ],
      failure: hostile,
      nextSteps: [`${hostile}\n- not a second item`]
    })
    expect(text).not.toMatch(/<script|<img|onerror=alert\(1\)>|\*\*y\*\*|\[z\]|\$m\$|:x:|@you/)
    expect(text).not.toMatch(/^# injected/m)
    expect(text).not.toMatch(/^- not a second item/m)

    const table = tableOf(text)
    expect(table.rows).toHaveLength(1)
    expect(table.rows[0]).toHaveLength(8)
    const tableLines = text.split('\n').filter(line => line.startsWith('| '))
    expect(tableLines).toHaveLength(3)
    for (const line of tableLines) {
      expect(line.match(/(?<!\\)\|/g)).toHaveLength(9)
      expect(line).not.toContain('`')
    }

    const smoke = cell(table, 0, 'Smoke test')
    expect(smoke).not.toContain('\u001b')
    expect(smoke).toContain('panic&#58; a&#124;b &#60;script&#62;')
    expect(smoke).toContain('z…</code>')
    const shown = smoke
      .replace(/^❌ failed<br><sub><code>|<\/code><\/sub>$/g, '')
      .replace(/&#\d+;/g, '.')
    expect(shown).toHaveLength(200)

    const [chart] = mermaidBlocks(text)
    expect(chart).toBeDefined()
    const axis = chart?.split('\n').filter(line => line.startsWith('  x-axis'))
    expect(axis).toHaveLength(1)
    expect(axis?.[0]).toMatch(
      /^ {2}x-axis \["linux\/a_b _script_alert\(1\)_\/script_ _x_ [^"`<>|]*"\]$/
    )
  })

  it('ends with one newline and repeats nothing', () => {
    const text = renderBuildSummary(fivePlatforms)
    expect(text.endsWith('\n')).toBe(true)
    expect(text.endsWith('\n\n')).toBe(false)
    expect(text.match(/<table|<\/details>/g)).toEqual(['</details>'])
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 KB'],
    [1536, '1.5 KB'],
    [999_949, '999.9 KB'],
    [999_950, '1.0 MB'],
    [28_734_112, '28.7 MB'],
    [1_500_000_000, '1.5 GB'],
    [2_000_000_000_000_000, '2000.0 TB']
  ])('%d -> %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected)
  })
})

describe('registryWebLink', () => {
  const hex = createHash('sha256').update('x').digest('hex')
  const sha = `sha256:${hex}`
  it.each([
    ['docker.io', 'library/alpine', 'https://hub.docker.com/_/alpine/tags'],
    ['docker.io', 'alpine', 'https://hub.docker.com/_/alpine/tags'],
    ['docker.io', 'acme/app', 'https://hub.docker.com/r/acme/app/tags'],
    ['registry-1.docker.io', 'acme/app', 'https://hub.docker.com/r/acme/app/tags'],
    ['index.docker.io', 'acme/app', 'https://hub.docker.com/r/acme/app/tags'],
    ['docker.io', 'acme/group/app', undefined],
    ['quay.io', 'acme/app', `https://quay.io/repository/acme/app/manifest/${sha}`],
    ['Quay.IO', 'acme/app', `https://quay.io/repository/acme/app/manifest/${sha}`],
    ['quay.io', 'app', undefined],
    ['ghcr.io', 'acme/app', 'https://github.com/users/acme/packages/container/package/app'],
    [
      'ghcr.io',
      'acme/tools/app',
      'https://github.com/users/acme/packages/container/package/tools%2Fapp'
    ],
    ['ghcr.io', 'acme', undefined],
    ['ghcr.io', 'acme/../x', undefined],
    ['127.0.0.1:5000', 'acme/app', undefined],
    ['localhost:5000', 'app', undefined],
    ['registry.example.com', 'acme/app', undefined]
  ])('%s/%s -> %s', (registry, repository, expected) => {
    expect(registryWebLink(registry, repository, sha)).toBe(expected)
  })

  it('gives no link for a digest it cannot vouch for', () => {
    expect(registryWebLink('quay.io', 'acme/app', 'sha256:short')).toBeUndefined()
    expect(registryWebLink('quay.io', 'acme/app', `sha256:${hex}/../../x`)).toBeUndefined()
  })
})

describe('writeBuildSummary', () => {
  let folder = ''
  let file = ''
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'summary-'))
    file = join(folder, 'step-summary.md')
    writeFileSync(file, '')
  })
  afterEach(() => {
    vi.unstubAllEnvs()
    writeFileSync(file, '')
  })
  afterAll(() => {
    rmSync(folder, { recursive: true, force: true })
  })

  it('appends the rendered summary to GITHUB_STEP_SUMMARY', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', file)
    await writeBuildSummary(fivePlatforms)
    expect(readFileSync(file, 'utf8')).toBe(`${renderBuildSummary(fivePlatforms)}\n`)
  })

  it('writes nothing off a runner', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '')
    await writeBuildSummary(fivePlatforms)
    expect(readFileSync(file, 'utf8')).toBe('')
  })

  // Regenerates docs/job-summary.md, formatted as `prettier --check .` wants it (it re-pads the
  // table only): SUMMARY_SAMPLE=docs/job-summary.md npx vitest run --project unit -t sample
  it.runIf(process.env.SUMMARY_SAMPLE !== undefined)('writes the sample summary', async () => {
    const path = process.env.SUMMARY_SAMPLE ?? ''
    const options = await resolveConfig(path)
    const text = await format(renderBuildSummary(fivePlatforms), { ...options, filepath: path })
    writeFileSync(path, text)
  })
})
