import { GpushipError, defaultSleep, silentLogger, type Logger } from '@gpuship/core'
import { apiError, type KubeClient } from './kube-client.js'

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface WatchLoopOptions<T> {
  client: KubeClient
  /** Collection path, e.g. /apis/apps/v1/namespaces/x/deployments. */
  path: string
  labelSelector?: string
  fieldSelector?: string
  /** After each (re)list: the full current set. */
  onSync(items: T[]): void
  onEvent(type: WatchEventType, obj: T): void
  log?: Logger
  sleep?: (ms: number) => Promise<void>
  /** Server-side watch timeout; the loop re-watches from the last resourceVersion when it ends. */
  timeoutSeconds?: number
  /** Counters a caller (bench, summary) may read. */
  stats?: WatchStats
}

export interface WatchStats {
  lists: number
  watches: number
  relistsAfter410: number
  rewatches: number
  events: number
}

export interface WatchLoop {
  /** Ends the loop; `done` resolves (or rejects with err) once, here or on a fatal error. */
  stop(err?: Error): void
  done: Promise<void>
}

export const newWatchStats = (): WatchStats => ({ lists: 0, watches: 0, relistsAfter410: 0, rewatches: 0, events: 0 })

/**
 * List then watch, the way client-go's reflector and kubectl rollout status do: the watch starts
 * at the list's resourceVersion; a watch that ends (timeout, dropped connection) resumes from the
 * last resourceVersion seen; 410 Expired relists; errors back off 1 s doubling to 30 s, reset by
 * any event. The end is reported exactly once through `done`.
 */
export function watchLoop<T extends { metadata?: { resourceVersion?: string } }>(o: WatchLoopOptions<T>): WatchLoop {
  const log = o.log ?? silentLogger
  const sleep = o.sleep ?? defaultSleep
  const stats = o.stats ?? newWatchStats()
  let stopped = false
  let current: { abort(): void } | undefined
  let finish!: (err?: Error) => void
  const done = new Promise<void>((resolve, reject) => {
    let settled = false
    finish = (err) => {
      if (settled) return
      settled = true
      stopped = true
      current?.abort()
      if (err) reject(err)
      else resolve()
    }
  })
  const sel = (extra: Record<string, string>): string => {
    const q = new URLSearchParams()
    if (o.labelSelector) q.set('labelSelector', o.labelSelector)
    if (o.fieldSelector) q.set('fieldSelector', o.fieldSelector)
    for (const [k, v] of Object.entries(extra)) q.set(k, v)
    return `${o.path}?${q}`
  }

  const list = async (): Promise<string> => {
    stats.lists++
    const res = await o.client.request('GET', sel({}))
    if (res.status !== 200) throw apiError('GET', o.path, res)
    const body = JSON.parse(res.body) as { metadata: { resourceVersion: string }; items: T[] }
    if (!stopped) o.onSync(body.items)
    return body.metadata.resourceVersion
  }

  void (async () => {
    let backoff = 1000
    let rv: string | undefined
    while (!stopped) {
      try {
        if (rv === undefined) rv = await list()
        stats.watches++
        let expired = false
        let fatal: Error | undefined
        const h = o.client.stream(
          sel({ watch: 'true', allowWatchBookmarks: 'true', resourceVersion: rv, timeoutSeconds: String(o.timeoutSeconds ?? 300) }),
          (line) => {
            let ev: { type: string; object: T & { code?: number; reason?: string; message?: string } }
            try {
              ev = JSON.parse(line)
            } catch {
              return
            }
            if (ev.type === 'ERROR') {
              if (ev.object.code === 410) expired = true
              else fatal = new GpushipError(`watch of ${o.path} failed: ${ev.object.message ?? ev.object.reason}`, { retryable: true })
              current?.abort()
              return
            }
            if (ev.object.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion
            backoff = 1000
            if (ev.type === 'BOOKMARK') return
            stats.events++
            if (!stopped) o.onEvent(ev.type as WatchEventType, ev.object)
          }
        )
        current = h
        const st = await h.status
        if (st.status === 410) expired = true
        else if (st.status === 401 || st.status === 403 || st.status === 404)
          throw apiError('GET', o.path, { status: st.status, headers: {}, body: st.body ?? '' })
        else if (st.status !== 200) fatal = new GpushipError(`watch of ${o.path}: HTTP ${st.status || 'connection failed'}`, { retryable: true })
        const endErr = await h.ended
        if (stopped) break
        if (expired) {
          stats.relistsAfter410++
          log.debug(`watch of ${o.path}: resourceVersion ${rv} expired (410); relisting`)
          rv = undefined
          continue
        }
        if (fatal || endErr) {
          log.debug(`watch of ${o.path} ended: ${(fatal ?? endErr)!.message}; re-watching from ${rv} in ${backoff} ms`)
          await sleep(backoff)
          backoff = Math.min(backoff * 2, 30_000)
        }
        stats.rewatches++
      } catch (e) {
        const status = (e as { status?: number }).status
        if (status === 401 || status === 403 || status === 404 || !(e as { retryable?: boolean }).retryable) return finish(e as Error)
        log.debug(`list of ${o.path} failed: ${(e as Error).message}; retrying in ${backoff} ms`)
        await sleep(backoff)
        backoff = Math.min(backoff * 2, 30_000)
      }
    }
  })()
  return { stop: (err) => finish(err), done }
}
