/** STS accepts role session names matching [\w+=,.@-]{2,64}; anything else is replaced, not rejected. */
export function sanitizeSessionName(raw: string): string {
  let s = raw.replace(/[^\w+=,.@-]/g, '-').slice(0, 64)
  if (s.length < 2) s = s.padEnd(2, '-')
  return s
}

/** `GitHubActions-<repo>-<run id>-<attempt>`: findable in CloudTrail, unique per attempt. */
export function defaultSessionName(ctx: { repository?: string; runId?: string; runAttempt?: string }): string {
  const repo = (ctx.repository ?? '').split('/').pop() || 'run'
  return sanitizeSessionName(['GitHubActions', repo, ctx.runId, ctx.runAttempt].filter(Boolean).join('-'))
}
