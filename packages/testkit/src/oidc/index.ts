export * from './claims.js'
export * from './issuer.js'
