export * from './add-sub-model.js'
export * from './triton-simulator.js'
