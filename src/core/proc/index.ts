// One import for everything procfs-related in the pure core.
export * from './types.js';
export * from './address.js';
export * from './netTable.js';
export * from './procText.js';
