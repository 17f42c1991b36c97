// Loopback simulators and the action runner harness. Tests and the sandbox only: production
// code never imports this package. Each folder has one owner and its own index.
export * from './runner/harness.js'
export * from './runner/workflow-commands.js'
export * from './aws/index.js'
export * from './oidc/index.js'
export * from './kube/index.js'
export * from './github/index.js'
export * from './triton/index.js'
export * from './dcgm/index.js'
export * from './terraform/index.js'
export * from './oci/index.js'
export * from './scenarios/index.js'
