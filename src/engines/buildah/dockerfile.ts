/**
 * A Dockerfile read the way BuildKit's parser (which buildah uses) reads it: parser directives,
 * comments, line continuations with the file's escape character, and heredocs, whose bodies
 * are data, not instructions. Every word keeps its offsets in the original text, so that a
 * rewrite can splice replacements in and leave every other byte as it was.
 */

/** One word of an instruction, quotes kept, continuations removed. */
export interface Word {
  readonly text: string
  /** Offset in the original text of each character of `text`. */
  readonly offsets: readonly number[]
}

export interface Heredoc {
  readonly delimiter: string
  /** `<<-`: leading tabs of the body (and of the terminator) do not count. */
  readonly stripTabs: boolean
  /** Offsets of the body, terminator line excluded. */
  readonly bodyStart: number
  readonly bodyEnd: number
}

export interface Instruction {
  /** Lower case: `from`, `copy`, `run`. */
  readonly keyword: string
  /** 1-based line of the keyword, as buildah reports it. */
  readonly line: number
  /** The instruction's text, continuations joined, for messages. */
  readonly source: string
  /** Every word after the keyword, flags included. */
  readonly words: readonly Word[]
  readonly heredocs: readonly Heredoc[]
}

export interface Dockerfile {
  readonly text: string
  readonly escape: '\\' | '`'
  /** `# syntax=`, `# escape=` and the other directives at the top, lower-case keys. */
  readonly directives: ReadonlyMap<string, string>
  readonly instructions: readonly Instruction[]
}

export interface Edit {
  readonly start: number
  readonly end: number
  readonly text: string
}

interface PhysicalLine {
  readonly start: number
  /** Without the line break (and without a `\r` before it). */
  readonly content: string
}

function physicalLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = []
  let start = 0
  while (start <= text.length) {
    const newline = text.indexOf('\n', start)
    const end = newline === -1 ? text.length : newline
    const content = text.slice(start, end).replace(/\r$/, '')
    if (newline === -1 && start === text.length) break
    lines.push({ start, content })
    if (newline === -1) break
    start = newline + 1
  }
  return lines
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/
const COMMENT = /^\s*#/
const BLANK = /^\s*$/

/** Words split at unquoted blanks; quotes and escapes stay in the text. */
function splitWords(chars: string, offsets: readonly number[], escape: string): Word[] {
  const words: Word[] = []
  let text = ''
  let at: number[] = []
  let quote: string | undefined
  const flush = (): void => {
    if (text !== '') words.push({ text, offsets: at })
    text = ''
    at = []
  }
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index] ?? ''
    if (quote === undefined && /\s/.test(char)) {
      flush()
      continue
    }
    if (char === escape && quote !== "'" && index + 1 < chars.length) {
      text += char + (chars[index + 1] ?? '')
      at.push(offsets[index] ?? 0, offsets[index + 1] ?? 0)
      index++
      continue
    }
    if (quote === undefined && (char === '"' || char === "'")) quote = char
    else if (char === quote) quote = undefined
    text += char
    at.push(offsets[index] ?? 0)
  }
  flush()
  return words
}

