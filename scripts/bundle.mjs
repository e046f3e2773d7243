#!/usr/bin/env node
/**
 * Bundle src/ into dist/main and dist/post with ncc.
 *
 * @actions/core imports @actions/http-client (and through it undici) at its top for OIDC
 * tokens, which this action never asks for. webpack drops a module whose exports nobody uses
 * only when its package says it has no side effects, and @actions/http-client does not say so;
 * bundled as it is, it turns a 78 KB main bundle into a megabyte that every run parses before
 * its first line. So, for the length of the bundle only, its package.json says so. Where the
 * client is really used (@actions/tool-cache, loaded lazily to install buildx), it stays.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const flagged = path.join(root, 'node_modules', '@actions', 'http-client', 'package.json')
const original = readFileSync(flagged, 'utf8')
const ncc = path.join(root, 'node_modules', '.bin', 'ncc')

function bundle(entry, out) {
  rmSync(path.join(root, out), { recursive: true, force: true })
  execFileSync(ncc, ['build', entry, '-o', out, '--license', 'licenses.txt'], {
    cwd: root,
    stdio: 'inherit'
  })
}

writeFileSync(flagged, JSON.stringify({ ...JSON.parse(original), sideEffects: false }, null, 2))
try {
  bundle('src/index.ts', 'dist/main')
  bundle('src/post.ts', 'dist/post')
} finally {
  writeFileSync(flagged, original)
}
