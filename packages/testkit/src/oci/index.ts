export * from './registry-launcher.js'
export * from './image-fixture.js'
export * from './oci-image-writer.js'
