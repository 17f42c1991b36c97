export * from './github-state.js'
export * from './github-simulator.js'
