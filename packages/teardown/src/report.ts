import { codeBlock, escapeMarkdown, formatDuration, inlineCode, SummaryBuilder, table } from '@gpuship/core'
import type { TeardownReport } from './teardown.js'

const OUTCOME: Record<TeardownReport['outcome'], string> = {
  clean: 'Torn down: nothing left behind',
  leftovers: 'Torn down, with leftovers to delete',
  'recovery-needed': 'Stopped: the cluster was deleted outside Terraform',
  failed: 'Teardown failed'
}

export function renderTeardownReport(r: TeardownReport): string {
  const s = new SummaryBuilder().heading(`${OUTCOME[r.outcome]}: ${r.cluster} (${r.region})`)
  if (r.error) s.raw(`**Error:** ${escapeMarkdown(r.error.split('\nFix: ')[0])}`).raw(r.error.includes('\nFix: ') ? codeBlock(r.error.split('\nFix: ')[1]) : '')
  if (r.steps.length) {
    s.raw(table(['#', 'step', 'status', 'took', 'details'], r.steps.map((st, i) => [String(i + 1), st.title, st.status, formatDuration(st.durationMs), st.details.join('; ')])))
  }
  if (r.deleted.length) s.heading('Deleted, in order', 3).list(r.deleted)
  if (r.recovery) {
    s.heading('Recover the state', 3)
      .paragraph(`These ${r.recovery.unreachable.length} addresses live in the deleted cluster, so terraform destroy cannot refresh them. Forget them with removed blocks (reviewable in a pull request) or state rm, then run teardown again (or set forget-unreachable: true).`)
      .code(r.recovery.removedBlocks, 'hcl')
      .code(r.recovery.stateRmCommand, 'sh')
  }
  if (r.leftovers.length) {
    s.heading('Leftovers', 3).raw(table(['kind', 'id', 'matched by'], r.leftovers.map((o) => [o.kind, o.id, o.matchedBy])))
    s.code(r.leftovers.map((o) => o.deleteCommand).join('\n'), 'sh')
  }
  if (r.kept.length) s.heading('Kept', 3).raw(r.kept.map((o) => `- ${o.kind} ${inlineCode(o.id)} (kept: set delete-images: true to delete)`).join('\n'))
  return s.toString()
}
