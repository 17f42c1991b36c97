export * from './standin.js'
