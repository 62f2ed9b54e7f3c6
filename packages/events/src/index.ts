export {
  type EmitterOptions,
  type Listener,
  type ListenerErrorLog,
  TypedEmitter,
} from './emitter.js';
