import { createContext } from 'preact';
import type { VideoLayerRequests } from './video-layers.js';

/** The call's VideoLayerRequests, for remote tiles to register their `<video>`; none outside a call. */
export const LayerContext = createContext<VideoLayerRequests | undefined>(undefined);
