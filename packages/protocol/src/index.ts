export * from './access.js';
export * from './cluster.js';
export * from './display-name.js';
export * from './ids.js';
export * from './limits.js';
export * from './media.js';
export * from './meeting.js';
export * from './messages.js';
