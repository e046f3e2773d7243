import type { ActionYaml } from '../harness/runner.mjs'

export declare function inputsTable(action?: ActionYaml): string
export declare function outputsTable(action?: ActionYaml): string
