#!/usr/bin/env node
/**
 * Run the action's main and post steps from a shell, as the runner would:
 *   node harness/cli.mjs platforms=linux/amd64,linux/arm64 context=examples/emulated-run ...
 * Each argument is input=value. Prints the log as the runner shows it (values given to
 * `add-mask` hidden, that command not printed), then the outputs and where the job summary is.
 * HARNESS_SUMMARY=FILE copies the job summary there, and the step's temporary folders go;
 * without it they stay, so the summary can be read where the step wrote it.
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { removeStepFolders, runMain, runPost } from './runner.mjs'

const inputs = {}
for (const argument of process.argv.slice(2)) {
  const equals = argument.indexOf('=')
  if (equals <= 0) {
    console.error(`not input=value: ${argument}`)
    process.exit(2)
  }
  inputs[argument.slice(0, equals)] = argument.slice(equals + 1)
}
const printLine = line => process.stdout.write(`${line}\n`)
/** The runner hides masked values in what a step writes to stderr too. */
function printStderr(step) {
  const secrets = step.commands
    .filter(entry => entry.command === 'add-mask' && entry.value.trim() !== '')
    .map(entry => entry.value)
    .sort((a, b) => b.length - a.length)
  let text = step.stderr
  for (const secret of secrets) text = text.split(secret).join('***')
  process.stderr.write(text)
}
const main = await runMain({ inputs, onLogLine: printLine })
printStderr(main)
const post = await runPost(main, { onLogLine: printLine })
printStderr(post)
console.log('\n--- outputs ---')
for (const [name, value] of Object.entries(main.outputs)) console.log(`${name}: ${value}`)
const summaryCopy = process.env.HARNESS_SUMMARY ?? ''
if (summaryCopy === '') {
  console.log(`\njob summary (Markdown): ${main.summaryFile}`)
} else {
  mkdirSync(path.dirname(path.resolve(summaryCopy)), { recursive: true })
  copyFileSync(main.summaryFile, summaryCopy)
  removeStepFolders()
  console.log(`\njob summary (Markdown): ${path.resolve(summaryCopy)}`)
}
process.exit(main.exitCode ?? 1)
