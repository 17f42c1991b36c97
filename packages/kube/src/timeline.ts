/** What happened during a rollout and when, for the job summary's Mermaid timeline. */
export interface TimelineEntry {
  atMs: number
  phase: string
  text: string
}

export class Timeline {
  readonly entries: TimelineEntry[] = []
  private readonly seen = new Set<string>()
  constructor(private readonly now: () => number = Date.now) {}
  add(phase: string, text: string): void {
    this.entries.push({ atMs: this.now(), phase, text })
  }
  /** Adds an entry only the first time `key` is seen (a pod becoming ready once). */
  once(key: string, phase: string, text: string): void {
    if (this.seen.has(key)) return
    this.seen.add(key)
    this.add(phase, text)
  }
}
