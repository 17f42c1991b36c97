import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { GpushipError, retry, silentLogger, type Logger } from '@gpuship/core'

/**
 * Puts the requested terraform on hand: the one on PATH when its version matches, else the
 * tool cache, else a download from `baseUrl` (HashiCorp's releases by default, a mirror when set)
 * verified against the release's SHA256SUMS before it is unpacked.
 */
export const DEFAULT_RELEASES_URL = 'https://releases.hashicorp.com/terraform'

export interface InstallOptions {
  version: string
  baseUrl?: string
  log?: Logger
  platform?: NodeJS.Platform
  arch?: string
  /** Version of the terraform found on PATH, if any (the caller runs `terraform version -json`). */
  onPath?: { path: string; version: string }
}

export interface Installed {
  binary: string
  version: string
  source: 'path' | 'cache' | 'download'
}

const OS: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' }
const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' }

export function releaseFile(version: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = OS[platform]
  const a = ARCH[arch]
  if (!os || !a) throw new GpushipError(`terraform has no release for ${platform}/${arch}.`, { input: 'terraform-version', hint: 'Run on linux, darwin or windows with x64 or arm64.' })
  return `terraform_${version}_${os}_${a}.zip`
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer)
  return h.digest('hex')
}

export function checksumFor(sums: string, file: string): string | undefined {
  for (const line of sums.split('\n')) {
    const [sum, name] = line.trim().split(/\s+/)
    if (name === file && /^[0-9a-f]{64}$/.test(sum)) return sum
  }
  return undefined
}

export async function installTerraform(o: InstallOptions): Promise<Installed> {
  const log = o.log ?? silentLogger
  if (!/^\d+\.\d+\.\d+(-[A-Za-z0-9.]+)?$/.test(o.version)) {
    throw new GpushipError(`Invalid terraform-version '${o.version}'. Expected an exact version such as 1.11.4.`, { input: 'terraform-version', hint: 'Pin an exact release: terraform-version: 1.11.4' })
  }
  if (o.onPath && o.onPath.version === o.version) {
    log.info(`terraform ${o.version} found on PATH at ${o.onPath.path}`)
    return { binary: o.onPath.path, version: o.version, source: 'path' }
  }
  const tc = await import('@actions/tool-cache')
  const exe = process.platform === 'win32' ? 'terraform.exe' : 'terraform'
  const cached = tc.find('terraform', o.version)
  if (cached) {
    log.info(`terraform ${o.version} found in the tool cache`)
    return { binary: join(cached, exe), version: o.version, source: 'cache' }
  }
  const base = (o.baseUrl ?? DEFAULT_RELEASES_URL).replace(/\/+$/, '')
  const file = releaseFile(o.version, o.platform, o.arch)
  const zipUrl = `${base}/${o.version}/${file}`
  const sumsUrl = `${base}/${o.version}/terraform_${o.version}_SHA256SUMS`
  log.info(`Downloading ${zipUrl}`)
  const download = (url: string) =>
    retry(
      async () => {
        try {
          return await tc.downloadTool(url)
        } catch (e) {
          const status = (e as { httpStatusCode?: number }).httpStatusCode
          throw new GpushipError(`Download of ${url} failed${status ? ` with HTTP ${status}` : ''}: ${(e as Error).message}`, {
            input: 'terraform-version',
            retryable: status === undefined || status >= 500 || status === 429,
            hint: status === 404 ? `terraform ${o.version} is not published at ${base}; check terraform-version, or terraform-download-url for a mirror.` : 'Check the network path to the download URL (terraform-download-url).'
          })
        }
      },
      { maxAttempts: 3, baseMs: 500, maxMs: 5000, label: 'terraform download' }
    )
  const [zip, sumsFile] = [await download(zipUrl), await download(sumsUrl)]
  const expected = checksumFor(await readFile(sumsFile, 'utf8'), file)
  if (!expected) throw new GpushipError(`${sumsUrl} lists no checksum for ${file}.`, { input: 'terraform-version', hint: 'The mirror is incomplete: publish the release SHA256SUMS beside the zip.' })
  const actual = await sha256(zip)
  if (actual !== expected) {
    throw new GpushipError(`Checksum mismatch for ${file}: SHA256SUMS says ${expected}, the download is ${actual}. The file was not installed.`, {
      input: 'terraform-version',
      hint: 'The download was damaged or tampered with. Retry; if it persists, check the mirror in terraform-download-url.'
    })
  }
  const dir = await tc.extractZip(zip)
  const cachedDir = await tc.cacheDir(dir, 'terraform', o.version)
  log.info(`terraform ${o.version} installed (sha256 ${actual.slice(0, 16)}…)`)
  return { binary: join(cachedDir, exe), version: o.version, source: 'download' }
}
