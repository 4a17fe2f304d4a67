export * from './types.js';
export * from './server.js';
export { parsePublicUrl, renderTemplate, type SiteAddress } from './site-address.js';
export type { SiteDocument, SiteSource, RenderedSnippet } from './site-document.js';
