/** `netra-contracts chat`: a terminal client for one run. */
export { runChat } from './chat-client';
export type { ChatFrame, ChatOptions, ChatOutcome } from './chat-client';
export { createPalette, formatFrame, summarise } from './chat-format';
export type { Palette } from './chat-format';
