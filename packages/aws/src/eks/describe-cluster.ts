import { GpushipError, retry } from '@gpuship/core'
import type { AwsCredentials } from '../identity/assume-role.js'
import { awsErrorCode, awsRetryAfterMs, isRetryableAwsError } from '../identity/aws-errors.js'
import { sdkRequestHandler } from '../identity/sdk-request.js'

export interface ClusterInfo {
  name: string
  arn: string
  endpoint: string
  /** base64 PEM as in kubeconfig's certificate-authority-data. */
  certificateAuthorityData: string
  roleArn: string
  status: string
  version: string
  platformVersion?: string
}

export interface DescribeClusterOptions {
  clusterName: string
  region: string
  credentials?: AwsCredentials
  endpoint?: string
  maxAttempts?: number
  /** Per attempt (default 15 s). */
  timeoutMs?: number
}

/** A CA that is not base64 of at least one PEM certificate would only fail later, inside kubectl. */
export function checkCertificateAuthority(name: string, data: string | undefined): string {
  const text = data && /^[A-Za-z0-9+/=\s]+$/.test(data) ? Buffer.from(data, 'base64').toString('utf8') : ''
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text)) {
    throw new GpushipError(`Cluster ${name}'s certificate authority from DescribeCluster does not decode to a PEM certificate.`, {
      code: 'bad-cluster-ca',
      hint: `Check with: aws eks describe-cluster --name ${name} --query cluster.certificateAuthority.data --output text | base64 -d. A cluster that is still creating has no CA yet.`
    })
  }
  return data!.replace(/\s+/g, '')
}

export async function describeCluster(o: DescribeClusterOptions): Promise<ClusterInfo> {
  const { EKSClient, DescribeClusterCommand } = await import('@aws-sdk/client-eks')
  const client = new EKSClient({ region: o.region, maxAttempts: 1, requestHandler: sdkRequestHandler(o.timeoutMs), ...(o.endpoint ? { endpoint: o.endpoint } : {}), ...(o.credentials ? { credentials: o.credentials } : {}) })
  let cluster
  try {
    const out = await retry(() => client.send(new DescribeClusterCommand({ name: o.clusterName })), { maxAttempts: o.maxAttempts ?? 6, baseMs: 400, isRetryable: isRetryableAwsError, retryAfterMs: awsRetryAfterMs, label: 'DescribeCluster' })
    cluster = out.cluster
  } catch (err) {
    const code = awsErrorCode(err)
    if (code === 'ResourceNotFoundException') {
      throw new GpushipError(`EKS cluster '${o.clusterName}' does not exist in ${o.region} for this account.`, { input: 'cluster-name', code, cause: err, hint: `List the clusters there: aws eks list-clusters --region ${o.region}. Check aws-region and the role's account.` })
    }
    if (/AccessDenied/.test(code)) {
      throw new GpushipError(`Not allowed to describe EKS cluster '${o.clusterName}': ${(err as Error).message}`, { code, cause: err, hint: `Allow eks:DescribeCluster on arn:aws:eks:${o.region}:<account>:cluster/${o.clusterName} in the role's permissions policy.` })
    }
    if (code === 'CredentialsProviderError' || /credential/i.test(code)) {
      throw new GpushipError('No AWS credentials to call EKS DescribeCluster.', { code, cause: err, hint: 'Run the aws-credentials action before this step.' })
    }
    throw new GpushipError(`EKS DescribeCluster '${o.clusterName}' failed: ${code}: ${(err as Error).message}`, { code, cause: err })
  } finally {
    client.destroy()
  }
  if (!cluster) throw new GpushipError(`EKS DescribeCluster '${o.clusterName}' answered no cluster.`, { retryable: true })
  if (cluster.status !== 'ACTIVE') {
    throw new GpushipError(`EKS cluster '${o.clusterName}' is ${cluster.status}, not ACTIVE; its API cannot be used yet.`, {
      input: 'cluster-name',
      code: 'cluster-not-active',
      hint: cluster.status === 'CREATING' || cluster.status === 'UPDATING'
        ? `Wait for it: aws eks wait cluster-active --name ${o.clusterName} --region ${o.region}, then re-run.`
        : `Look at the cluster's health: aws eks describe-cluster --name ${o.clusterName} --query cluster.health`
    })
  }
  if (!cluster.endpoint) throw new GpushipError(`EKS cluster '${o.clusterName}' has no API endpoint yet.`, { code: 'cluster-no-endpoint' })
  return {
    name: cluster.name ?? o.clusterName,
    arn: cluster.arn ?? '',
    endpoint: cluster.endpoint,
    certificateAuthorityData: checkCertificateAuthority(o.clusterName, cluster.certificateAuthority?.data),
    roleArn: cluster.roleArn ?? '',
    status: cluster.status ?? '',
    version: cluster.version ?? '',
    platformVersion: cluster.platformVersion
  }
}
