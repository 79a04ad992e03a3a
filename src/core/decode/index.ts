export { PacketDecoder } from './decoder.js';
export { isSupportedLinkType, linkTypeFromPcapName } from './link-types.js';
export { FRAGMENT_TTL_MS } from './fragments.js';
