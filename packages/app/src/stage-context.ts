import { createContext } from 'preact';

/** The call's pin, for tiles to show and toggle (`data-control="pin"`); none outside a call. */
export interface PinControl {
  pinned: string | undefined;
  toggle(participantId: string): void;
}

export const PinContext = createContext<PinControl | undefined>(undefined);
