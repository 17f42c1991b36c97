import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Starts Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 with htpasswd auth and a
 * throw-away storage folder. The htpasswd line is made with `htpasswd -B` (bcrypt is the only
 * hash distribution accepts). stop() kills the process and deletes the folder.
 */
export interface LocalRegistry {
  url: string
  host: string
  port: number
  username: string
  password: string
  storageDir: string
  /** Stops the process but keeps storage (a "registry down" test restarts it with start()). */
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops and deletes everything. */
  close(): Promise<void>
}

export function registryAvailable(): boolean {
  return ['docker-registry', 'htpasswd'].every((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0)
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

async function waitUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log()}`)
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(500) })
      if (res.status === 401 || res.ok) return
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`docker-registry did not answer on ${url}: ${log()}`)
}

export async function startRegistry(opts: { username?: string; password?: string } = {}): Promise<LocalRegistry> {
  if (!registryAvailable()) throw new Error('docker-registry or htpasswd is missing: apt-get install -y docker-registry apache2-utils')
  const dir = mkdtempSync(join(tmpdir(), 'gpuship-registry-'))
  const username = opts.username ?? 'AWS'
  const password = opts.password ?? `pw-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`
  // htpasswd reads the password from stdin (-i) so it never sits in a process list.
  const h = spawnSync('htpasswd', ['-niB', username], { input: `${password}\n`, encoding: 'utf8' })
  if (h.status !== 0) throw new Error(`htpasswd failed: ${h.stderr}`)
  writeFileSync(join(dir, 'htpasswd'), h.stdout)
  const port = await freePort()
  const storageDir = join(dir, 'storage')
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: warn, accesslog: { disabled: true } }',
      `storage: { filesystem: { rootdirectory: ${storageDir} }, delete: { enabled: true } }`,
      `http: { addr: "127.0.0.1:${port}", secret: ${Math.random().toString(36).slice(2)} }`,
      `auth: { htpasswd: { realm: gpuship-test, path: ${join(dir, 'htpasswd')} } }`,
      ''
    ].join('\n')
  )
  const url = `http://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  let output = ''
  const start = async () => {
    output = ''
    child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', OTEL_TRACES_EXPORTER: 'none' }
    })
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    await waitUp(url, child, () => output.slice(-2000))
  }
  const stop = async () => {
    const c = child
    child = undefined
    if (!c || c.exitCode !== null) return
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve())
      c.kill('SIGTERM')
      setTimeout(() => c.kill('SIGKILL'), 2000).unref()
    })
  }
  await start()
  return {
    url,
    host: `127.0.0.1:${port}`,
    port,
    username,
    password,
    storageDir,
    stop,
    start,
    async close() {
      await stop()
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true })
    }
  }
}
