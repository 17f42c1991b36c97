/** The partition a region belongs to; a role ARN of another partition can never be assumed there. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  if (region.startsWith('us-isob-')) return 'aws-iso-b'
  if (region.startsWith('us-iso-')) return 'aws-iso'
  if (region.startsWith('eusc-')) return 'aws-eusc'
  return 'aws'
}

export function dnsSuffixOf(partition: string): string {
  switch (partition) {
    case 'aws-cn': return 'amazonaws.com.cn'
    case 'aws-iso': return 'c2s.ic.gov'
    case 'aws-iso-b': return 'sc2s.sgov.gov'
    case 'aws-eusc': return 'amazonaws.eu'
    default: return 'amazonaws.com'
  }
}

/** The regional STS host (never the global sts.amazonaws.com, which lives only in us-east-1). */
export function regionalStsHost(region: string): string {
  return `sts.${region}.${dnsSuffixOf(partitionOf(region))}`
}
