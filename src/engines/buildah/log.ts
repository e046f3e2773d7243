/** What buildah prints, made readable: pure line functions, applied before the fence. */
import { AUTOMATIC_PLATFORM_ARGS } from './pins.js'

/** How many steps buildah took from its layer cache, from its build log. */
export function countCacheHits(log: string): number {
  return log.split('\n').filter(line => /^--> Using cache [0-9a-f]+/.test(line.trim())).length
}

/** A `FROM <image id>` (or `--from=<image id>`) of the log, with the image's name put back. */
export function namedFromLine(line: string, names: ReadonlyMap<string, string>): string {
  return line.replace(
    /\b(FROM (?:--platform=\S+ )?|--from=|from=)([0-9a-f]{64})\b/g,
    (whole, lead: string, id: string) => {
      const name = names.get(id)
      return name === undefined ? whole : `${lead}${name} (image ${id.slice(0, 12)})`
    }
  )
}

/**
 * buildah's "build args were not consumed" warning without the automatic platform args it
 * lists for every Dockerfile that does not declare them; undefined when nothing else is left.
 */
export function withoutAutomaticArgWarning(line: string): string | undefined {
  const warning = /^(.*one or more build args were not consumed: )\[([^\]]*)\]\s*$/.exec(line)
  if (warning === null) return line
  const left = (warning[2] ?? '')
    .split(/\s+/)
    .filter(name => name !== '' && !AUTOMATIC_PLATFORM_ARGS.includes(name))
  return left.length === 0 ? undefined : `${warning[1] ?? ''}[${left.join(' ')}]`
}
