export * from './access.js';
export * from './display-name.js';
export * from './limits.js';
export * from './messages.js';
