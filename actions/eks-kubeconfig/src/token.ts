// The kubectl exec credential plugin: `node dist/token/index.js --cluster-name X --region R`
// prints an ExecCredential. kubectl runs it whenever its cached token expires.
import { createEksToken, execCredential, resolveCredentials } from '@gpuship/aws'
import { formatError } from '@gpuship/core'

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

async function main(): Promise<void> {
  const clusterName = flag('cluster-name')
  const region = flag('region') || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION
  if (!clusterName || !region) throw new Error('usage: node dist/token/index.js --cluster-name <name> --region <region>')
  const credentials = await resolveCredentials(process.env, region)
  process.stdout.write(`${execCredential(await createEksToken({ clusterName, region, credentials }))}\n`)
}

main().catch((err: unknown) => {
  process.stderr.write(`gpuship eks token: ${formatError(err)}\n`)
  process.exit(1)
})
