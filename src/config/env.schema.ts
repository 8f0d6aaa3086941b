import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Every environment variable the service reads; nothing else reads process.env. */
export class EnvSchema {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString()
  HOST?: string;

  /** postgres://… ; unset: an embedded PostgreSQL whose cluster DATA_DIR records (DATA_DIR/pg unless out of reach). */
  @IsOptional() @IsString()
  DATABASE_URL?: string;

  /** Port of the embedded PostgreSQL (only used when DATABASE_URL is unset). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535)
  EMBEDDED_PG_PORT?: number;

  /** redis://… ; unset: version pruning runs in-process. */
  @IsOptional() @IsString()
  REDIS_URL?: string;

  /** Namespace of every BullMQ key in Redis. */
  @IsOptional() @IsString()
  QUEUE_PREFIX?: string;

  /** Milliseconds a job waits so that repeats of it (one map's prunes) merge into one run. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  JOB_DEBOUNCE_MS?: number;

  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true })
  S3_ENDPOINT?: string;
  @IsOptional() @IsString() S3_ACCESS_KEY?: string;
  @IsOptional() @IsString() S3_SECRET_KEY?: string;
  @IsOptional() @IsString() S3_BUCKET?: string;
  @IsOptional() @IsString() S3_REGION?: string;

  /** Root of local state: embedded PostgreSQL and filesystem blobs. */
  @IsOptional() @IsString()
  DATA_DIR?: string;

  /** The built web app served at `/` (default web/dist under the working directory). */
  @IsOptional() @IsString()
  WEB_DIST_DIR?: string;

  @IsOptional() @IsString() @MinLength(32)
  JWT_SECRET?: string;

  /** Access-token lifetime in seconds. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(30)
  JWT_ACCESS_TTL_S?: number;

  /** Refresh-token lifetime in seconds. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(60)
  JWT_REFRESH_TTL_S?: number;

  /** Absolute end of a login in seconds: its refresh tokens stop then, however often they were used. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(60)
  SESSION_MAX_TTL_S?: number;

  /** Seconds between purges of refresh rows past their end; 0 turns the purge off. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  SESSION_PURGE_INTERVAL_S?: number;

  /** Seconds between scheduled storage reconcile sweeps (orphans, usage recount); 0 turns the schedule off. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  RECONCILE_INTERVAL_S?: number;

  /** Largest accepted upload in bytes (single PUT to the blob store, so under 64 MiB). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(64 * 1024 * 1024 - 1)
  MAX_BLOB_BYTES?: number;

  /** Uploads one user may have streaming at once; one more answers 429 TOO_MANY_UPLOADS. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  MAX_CONCURRENT_UPLOADS?: number;

  /** Bytes of quota a version costs at the least, however small its body (its row is not free). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  MIN_VERSION_CHARGE_BYTES?: number;

  /** Bytes of quota each map costs while it exists, versions aside. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  MAP_CHARGE_BYTES?: number;

  /** Seconds an upload may take: its reserved quota is released then even if the process died. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  UPLOAD_RESERVATION_TTL_S?: number;

  /** Requests a minute per client IP on each auth route. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  AUTH_RATE_LIMIT_PER_MINUTE?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  FREE_STORAGE_BYTES?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  PRO_STORAGE_BYTES?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  TEAM_STORAGE_BYTES?: number;

  /**
   * Maps a user of each tier may own. At most 10,000: key rotation sends every map's envelope in
   * one body, whose limit is sized for that many (JSON_BODY_LIMIT_BYTES).
   */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  MAX_MAPS_FREE?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  MAX_MAPS_PRO?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  MAX_MAPS_TEAM?: number;

  /** Share links a user of each tier may hold over all their maps. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  MAX_SHARES_FREE?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  MAX_SHARES_PRO?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  MAX_SHARES_TEAM?: number;

  /** Seconds an unreferenced stored object must be old before the sweeper deletes it. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  ORPHAN_GRACE_S?: number;

  /**
   * Share (0..1) of the store's objects one sweep may delete; a sweep that would delete more deletes
   * nothing and says so (default 0.05). A store that lost its database looks like one to empty.
   */
  @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(1)
  RECONCILE_MAX_DELETE_SHARE?: number;

