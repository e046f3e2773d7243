#!/usr/bin/env node
/**
 * Run the action's main and post steps from a shell, as the runner would:
 *   node harness/cli.mjs platforms=linux/amd64,linux/arm64 context=examples/emulated-run ...
 * Each argument is input=value. Prints the log, then the outputs.
 */
import { runMain, runPost } from './runner.mjs'

const inputs = {}
for (const argument of process.argv.slice(2)) {
  const equals = argument.indexOf('=')
  if (equals <= 0) {
    console.error(`not input=value: ${argument}`)
    process.exit(2)
  }
  inputs[argument.slice(0, equals)] = argument.slice(equals + 1)
}
const main = await runMain({ inputs, onStdout: text => process.stdout.write(text) })
process.stderr.write(main.stderr)
await runPost(main)
console.log('\n--- outputs ---')
for (const [name, value] of Object.entries(main.outputs)) console.log(`${name}: ${value}`)
process.exit(main.exitCode ?? 1)
