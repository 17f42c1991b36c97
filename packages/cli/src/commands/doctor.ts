import { readFileSync } from 'node:fs'
import { GpushipError, isRegion } from '@gpuship/core'
import { parseArgs, type Command } from '../command.js'

/**
 * The eks-doctor action on a laptop: the same read-only rules over the standard AWS credential
 * chain and the current kubeconfig context.
 */
const command: Command = {
  name: 'doctor',
  summary: 'Diagnose an EKS cluster: nodes not joining, pods Pending, CNI, add-ons, IAM',
  help: [
    'Usage: gpuship doctor --cluster-name NAME [--region REGION] [--namespace NS]... [--json] [--fail-on error|warning|never]',
    '',
    'Reads the cluster through Describe/List/Get AWS calls and Kubernetes GETs only (it never changes',
    'anything) and prints each finding with the values read, the fix and its runbook page.',
    'AWS credentials come from the standard chain (env, AWS_PROFILE, SSO, web identity, instance role);',
    'Kubernetes from the current kubeconfig context ($KUBECONFIG, then ~/.kube/config).',
    '',
    'Flags:',
    '  --cluster-name NAME   the EKS cluster (required)',
    '  --region REGION       its region (default AWS_REGION, then AWS_DEFAULT_REGION)',
    '  --namespace NS        read pods, events and service accounts only here (repeatable; default all)',
    '  --kubeconfig PATH     kubeconfig file (default $KUBECONFIG, then ~/.kube/config)',
    '  --context NAME        kubeconfig context (default its current-context)',
    '  --json                print the full JSON report instead of text',
    '  --fail-on LEVEL       exit 1 when a finding is at least this severe: error (default), warning, never',
    '',
    'Example:',
    '  aws eks update-kubeconfig --name gpu-prod --region us-east-1 && gpuship doctor --cluster-name gpu-prod --region us-east-1'
  ].join('\n'),
  async run(argv, io) {
    const args = parseArgs(
      argv,
      {
        'cluster-name': { type: 'string' },
        region: { type: 'string' },
        namespace: { type: 'list' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        json: { type: 'boolean', default: false },
        'fail-on': { type: 'string', default: 'error' }
      },
      'doctor'
    )
    const clusterName = args.flags['cluster-name'] as string | undefined
    if (!clusterName)
      throw new GpushipError('gpuship doctor needs --cluster-name.', {
        input: '--cluster-name',
        hint: 'gpuship doctor --cluster-name gpu-prod --region us-east-1'
      })
    const region = (args.flags.region as string | undefined) ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION
    if (!region) throw new GpushipError('No region: pass --region or set AWS_REGION.', { input: '--region' })
    if (!isRegion(region)) throw new GpushipError(`Invalid --region '${region}'. Expected a region such as us-east-1.`, { input: '--region' })
    const doctor = await import('@gpuship/doctor')
    const failOn = doctor.parseFailOn(String(args.flags['fail-on']), '--fail-on')
    const kubeconfigPath = args.flags.kubeconfig as string | undefined
    let kubeconfig: string | undefined
    try {
      kubeconfig = kubeconfigPath ? readFileSync(kubeconfigPath, 'utf8') : undefined
    } catch (err) {
      throw new GpushipError(`Cannot read --kubeconfig ${kubeconfigPath}: ${(err as Error).message}`, { input: '--kubeconfig' })
    }
    const kube = doctor.createKubeHttpReader({ kubeconfig, context: args.flags.context as string | undefined, env: io.env })
    let report
    try {
      report = (
        await doctor.diagnose({
          clusterName,
          namespaces: (args.flags.namespace as string[] | undefined) ?? [],
          aws: doctor.createSdkAwsReader({ region }),
          kube
        })
      ).report
    } finally {
      kube.close()
    }
    io.stdout.write(args.flags.json ? doctor.renderJson(report) : doctor.renderText(report))
    return doctor.shouldFail(report, failOn) ? 1 : 0
  }
}

export default command
