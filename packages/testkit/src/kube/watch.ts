import type http from 'node:http'
import type { Store, StoreEvent, KObject } from './store.js'
import { matchFields, matchLabels, parseLabelSelector } from './http-util.js'
import { status } from './http-util.js'

export interface WatchControls {
  /** Open watch streams; cutting them is how a test simulates a dropped connection. */
  open: Set<http.ServerResponse>
  /** How many upcoming watch requests answer 410 Expired, and how. */
  expire: { count: number; mode: 'http' | 'event' }
  bookmarkMs: number
}

/**
 * One watch stream: NDJSON events, headers flushed at once (kubectl hangs otherwise, see
 * KUBECTL-WIRE.md §4), BOOKMARKs when asked, the end after timeoutSeconds, and 410 for a
 * resourceVersion older than the kept history.
 */
export function serveWatch(
  store: Store,
  controls: WatchControls,
  gvk: { apiVersion: string; kind: string },
  plural: string,
  namespace: string | undefined,
  q: URLSearchParams,
  res: http.ServerResponse
): void {
  const labels = parseLabelSelector(q.get('labelSelector'))
  const fields = q.get('fieldSelector')
  const match = (o: KObject): boolean => matchLabels(o.metadata.labels, labels) && matchFields(o, fields)
  const rvParam = q.get('resourceVersion')
  if (controls.expire.count > 0) {
    controls.expire.count--
    const body = status(410, 'Expired', `too old resource version: ${rvParam ?? ''} (${store.rv})`)
    if (controls.expire.mode === 'http') {
      res.writeHead(410, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(body))
      return
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' })
    res.end(JSON.stringify({ type: 'ERROR', object: body }) + '\n')
    return
  }
  let initial: StoreEvent[]
  if (!rvParam || rvParam === '0') {
    initial = store.list(plural, namespace).map((o) => ({ rv: Number(o.metadata.resourceVersion), type: 'ADDED' as const, plural, object: o }))
  } else {
    const since = store.since(Number(rvParam))
    if (!since) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' })
      res.end(JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${rvParam} (${store.rv})`) }) + '\n')
      return
    }
    initial = since.filter((e) => e.plural === plural && (namespace === undefined || e.object.metadata.namespace === namespace))
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' })
  res.flushHeaders()
  controls.open.add(res)
  const write = (ev: StoreEvent): void => {
    if (!match(ev.object)) return
    res.write(JSON.stringify({ type: ev.type, object: ev.object }) + '\n')
  }
  for (const ev of initial) write(ev)
  const unsubscribe = store.watch({ plural, namespace, send: write })
  const bookmarks =
    q.get('allowWatchBookmarks') === 'true'
      ? setInterval(() => {
          res.write(
            JSON.stringify({ type: 'BOOKMARK', object: { kind: gvk.kind, apiVersion: gvk.apiVersion, metadata: { resourceVersion: String(store.rv) } } }) + '\n'
          )
        }, controls.bookmarkMs)
      : undefined
  const timeout = Number(q.get('timeoutSeconds') ?? 0)
  const timer = timeout > 0 ? setTimeout(() => end(), timeout * 1000) : undefined
  const end = (): void => {
    unsubscribe()
    if (bookmarks) clearInterval(bookmarks)
    if (timer) clearTimeout(timer)
    controls.open.delete(res)
    if (!res.writableEnded) res.end()
  }
  res.on('close', end)
}
