#!/usr/bin/env node
/**
 * Picture of a job summary as GitHub shows it, to check by eye how it reads:
 *
 *   node scripts/summary-screenshot.mjs docs/job-summary.md docs/job-summary.png
 *
 * Markdown goes through `marked` (GFM), `mermaid` blocks through mermaid's browser bundle
 * loaded from node_modules (no network), and headless Chromium (Debian's `chromium`, or the
 * path in CHROMIUM) takes the screenshot once every diagram has been drawn. The HTML page is
 * kept next to the PNG's name with `--keep-html`.
 */
/* global document */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Marked } from 'marked'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const WIDTH = 1100
const MERMAID_TIMEOUT_MS = 30_000

/** Light theme, after GitHub's `markdown-body` (Primer) styles for the job summary panel. */
const CSS = `
* { box-sizing: border-box; }
html { background: #f6f8fa; }
body {
  margin: 0; padding: 24px 32px;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
    "Liberation Sans", "DejaVu Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji",
    "Noto Color Emoji";
  font-size: 14px; line-height: 1.5; color: #1f2328; word-wrap: break-word;
}
.panel { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; max-width: 1036px; }
.panel-header {
  padding: 12px 16px; border-bottom: 1px solid #d1d9e0; font-weight: 600; font-size: 14px;
}
.panel-header .job { color: #59636e; font-weight: 400; }
.markdown-body { padding: 8px 24px 16px; }
.markdown-body > *:first-child { margin-top: 8px !important; }
.markdown-body > *:last-child { margin-bottom: 0 !important; }
h1, h2, h3, h4 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
h1 { font-size: 2em; } h2 { font-size: 1.5em; } h3 { font-size: 1.25em; } h4 { font-size: 1em; }
p, ul, ol, table, pre, details { margin: 0 0 16px; }
ul { padding-left: 2em; } li + li { margin-top: 0.25em; }
a { color: #0969da; text-decoration: none; }
code, pre {
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono",
    "DejaVu Sans Mono", monospace;
}
code {
  padding: 0.2em 0.4em; margin: 0; font-size: 85%; white-space: break-spaces;
  background: rgba(129, 139, 152, 0.12); border-radius: 6px;
}
pre {
  padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45;
  background: #f6f8fa; border-radius: 6px;
}
pre code { padding: 0; background: transparent; font-size: 100%; }
sub { font-size: 85%; vertical-align: baseline; color: #59636e; }
table {
  border-spacing: 0; border-collapse: collapse; display: block; width: max-content;
  max-width: 100%; overflow: auto; font-variant-numeric: tabular-nums;
}
table th { font-weight: 600; }
table th, table td { padding: 6px 13px; border: 1px solid #d1d9e0; }
table tr { background: #fff; border-top: 1px solid #d1d9e0; }
table tr:nth-child(2n) { background: #f6f8fa; }
details summary { cursor: pointer; display: list-item; }
pre.mermaid {
  background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 8px;
  text-align: center; font-family: inherit;
}
pre.mermaid svg { max-width: 760px !important; height: auto; }
`

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, char => `&#${char.charCodeAt(0)};`)
}

/** GFM to HTML, with `mermaid` fences left for mermaid to draw as GitHub does. */
export function toHtml(markdown, mermaidUrl, title = 'Job summary') {
  const marked = new Marked({ gfm: true })
  marked.use({
    renderer: {
      code({ text, lang }) {
        if (lang === 'mermaid') return `<pre class="mermaid">${escapeHtml(text)}</pre>\n`
        return false
      }
    }
  })
  const body = marked.parse(markdown, { async: false })
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${CSS}</style>
<script src="${escapeHtml(mermaidUrl)}"></script>
</head><body>
<div class="panel">
<div class="panel-header">build summary</div>
<div class="markdown-body">
${body}
</div></div>
<script>
(async () => {
  try {
    mermaid.initialize({ startOnLoad: false, theme: 'default', securityLevel: 'strict' })
    await mermaid.run({ querySelector: 'pre.mermaid' })
    document.body.dataset.ready = 'yes'
  } catch (error) {
    document.body.dataset.ready = 'error: ' + (error && error.message ? error.message : String(error))
  }
})()
</script>
</body></html>
`
}

async function screenshot(markdownPath, pngPath, keepHtml) {
  const markdown = readFileSync(markdownPath, 'utf8')
  const mermaidUrl = pathToFileURL(require.resolve('mermaid/dist/mermaid.min.js')).href
  const folder = mkdtempSync(join(tmpdir(), 'summary-screenshot-'))
  const htmlPath = keepHtml ? `${pngPath.replace(/\.png$/, '')}.html` : join(folder, 'summary.html')
  writeFileSync(htmlPath, toHtml(markdown, mermaidUrl))
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ]
  })
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 800 } })
    const problems = []
    page.on('pageerror', error => problems.push(error.message))
    // Nothing but local files: a stray request to the network is a bug in the page.
    await page.route(/^(?!file:|data:)/, route => {
      problems.push(`blocked request to ${route.request().url()}`)
      return route.abort()
    })
    await page.goto(pathToFileURL(resolve(htmlPath)).href)
    await page.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, {
      timeout: MERMAID_TIMEOUT_MS
    })
    const state = await page.evaluate(() => document.body.dataset.ready)
    if (state !== 'yes') problems.push(`mermaid: ${state}`)
    await page.screenshot({ path: pngPath, fullPage: true })
    if (problems.length > 0) throw new Error(problems.join('\n'))
  } finally {
    await browser.close()
    rmSync(folder, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  const keepHtml = args.includes('--keep-html')
  const [markdownPath, pngPath] = args.filter(arg => arg !== '--keep-html')
  if (markdownPath === undefined || pngPath === undefined) {
    console.error('usage: node scripts/summary-screenshot.mjs <summary.md> <out.png> [--keep-html]')
    process.exit(2)
  }
  try {
    await screenshot(markdownPath, pngPath, keepHtml)
    console.log(`wrote ${pngPath}`)
  } catch (error) {
    console.error(`summary-screenshot: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}
