/**
 * EKS access entries and aws-auth name IAM roles, but STS answers with the session:
 * `arn:aws:sts::1:assumed-role/deploy/gha-42` is entered as `arn:aws:iam::1:role/deploy`.
 * (A role with a path loses it here, as it does in STS's answer; EKS matches without the path.)
 */
export function canonicalPrincipalArn(arn: string): string {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn)
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn
}