/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`, `2<<EOF`: a heredoc's start, as BuildKit reads it. */
export function heredocStart(word: string): { delimiter: string; stripTabs: boolean } | undefined {
  const match = /^\d*<<(-?)([^<]+)$/.exec(word)
  if (match === null) return undefined
  let delimiter = match[2] ?? ''
  const quoted = /^"(.*)"$/.exec(delimiter) ?? /^'(.*)'$/.exec(delimiter)
  if (quoted !== null) delimiter = quoted[1] ?? ''
  if (delimiter === '' || /["'\s]/.test(delimiter)) return undefined
  return { delimiter, stripTabs: match[1] === '-' }
}

/** The instructions whose words BuildKit scans for heredocs. */
const HEREDOC_INSTRUCTIONS = new Set(['run', 'copy', 'add'])

export function parseDockerfile(text: string): Dockerfile {
  const lines = physicalLines(text)
  const directives = new Map<string, string>()
  let index = 0
  // Directives come first; the first line that is not one ends them.
  while (index < lines.length) {
    const directive = DIRECTIVE.exec(lines[index]?.content ?? '')
    if (directive === null) break
    const key = (directive[1] ?? '').toLowerCase()
    if (directives.has(key)) break
    directives.set(key, directive[2] ?? '')
    index++
  }
  const escape = directives.get('escape') === '`' ? '`' : '\\'
  const instructions: Instruction[] = []
  while (index < lines.length) {
    const first = lines[index]
    index++
    if (first === undefined || BLANK.test(first.content) || COMMENT.test(first.content)) continue
    let chars = ''
    const offsets: number[] = []
    let line: PhysicalLine | undefined = first
    for (;;) {
      const content: string = line.content
      const continued = new RegExp(`\\${escape}[ \\t]*$`).exec(content)
      const kept = continued === null ? content : content.slice(0, continued.index)
      // Leading blanks of a continued line are kept, as BuildKit keeps them.
      chars += kept
      for (let at = 0; at < kept.length; at++) offsets.push(line.start + at)
      if (continued === null) break
      // Comments and blank lines inside an instruction are dropped.
      line = undefined
      while (index < lines.length) {
        const next = lines[index]
        index++
        if (next === undefined || BLANK.test(next.content) || COMMENT.test(next.content)) continue
        line = next
        break
      }
      if (line === undefined) break
    }
    const words = splitWords(chars, offsets, escape)
    const [keywordWord, ...rest] = words
    if (keywordWord === undefined) continue
    const keyword = keywordWord.text.toLowerCase()
    const heredocs: Heredoc[] = []
    if (HEREDOC_INSTRUCTIONS.has(keyword)) {
      for (const word of rest) {
        const start = heredocStart(word.text)
        if (start === undefined) continue
        const bodyStart = lines[index]?.start ?? text.length
        let bodyEnd = text.length
        while (index < lines.length) {
          const bodyLine = lines[index]
          index++
          if (bodyLine === undefined) break
          const compared = start.stripTabs ? bodyLine.content.replace(/^\t+/, '') : bodyLine.content
          if (compared === start.delimiter) {
            bodyEnd = bodyLine.start
            break
          }
        }
        heredocs.push({ ...start, bodyStart, bodyEnd })
      }
    }
    instructions.push({
      keyword,
      line: lineNumber(text, first.start),
      source: chars.trim(),
      words: rest,
      heredocs
    })
  }
  return { text, escape, directives, instructions }
}

function lineNumber(text: string, offset: number): number {
  let count = 1
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    count++
  }
  return count
}

/** The flags at the start of an instruction (`--platform=x`, `--from=y`). */
export function leadingFlags(instruction: Instruction): Word[] {
  const flags: Word[] = []
  for (const word of instruction.words) {
    if (!word.text.startsWith('--')) break
    flags.push(word)
  }
  return flags
}

/** `--name=value` split, or undefined for another flag. */
export function flagValue(word: Word, name: string): Word | undefined {
  const prefix = `--${name}=`
  if (!word.text.toLowerCase().startsWith(prefix)) return undefined
  return sliceWord(word, prefix.length)
}

export function sliceWord(word: Word, from: number, to = word.text.length): Word {
  return { text: word.text.slice(from, to), offsets: word.offsets.slice(from, to) }
}

/** The original text's range a word covers (continuations inside it included). */
export function wordRange(word: Word): { start: number; end: number } {
  const start = word.offsets[0] ?? 0
  return { start, end: (word.offsets.at(-1) ?? start - 1) + 1 }
}

/** `text` with each edit's range replaced; edits must not overlap. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  // From the end backwards; at one offset, a replacement before an insertion in front of it.
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end)
  let result = text
  let limit = text.length
  for (const edit of sorted) {
    if (edit.end > limit) throw new Error('overlapping Dockerfile edits')
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end)
    limit = edit.start
  }
  return result
}
