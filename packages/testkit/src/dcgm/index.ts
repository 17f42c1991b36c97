export * from './listen.js'
export * from './exporter-simulator.js'