  /** Objects one sweep may always delete, whatever the share: a small store's few orphans (default 10). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  RECONCILE_DELETE_ALWAYS_ALLOWED?: number;

  /** Days a past-due subscription keeps its tier after the first failed payment. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(90)
  BILLING_GRACE_DAYS?: number;

  /** Stripe: set all six or none; without them the billing routes answer 503 BILLING_NOT_CONFIGURED. */
  @IsOptional() @IsString() STRIPE_SECRET_KEY?: string;
  @IsOptional() @IsString() STRIPE_WEBHOOK_SECRET?: string;
  /** Stripe price ids (price_…) of the monthly pro and team plans. */
  @IsOptional() @IsString() STRIPE_PRICE_PRO?: string;
  @IsOptional() @IsString() STRIPE_PRICE_TEAM?: string;
  /** Where Stripe Checkout sends the user back to. */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true })
  CHECKOUT_SUCCESS_URL?: string;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true })
  CHECKOUT_CANCEL_URL?: string;

  /** Requests a minute per client IP on each public (unauthenticated) route. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  PUBLIC_RATE_LIMIT_PER_MINUTE?: number;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  /** json: one JSON object a line (production); pretty: human-readable lines. Default by NODE_ENV. */
  @IsOptional() @IsIn(['json', 'pretty'])
  LOG_FORMAT?: string;

  /** false: no metrics listener, no per-request metrics hooks. */
  @IsOptional() @IsIn(['true', 'false'])
  METRICS_ENABLED?: string;

  /** Address of the metrics listener (metrics, queue dashboard); anything but loopback needs METRICS_TOKEN. */
  @IsOptional() @IsString()
  METRICS_HOST?: string;

  /** Port of the API's metrics listener (0: a free port the system picks). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  METRICS_PORT?: number;

  /** Port of the worker's metrics listener (0: a free port the system picks). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  WORKER_METRICS_PORT?: number;

  /** Bearer token the metrics listener asks for (also accepted as a Basic-auth password). */
  @IsOptional() @IsString() @MinLength(16) @Matches(/^[\x21-\x7e]+$/, { message: 'METRICS_TOKEN must be printable ASCII without spaces' })
  METRICS_TOKEN?: string;

  /** true: Server-Timing headers and GET /api/admin/diagnostics. */
  @IsOptional() @IsIn(['true', 'false'])
  DIAGNOSTICS_ENABLED?: string;
  /** Key that seals TOTP secrets at rest and keys the backup-code hashes; unset: generated once and kept in DATA_DIR (required in production). */
  @IsOptional() @IsString() @MinLength(32)
  SECOND_FACTOR_SECRET?: string;
  /** WebAuthn relying party id: the web app's host name (passkeys are bound to it); default localhost. */
  @IsOptional() @IsString() @MaxLength(253)
  WEBAUTHN_RP_ID?: string;
  /** Comma-separated origins passkey ceremonies may come from; unset: every origin whose host is WEBAUTHN_RP_ID. */
  @IsOptional() @IsString() @MaxLength(2000)
  WEBAUTHN_ORIGINS?: string;
  /** HMAC key of the prelogin fakes; unset: generated once and kept in DATA_DIR (required in production). */
  @IsOptional() @IsString() @MinLength(32)
  PRELOGIN_SECRET?: string;

  /** Largest JSON body in bytes on routes that do not raise it (key rotation, the webhook). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1024) @Max(16 * 1024 * 1024)
  JSON_BODY_LIMIT_BYTES?: number;

  /** Milliseconds a client has to send its request headers. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(100)
  HTTP_HEADERS_TIMEOUT_MS?: number;

  /** Milliseconds a client has to send a whole request, headers and body. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(100)
  HTTP_BODY_TIMEOUT_MS?: number;

  /** Milliseconds a connection may stay silent (no byte either way) in the middle of a request. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(100)
  HTTP_IDLE_TIMEOUT_MS?: number;

  /** Slowest accepted body, bytes a second, averaged over the time the server waited for the client. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  HTTP_MIN_BODY_BYTES_PER_S?: number;

  /** Milliseconds of waiting on a body before its rate is judged. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(100)
  HTTP_BODY_RATE_GRACE_MS?: number;

  /** Milliseconds the server keeps reading (and discarding) a body after answering early, before it closes. 0: close at once. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(60_000)
  HTTP_LINGER_MS?: number;

  /** Bytes the server reads (and discards) at most after answering early, before it closes. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  HTTP_LINGER_BYTES?: number;

  /** Comma-separated addresses or CIDRs of proxies whose X-Forwarded-For (and X-Request-Id) is believed; unset: none. */
  @IsOptional() @IsString()
  TRUST_PROXY?: string;

  /** Serve the Swagger UI and the OpenAPI document (default: yes, except in production). */
  @IsOptional() @IsIn(['true', 'false'])
  SWAGGER_ENABLED?: string;

  /** Failed logins of one account allowed before each further one waits (doubling each time). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  LOGIN_FREE_ATTEMPTS?: number;

  /** Longest wait, in seconds, the per-account login backoff grows to. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  LOGIN_MAX_BACKOFF_S?: number;

  /** Seconds between heartbeats (an SSE comment) on every open event stream. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  EVENTS_HEARTBEAT_S?: number;

  /** Event streams one user may hold open on one API process; one more answers 429 TOO_MANY_STREAMS. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  EVENTS_MAX_STREAMS_PER_USER?: number;

  /** Events kept per user for Last-Event-ID replay (the newest this many). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  EVENTS_REPLAY_LENGTH?: number;

  /** Seconds a user's replay log is kept after their last event. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  EVENTS_REPLAY_WINDOW_S?: number;

  /** Bytes an event stream may have waiting for a slow reader before it is closed. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1024)
  EVENTS_MAX_BUFFER_BYTES?: number;
}
