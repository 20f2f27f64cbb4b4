// The page's one script: the generated client, with its validators, for the browser (bundled by esbuild).
import { NetraClient, NetraClientError } from '../../../generated/client';

Object.assign(globalThis, { NetraClient, NetraClientError });
