import { describe, expect, test } from '@jest/globals'
import { COMMENT_LIMIT, renderPlan, summarizePlan, summaryLine, parsePlanJson } from '../src/index.js'
import { bigPlan, load } from './helpers.js'

describe('summarizePlan', () => {
  test.each([
    ['no-changes', { add: 0, change: 0, replace: 0, destroy: 0, import: 0, move: 0, forget: 0 }, false],
    ['create', { add: 2, change: 0, replace: 0, destroy: 0 }, true],
    ['destroy-replace', { add: 0, change: 1, replace: 1, destroy: 1, import: 1, move: 1, forget: 1, outputs: 1 }, true],
    ['sensitive-unknown', { add: 1, change: 1, outputs: 2 }, true],
    ['real-create', { add: 3, change: 0, destroy: 0, outputs: 2 }, true],
    ['real-changes', { add: 0, change: 1, replace: 1, destroy: 1, move: 1, outputs: 1 }, true]
  ])('%s', (name, counts, changes) => {
    const s = summarizePlan(load(name))
    expect(s.counts).toMatchObject(counts)
    expect(s.changes).toBe(changes)
  })

  test('the summary line names every count, replacements on their own', () => {
    expect(summaryLine(summarizePlan(load('destroy-replace')))).toBe('Plan: 1 to import, 0 to add, 1 to change, 1 to replace, 1 to destroy, 1 to move, 1 to forget. 1 output to change.')
    expect(summaryLine(summarizePlan(load('no-changes')))).toBe('No changes. Infrastructure matches the configuration.')
  })

  test('rejects what is not a plan, saying how to make one', () => {
    expect(() => parsePlanJson('{"values":{}}', 'state.json')).toThrow(/no format_version/)
    expect(() => parsePlanJson('Plan: 1 to add', 'plan.txt')).toThrow(/not JSON/)
    expect(() => parsePlanJson('{"format_version":"2.0"}')).toThrow(/format 1.x/)
  })
})

describe('renderPlan', () => {
  test('destroys and replacements are called out before any table', () => {
    const md = renderPlan(load('destroy-replace')).markdown
    const caution = md.indexOf('[!CAUTION]')
    expect(caution).toBeGreaterThan(0)
    expect(caution).toBeLessThan(md.indexOf('| Resource |'))
    expect(md).toContain('🗑️ **destroy** `aws_eks_node_group.gpu` — its configuration was removed')
    expect(md).toContain('♻️ **replace** (create then delete) `aws_launch_template.gpu` — an attribute that forces replacement changed (forced by `image_id`)')
    expect(md).toContain('~ image_id = "ami-0aaa1111bbbb22223" -> "ami-0ccc3333dddd44445" # forces replacement')
    expect(md).toContain('import id `octo-inference-models`')
    expect(md).toContain('moved from `aws_cloudwatch_log_group.eks`')
    expect(md).toContain('#### Outputs (1)')
  })

  test('no changes and create-only plans have no caution', () => {
    expect(renderPlan(load('no-changes')).markdown).not.toContain('CAUTION')
    const md = renderPlan(load('create')).markdown
    expect(md).not.toContain('CAUTION')
    expect(md).toContain('#### ➕ To add (2)')
    expect(md).not.toContain('data.aws_caller_identity') // reads are not changes
  })

  test('sensitive values never appear; unknown values say so', () => {
    for (const name of ['sensitive-unknown', 'real-create', 'real-changes']) {
      const md = renderPlan(load(name)).markdown
      for (const secret of ['hunter2-old-Secret!', 'Sup3r-N3w-Secret-V4lue', 'hf_aVeryPrivateTokenValue123', 'not-a-real-secret-1234']) expect(md).not.toContain(secret)
    }
    const md = renderPlan(load('sensitive-unknown')).markdown
    expect(md).toContain('~ password = (sensitive) -> (sensitive)')
    expect(md).toContain('+ data = (sensitive)')
    expect(md).toContain('~ endpoint = "model-registry.abc123.us-east-1.rds.amazonaws.com:5432" -> (known after apply)')
    expect(md).toContain('| `db_password` | update | `(sensitive)` | `(sensitive)` |')
    expect(renderPlan(load('real-create')).markdown).toContain('+ input.password = (sensitive)')
  })

  test('resources changed outside Terraform are listed with their diff', () => {
    const md = renderPlan(load('drift')).markdown
    expect(md).toContain('Changed outside Terraform (2)')
    expect(md).toContain('~ scaling_config[0].desired_size = 1 -> 3')
    expect(md).toContain('deleted outside Terraform')
  })

  test('a plan too large for one comment keeps the summary and every destroy/replace, and says where the rest is', () => {
    const plan = bigPlan(3000)
    const r = renderPlan(plan, { limit: COMMENT_LIMIT, restLocation: 'Every change is in the job summary.', footer: 'hash' })
    expect(r.truncated).toBe(true)
    expect(r.markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(r.markdown).toContain('**Plan: 2550 to add, 0 to change, 150 to replace, 300 to destroy.**')
    for (const rc of plan.resource_changes!) if (rc.change.actions.includes('delete')) expect(r.markdown).toContain(rc.address)
    expect(r.markdown).toContain('Every change is in the job summary.')
    expect(r.markdown.endsWith('hash')).toBe(true)
    const full = renderPlan(plan)
    expect(full.truncated).toBe(false)
    expect(full.markdown.length).toBeGreaterThan(COMMENT_LIMIT)
  })

  test('injection attempts in addresses, values and output names stay text', () => {
    const md = renderPlan(load('injection')).markdown
    const outsideCode = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[\s\S]*?\1/g, '').replace(/<code>[^<]*<\/code>/g, '')
    expect(outsideCode).not.toMatch(/<img|<script|<b>|@everyone|@octo-org|\]\(https:\/\/evil|<!--/)
    expect(outsideCode.match(/<details>/g)?.length).toBe(outsideCode.match(/<\/details>/g)?.length)
    // a value with a ``` fence gets a longer fence around it
    expect(md).toContain('````diff')
  })
})
