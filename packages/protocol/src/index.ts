export * from './display-name.js';
export * from './limits.js';
export * from './media.js';
export * from './messages.js';
