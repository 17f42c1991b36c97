/**
 * Every subcommand, loaded lazily so `gpuship token` does not pay for the sandbox's simulators.
 * A command module default-exports a Command.
 */
export const COMMANDS: Record<string, string> = {
  sandbox: 'Run the whole pipeline locally against simulators and a real registry',
  doctor: 'Diagnose an EKS cluster: nodes not joining, pods Pending, CNI, add-ons, IAM',
  token: 'Print an EKS ExecCredential, as `aws eks get-token` does',
  'plan-render': 'Render a `terraform show -json` plan as Markdown or JSON',
  'validate-models': 'Check a Triton model repository',
  'gpu-check': 'Evaluate saved dcgm-exporter scrapes against the GPU health policy'
}

export async function loadCommand(name: string): Promise<import('../command.js').Command> {
  const mod = (await import(`./${name}.js`)) as { default: import('../command.js').Command }
  return mod.default
}
