export * from './ecr-client.js'
export * from './ecr-errors.js'
export * from './registry-digest.js'
export * from './scan-gate.js'
