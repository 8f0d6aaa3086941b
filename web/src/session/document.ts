/**
 * The plaintext map the app edits, imports and exports: the SDK's document model, re-exported
 * here so that a change of document format touches this folder only.
 */
export { createDocument, MAX_DOCUMENT_DEPTH, type MindMapDocument, type MindMapNode, parseDocument } from '@mindvault/client';
