/**
 * The plaintext map the app edits, imports and exports: the SDK's document model, re-exported
 * here so that a change of document format touches this folder only.
 */
export {
  createDocument,
  type CrossLink,
  documentToJson,
  documentToMarkdown,
  documentToOpml,
  escapeXml,
  isSafeLink,
  MAX_DOCUMENT_DEPTH,
  type MindMapDocument,
  type MindMapNode,
  mergeDocuments,
  type NodeConflict,
  resolveConflicts,
  sameDocument,
  type NodeDetails,
  type NodeStyle,
  oneLine,
  parseDocument,
  type Summary,
} from '@mindvault/client';
