/** `netra-contracts chat`: a terminal client for one run, on the generated client. */
export { runChat } from './chat-client';
export type { ChatFrame, ChatOptions, ChatOutcome } from './chat-client';
export { createPalette, formatFrame, summarise } from './chat-format';
export type { Palette } from './chat-format';
export { ChatError } from './errors';
export type { ChatErrorCode } from './errors';
export { loadGeneratedClient } from './generated-client';
export type { GeneratedClientModule } from './generated-client';
