/**
 * Parses what an action prints the way the runner does: `::name k=v,k=v::data` commands,
 * honouring ::stop-commands::TOKEN … ::TOKEN:: so text inside is not a command.
 */
export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  data: string
  line: number
}

function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',')
}

export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const out: WorkflowCommand[] = []
  let stopToken: string | undefined
  const lines = stdout.split(/\r?\n/)
  lines.forEach((raw, i) => {
    const line = raw.trimStart()
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined
      return
    }
    const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!m) return
    const [, command, props = '', data] = m
    if (command === 'stop-commands') {
      stopToken = data
      return
    }
    const properties: Record<string, string> = {}
    for (const part of props.split(',')) {
      const eq = part.indexOf('=')
      if (eq > 0) properties[part.slice(0, eq).trim()] = unescapeProperty(part.slice(eq + 1))
    }
    out.push({ command, properties, data: unescapeData(data), line: i + 1 })
  })
  return out
}

/**
 * Reads a GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE file: `name=value` lines and
 * `name<<DELIM` heredocs, as the runner's file-command processor does.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '')
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    const eq = line.indexOf('=')
    if (heredoc && (eq < 0 || line.indexOf('<<') < eq)) {
      const [, name, delim] = heredoc
      const value: string[] = []
      i++
      while (i < lines.length && lines[i].replace(/\r$/, '') !== delim) value.push(lines[i++].replace(/\r$/, ''))
      if (i >= lines.length) throw new Error(`Unterminated heredoc for '${name}' (delimiter ${delim}) in file command`)
      result[name] = value.join('\n')
    } else if (eq > 0) {
      result[line.slice(0, eq)] = line.slice(eq + 1)
    } else {
      throw new Error(`Invalid file-command line: ${line}`)
    }
  }
  return result
}
