// ESM TypeScript under jest 30: ts-jest's ESM preset, ts-jest-resolver for `.js` suffixes on
// relative imports, and NODE_OPTIONS=--experimental-vm-modules (set by scripts/test.mjs).
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  resolver: 'ts-jest-resolver',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/actions', '<rootDir>/terraform', '<rootDir>/__tests__', '<rootDir>/scripts'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  testTimeout: 60000,
  // Simulators bind loopback ports; two workers fit this two-core machine.
  maxWorkers: 2
}
