/**
 * Type-level view of the generated OpenAPI types (openapi.ts): what each operation takes and
 * answers, looked up by path and method. Nothing here is hand-copied from the server; when a DTO
 * changes, `npm run gen:api-types` regenerates openapi.ts and this client stops compiling where
 * it no longer fits.
 */
import type {
  ChangePasswordRequest,
  Envelope,
  KdfParams,
  KeyBundleInput,
  KeyBundleResponse,
  MapEnvelope,
  RegisterRequest,
  RotateKeysRequest,
  VersionEnvelope,
} from '../contract.js';
import type { components, paths } from './openapi.js';

export type Schemas = components['schemas'];
export type ApiPath = keyof paths;
export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** The methods a path defines (the generated file marks the others `?: never`). */
export type MethodOf<P extends ApiPath> = {
  [M in HttpMethod]: undefined extends paths[P][M] ? never : M;
}[HttpMethod];

export type Operation<P extends ApiPath, M extends MethodOf<P>> = NonNullable<paths[P][M]>;

type Parameters<P extends ApiPath, M extends MethodOf<P>> = Operation<P, M> extends { parameters: infer X } ? X : never;

/** `{ id: string }` for `/api/mindmaps/{id}`; `undefined` when the path has no parameter. */
export type PathParams<P extends ApiPath, M extends MethodOf<P>> =
  Parameters<P, M> extends { path: infer X } ? ([X] extends [never] ? undefined : X) : undefined;

export type QueryParams<P extends ApiPath, M extends MethodOf<P>> =
  Parameters<P, M> extends { query?: infer X } ? ([X] extends [never] ? undefined : X) : undefined;

/** The JSON request body, or `undefined` when the operation takes none (or takes raw bytes). */
export type JsonBody<P extends ApiPath, M extends MethodOf<P>> = JsonContent<NonNullable<Operation<P, M>['requestBody']>>;

type JsonContent<T> = [T] extends [never] ? undefined : T extends { content: { 'application/json': infer B } } ? B : undefined;

type SuccessStatus = 200 | 201 | 202 | 204;
type SuccessResponse<P extends ApiPath, M extends MethodOf<P>> = Operation<P, M>['responses'][SuccessStatus &
  keyof Operation<P, M>['responses']];

/** The JSON answer of the operation's success status, or `undefined` for 204 and byte answers. */
export type JsonResponse<P extends ApiPath, M extends MethodOf<P>> = JsonContent<SuccessResponse<P, M>>;

export type TokenPair = Schemas['TokenPairDto'];
export type MindMapDetail = Schemas['MindMapDetailDto'];
/** The detail with its head inline (`?include=content`): `content` is null before the first save and for a head over 256 KiB. */
export type OpenedMindMap = Schemas['OpenedMindMapDto'];
export type InlineContent = Schemas['InlineContentDto'];
export type MindMapSummary = Schemas['MindMapSummaryDto'];
export type MindMapPage = Schemas['MindMapPageDto'];
export type SavedVersion = Schemas['SavedVersionDto'];
export type VersionSnapshot = Schemas['VersionSnapshotDto'];
export type ErrorBody = Schemas['ErrorBody'];

/*
 * The crypto core's wire shapes (contract.ts) must be exactly the server's documented DTOs, so its
 * output is posted as is. These fail to compile the moment the two disagree in either direction.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type WireShapesMatchTheServer = [
  Assert<Same<KdfParams, Schemas['KdfParamsDto']>>,
  Assert<Same<KeyBundleInput, Schemas['KeyBundleInputDto']>>,
  Assert<Same<KeyBundleResponse, Schemas['KeyBundleResponseDto']>>,
  Assert<Same<Envelope, Schemas['EnvelopeDto']>>,
  Assert<Same<RegisterRequest, Schemas['RegisterRequestDto']>>,
  Assert<Same<RotateKeysRequest, Schemas['RotateKeysRequestDto']>>,
  Assert<Same<MapEnvelope, Schemas['MapEnvelopeDto']>>,
  Assert<Same<VersionEnvelope, Schemas['VersionEnvelopeDto']>>,
  Assert<Same<ChangePasswordRequest, Schemas['ChangePasswordRequestDto']>>,
];
