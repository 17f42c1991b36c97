export * from './runner/harness.js'
export * from './runner/workflow-commands.js'
