import * as core from '@actions/core'
import { actionsLogger, createMasker, failAction, group } from '@gpuship/core'
import { loadPolicyYaml, runGates, type GateOptions } from '@gpuship/gates'
import { getInputs } from './inputs.js'
import { cordonNodes, directTargets, kubeTargets, type GateTargets } from './targets.js'
import { syncIssue } from './issue.js'

export async function run(): Promise<void> {
  const masker = createMasker((s) => core.setSecret(s))
  try {
    const inputs = getInputs()
    if (inputs['github-token']) masker.add(inputs['github-token'])
    const log = actionsLogger(core)
    const policy = inputs.policy ? loadPolicyYaml(inputs.policy.text, inputs.policy.path) : undefined
    const direct = inputs['triton-urls'].length > 0 || inputs['dcgm-urls'].length > 0
    let kube: Awaited<ReturnType<typeof import('@gpuship/kube').createKubeClient>> | undefined
    const kubeClient = async () => (kube ??= await (await import('@gpuship/kube')).createKubeClient())
    const targets: GateTargets = direct ? directTargets(inputs) : await group(log, 'Find targets', async () => kubeTargets(await kubeClient(), inputs, log))

    const opts: GateOptions = {
      triton: inputs.scope === 'fleet' && !inputs.deployment && !inputs['triton-urls'].length ? [] : targets.triton,
      tritonMetrics: targets.tritonMetrics,
      dcgm: targets.dcgm,
      prometheusUrl: inputs['prometheus-url'],
      models: inputs.models.length ? inputs.models : undefined,
      smoke: inputs.smoke,
      latency: inputs['latency-requests'] > 0 ? { requests: inputs['latency-requests'], p50Ms: inputs['latency-p50-ms'], p95Ms: inputs['latency-p95-ms'] } : undefined,
      policy,
      log
    }
    if (inputs.samples !== undefined || inputs.interval !== undefined) {
      const base = (await import('@gpuship/gates')).resolvePolicy(policy ?? {})
      opts.window = { samples: inputs.samples ?? base.window.samples, intervalMs: inputs.interval ?? base.window.intervalMs }
    }
    const pods = targets.pods
    if (pods) opts.gpuFilter = (g) => g.pod === undefined || pods.has(`${g.namespace ?? ''}/${g.pod}`)

    const verdict = await runGates(opts)
    const sick = verdict.gpus.filter((g) => g.status === 'fail')
    const sickNodes = [...new Set([...sick.map((g) => g.node), ...verdict.failures.filter((f) => /dcgm-exporter failed/.test(f)).map((f) => f.split(':')[0])])]
    core.setOutput('passed', String(verdict.passed))
    core.setOutput('inconclusive', String(verdict.inconclusive))
    core.setOutput('failing-gpus', JSON.stringify(sick.map((g) => ({ node: g.node, gpu: g.gpu, uuid: g.uuid, model: g.model, reasons: g.reasons }))))
    core.setOutput('sick-nodes', sickNodes.join(','))

    let cordoned: string[] = []
    if (inputs['cordon-on-fail'] && sickNodes.length) {
      cordoned = await group(log, `Cordon ${sickNodes.length} node(s)`, async () => {
        const why = Object.fromEntries(sickNodes.map((n) => [n, sick.filter((g) => g.node === n).flatMap((g) => g.reasons).join('; ') || 'dcgm-exporter unreachable']))
        return cordonNodes(await kubeClient(), sickNodes, why, log)
      })
    }
    core.setOutput('cordoned-nodes', cordoned.join(','))

    let issue: number | undefined
    if (inputs['open-issue']) {
      const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '/').split('/')
      const runUrl = `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${owner}/${repo}/actions/runs/${process.env.GITHUB_RUN_ID ?? ''}`
      issue = await group(log, 'Sick-GPU issue', () => syncIssue(sick, cordoned, { token: inputs['github-token'], owner, repo, label: inputs['issue-label'], runUrl, log }))
    }
    core.setOutput('issue-number', issue === undefined ? '' : String(issue))

    const extra = [cordoned.length ? `Cordoned: ${cordoned.map((n) => `\`${n.replace(/`/g, '')}\``).join(', ')}.` : '', issue ? `Sick GPUs are tracked in issue #${issue}.` : ''].filter(Boolean).join('\n\n')
    await core.summary.addRaw(masker.redact(verdict.markdown() + (extra ? `\n${extra}\n` : ''))).write()

    if (!verdict.passed && !(verdict.inconclusive && !inputs['fail-on-inconclusive'])) {
      core.setFailed(verdict.inconclusive ? 'GPU gate inconclusive: some checks could not decide (see the summary); set fail-on-inconclusive: false to let that pass.' : `GPU gate failed: ${verdict.failures.slice(0, 5).join(' | ')}${verdict.failures.length > 5 ? ` (+${verdict.failures.length - 5} more)` : ''}`)
    } else if (verdict.inconclusive) core.warning('GPU gate inconclusive (fail-on-inconclusive is false): see the summary.')
  } catch (err) {
    failAction(core, err, (s) => masker.redact(s))
  }
}
