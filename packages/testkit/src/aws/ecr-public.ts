// What tests import for ECR (one line in index.ts re-exports this file).
export { attachEcrRegistry, ecrService, registerEcr } from './ecr.js'
export { createEcrService, ECR_TARGET_PREFIX, type EcrFinding, type EcrService, type EcrServiceOptions, type EcrRepositoryState } from './ecr-service.js'
