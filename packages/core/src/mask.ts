/**
 * Secrets are registered the moment they exist. `setSecret` is the runner's `::add-mask::`
 * in actions and a no-op elsewhere; the registry here also lets packages redact text
 * before it reaches an error message, whatever sink it ends up in.
 */
export type SetSecret = (value: string) => void

export interface Masker {
  add(value: string | undefined | null): void
  redact(text: string): string
  readonly values: readonly string[]
}

export function createMasker(setSecret: SetSecret = () => {}): Masker {
  const values: string[] = []
  return {
    add(value) {
      if (!value || value.length < 4 || values.includes(value)) return
      values.push(value)
      // The runner masks line by line: a multi-line secret must be registered per line too.
      setSecret(value)
      for (const line of value.split(/\r?\n/)) if (line.length >= 4 && line !== value) setSecret(line)
    },
    redact(text) {
      let out = text
      for (const v of [...values].sort((a, b) => b.length - a.length)) out = out.split(v).join('***')
      return out
    },
    get values() {
      return values
    }
  }
}

/** Shows only the last four characters: enough to tell two keys apart, useless to an attacker. */
export function partial(value: string): string {
  return value.length <= 8 ? '***' : `***${value.slice(-4)}`
}
