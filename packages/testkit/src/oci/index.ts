export * from './registry-launcher.js'
export * from './image-fixture.js'
