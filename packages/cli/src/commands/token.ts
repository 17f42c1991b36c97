import { GpushipError, isRegion } from '@gpuship/core'
import { parseArgs, type Command } from '../command.js'

/**
 * `aws eks get-token` without Python: an EKS ExecCredential from the standard AWS credential
 * chain (env, SSO, profiles, web identity, container and instance roles), in-process.
 */
const command: Command = {
  name: 'token',
  summary: 'Print an EKS ExecCredential, as `aws eks get-token` does',
  help: [
    'Usage: gpuship token --cluster-name NAME [--region REGION] [--role-arn ARN] [--profile NAME]',
    '',
    'Prints the ExecCredential JSON kubectl expects from a credential plugin: a k8s-aws-v1. token',
    '(presigned STS GetCallerIdentity for the cluster, valid 15 minutes) and its expiry (14 minutes).',
    'Credentials come from the standard AWS chain: AWS_ACCESS_KEY_ID/..., AWS_PROFILE or --profile,',
    'SSO, AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, ECS/EC2 roles.',
    '',
    'Flags:',
    '  --cluster-name NAME  the EKS cluster (required)',
    '  --region REGION      its region (default AWS_REGION, then AWS_DEFAULT_REGION)',
    '  --role-arn ARN       assume this role first (AssumeRole with the chain\'s credentials)',
    '  --profile NAME       use this profile of ~/.aws/config',
    '',
    'Example (kubeconfig user):',
    '  exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: pnpm, args: [gpuship, token, --cluster-name, gpu-prod, --region, us-east-1]}'
  ].join('\n'),
  async run(argv, io) {
    const args = parseArgs(argv, { 'cluster-name': { type: 'string' }, region: { type: 'string' }, 'role-arn': { type: 'string' }, profile: { type: 'string' } }, 'token')
    const clusterName = args.flags['cluster-name'] as string | undefined
    if (!clusterName) throw new GpushipError('gpuship token needs --cluster-name.', { input: '--cluster-name', hint: 'gpuship token --cluster-name gpu-prod --region us-east-1' })
    const region = (args.flags.region as string | undefined) ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION
    if (!region) throw new GpushipError('No region: pass --region or set AWS_REGION.', { input: '--region' })
    if (!isRegion(region)) throw new GpushipError(`Invalid --region '${region}'. Expected a region such as us-east-1.`, { input: '--region' })
    const [{ fromNodeProviderChain }, aws] = await Promise.all([import('@aws-sdk/credential-providers'), import('@gpuship/aws')])
    let credentials
    try {
      credentials = await fromNodeProviderChain(args.flags.profile ? { profile: args.flags.profile as string } : {})()
    } catch (err) {
      throw new GpushipError(`No AWS credentials: ${(err as Error).message}`, { cause: err, hint: 'Set AWS_PROFILE (then aws sso login), or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run inside a job after aws-credentials.' })
    }
    const roleArn = args.flags['role-arn'] as string | undefined
    if (roleArn) {
      const role = await aws.assumeRoleChained({ roleArn, region, sessionName: aws.sanitizeSessionName(`gpuship-token-${Date.now()}`), credentials, durationSeconds: 900 })
      credentials = role.credentials
    }
    io.stdout.write(`${aws.execCredential(await aws.createEksToken({ clusterName, region, credentials }))}\n`)
    return 0
  }
}

export default command
