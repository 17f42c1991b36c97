/**
 * A protobuf text-format parser sufficient for Triton's config.pbtxt: scalar fields
 * (`name: "x"`, `max_batch_size: 8`, `kind: KIND_GPU`), nested messages with or without a colon
 * (`dynamic_batching { }`), repeated fields as lists (`dims: [ 3, 224 ]`, `input [ {..}, {..} ]`),
 * `#` comments and optional `,`/`;` separators. It keeps the line of every field so a
 * validation error can point at it; it knows no schema (that is the validator's job).
 */
export type PbScalar = { kind: 'string' | 'number' | 'ident'; text: string; line: number }
export type PbValue = PbScalar | PbMessage
export interface PbField {
  name: string
  value: PbValue
  line: number
}
export interface PbMessage {
  kind: 'message'
  fields: PbField[]
  line: number
}

export class PbtxtSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number
  ) {
    super(message)
    this.name = 'PbtxtSyntaxError'
  }
}

type Tok = { t: 'str' | 'num' | 'ident' | 'punct'; v: string; line: number; col: number }

function tokenize(src: string): Tok[] {
  const toks: Tok[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const col = () => i - lineStart + 1
  while (i < src.length) {
    const c = src[i]
    if (c === '\n') {
      line++
      i++
      lineStart = i
    } else if (c === ' ' || c === '\t' || c === '\r') i++
    else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++
    } else if (c === '"' || c === "'") {
      const startCol = col()
      let j = i + 1
      let out = ''
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\n') throw new PbtxtSyntaxError('unterminated string', line, startCol)
        if (src[j] === '\\' && j + 1 < src.length) {
          const e = src[j + 1]
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e
          j += 2
        } else out += src[j++]
      }
      if (j >= src.length) throw new PbtxtSyntaxError('unterminated string', line, startCol)
      toks.push({ t: 'str', v: out, line, col: startCol })
      i = j + 1
    } else if ('{}[]:,;<>'.includes(c)) {
      toks.push({ t: 'punct', v: c, line, col: col() })
      i++
    } else if (/[-+0-9.]/.test(c)) {
      const m = /^[-+]?(?:0x[0-9a-fA-F]+|\d*\.?\d+(?:[eE][-+]?\d+)?|inf|nan)[fF]?/i.exec(src.slice(i))
      if (!m || m[0] === '') throw new PbtxtSyntaxError(`unexpected character '${c}'`, line, col())
      toks.push({ t: 'num', v: m[0], line, col: col() })
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i))!
      toks.push({ t: 'ident', v: m[0], line, col: col() })
      i += m[0].length
    } else throw new PbtxtSyntaxError(`unexpected character '${c}'`, line, col())
  }
  return toks
}

export function parsePbtxt(src: string): PbMessage {
  const toks = tokenize(src)
  let p = 0
  const peek = () => toks[p]
  const lastLine = () => (toks.length ? toks[toks.length - 1].line : 1)
  const fail = (msg: string, tok?: Tok): never => {
    throw new PbtxtSyntaxError(msg, tok?.line ?? lastLine(), tok?.col ?? 1)
  }
  const isPunct = (v: string) => peek()?.t === 'punct' && peek().v === v

  function parseMessageBody(close: string | undefined, line: number): PbMessage {
    const msg: PbMessage = { kind: 'message', fields: [], line }
    for (;;) {
      const tok = peek()
      if (!tok) {
        if (close) fail(`missing '${close}' to close the message opened on line ${line}`)
        return msg
      }
      if (close && tok.t === 'punct' && tok.v === close) {
        p++
        return msg
      }
      if (tok.t !== 'ident') fail(`expected a field name, found '${tok.v}'`, tok)
      p++
      const hadColon = isPunct(':')
      if (hadColon) p++
      for (const value of parseValue(tok, hadColon)) msg.fields.push({ name: tok.v, value, line: tok.line })
      if (isPunct(',') || isPunct(';')) p++
    }
  }

  function parseValue(field: Tok, hadColon: boolean): PbValue[] {
    const tok = peek()
    if (!tok) return fail(`field '${field.v}' has no value`, field)
    if (tok.t === 'punct' && (tok.v === '{' || tok.v === '<')) {
      p++
      return [parseMessageBody(tok.v === '{' ? '}' : '>', tok.line)]
    }
    if (tok.t === 'punct' && tok.v === '[') {
      p++
      const items: PbValue[] = []
      while (!isPunct(']')) {
        if (!peek()) fail(`missing ']' to close the list opened on line ${tok.line}`)
        items.push(...parseValue(field, true))
        if (isPunct(',')) p++
        else if (!isPunct(']')) fail(`expected ',' or ']' in the list of '${field.v}', found '${peek()?.v}'`, peek())
      }
      p++
      return items
    }
    if (!hadColon) return fail(`expected ':' or '{' after field '${field.v}', found '${tok.v}'`, tok)
    if (tok.t === 'punct') return fail(`expected a value for field '${field.v}', found '${tok.v}'`, tok)
    p++
    if (tok.t === 'str') {
      // Adjacent string literals concatenate, as in protobuf text format.
      let text = tok.v
      while (peek()?.t === 'str') text += toks[p++].v
      return [{ kind: 'string', text, line: tok.line }]
    }
    return [{ kind: tok.t === 'num' ? 'number' : 'ident', text: tok.v, line: tok.line }]
  }

  return parseMessageBody(undefined, 1)
}

export function fieldsNamed(msg: PbMessage, name: string): PbField[] {
  return msg.fields.filter((f) => f.name === name)
}

export function scalarField(msg: PbMessage, name: string): (PbScalar & { field: PbField }) | undefined {
  const f = msg.fields.find((x) => x.name === name && x.value.kind !== 'message')
  return f ? { ...(f.value as PbScalar), field: f } : undefined
}

export function messageField(msg: PbMessage, name: string): PbMessage | undefined {
  const f = msg.fields.find((x) => x.name === name && x.value.kind === 'message')
  return f?.value as PbMessage | undefined
}
