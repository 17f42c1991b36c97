export * from './identity/index.js'
export * from './eks/index.js'
export * from './ecr/index.js'
