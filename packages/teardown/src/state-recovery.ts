/**
 * The clean-slate case: the cluster was deleted by hand (console, eksctl) but Terraform state
 * still holds it. `terraform destroy` then fails refreshing every resource that lives in the
 * cluster (Kubernetes and Helm resources cannot reach an API server that is gone) and on the
 * cluster itself. What unblocks it is forgetting those addresses, with `removed` blocks
 * (Terraform 1.7+, reviewable in a pull request) or `terraform state rm`.
 */
export interface StateRecovery {
  /** Addresses that cannot be destroyed because the cluster is gone. */
  unreachable: string[]
  removedBlocks: string
  stateRmCommand: string
}

/** Resource types that exist only inside, or as part of, the EKS cluster. */
const CLUSTER_BOUND = [
  /^aws_eks_/,
  /^kubernetes_/,
  /^kubectl_/,
  /^helm_release$/,
  /^time_sleep$/ // the modules' waits on the cluster are meaningless once it is gone
]

function resourceType(address: string): string | undefined {
  // module.eks.aws_eks_cluster.this[0] -> aws_eks_cluster ; data sources are not in the way
  const parts = address.replace(/\[[^\]]*\]/g, '').split('.')
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === 'module') {
      i++
      continue
    }
    if (parts[i] === 'data') return undefined
    return parts[i]
  }
  return undefined
}

export function planStateRecovery(addresses: string[]): StateRecovery {
  const unreachable = addresses.filter((a) => {
    const t = resourceType(a)
    return t !== undefined && CLUSTER_BOUND.some((re) => re.test(t))
  })
  // A removed block names a resource or module without instance keys.
  const targets = [...new Set(unreachable.map((a) => a.replace(/\[[^\]]*\]/g, '')))]
  const removedBlocks = targets
    .map((from) => ['removed {', `  from = ${from}`, '  lifecycle {', '    destroy = false', '  }', '}'].join('\n'))
    .join('\n\n')
  const stateRmCommand = unreachable.length ? `terraform state rm ${unreachable.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')}` : ''
  return { unreachable, removedBlocks, stateRmCommand }
}
