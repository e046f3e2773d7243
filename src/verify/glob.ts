/**
 * Path patterns for allow-lists: `*` and `?` stay within one path segment, `**` spans any
 * number of segments. Nothing else is special, so `[` and `{` match themselves.
 */

export type PathMatcher = (path: string) => boolean

/** Compile one pattern; a leading `/` or `./` is optional, as in the paths it is matched to. */
export function compileGlob(pattern: string): PathMatcher {
  const segments = normaliseLayerPath(pattern).split('/')
  if (segments.length === 1 && segments[0] === '') {
    throw new Error(
      `path pattern ${JSON.stringify(pattern)} is empty; give a path such as usr/lib/firmware/**`
    )
  }
  let source = ''
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1
    if (segment === '**') {
      // As a whole segment `**` also matches no segment at all, so `a/**/b` matches `a/b`.
      source += last ? '.*' : '(?:[^/]*/)*'
    } else {
      source += segmentSource(segment) + (last ? '' : '/')
    }
  })
  const regex = new RegExp(`^${source}$`, 'u')
  return path => regex.test(normaliseLayerPath(path))
}

/** A tar path as it lands in the image's root: no leading `/` or `./`, no empty or `.` parts. */
export function normaliseLayerPath(path: string): string {
  return path
    .split('/')
    .filter(part => part !== '' && part !== '.')
    .join('/')
}

function segmentSource(segment: string): string {
  let source = ''
  for (const character of segment) {
    if (character === '*') source += '[^/]*'
    else if (character === '?') source += '[^/]'
    else source += character.replace(/[\\^$.|+()[\]{}]/u, '\\$&')
  }
  return source
}
