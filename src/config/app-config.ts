import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { BlobStoreConfig } from '../storage/blob-store.config';
import type { Charges } from '../storage/domain/charge';
import { EnvSchema } from './env.schema';
import { persistentSecret } from './persistent-secret';

export type Tier = 'free' | 'pro' | 'team';
export const TIERS: readonly Tier[] = ['free', 'pro', 'team'];

export interface TierPlan {
  tier: Tier;
  /** Bytes a user of this tier may keep stored, all versions counted. */
  storageLimitBytes: number;
  /** Highest maxVersions a map of this tier may ask for. */
  maxVersionsLimit: number;
  /** Maps a user of this tier may own. */
  maxMaps: number;
  /** Share links a user of this tier may hold, over all their maps (expired ones count until revoked). */
  maxShares: number;
  /** Versions of the last hour a map keeps (the recent retention tier; docs/api.md, Version history). */
  recentVersionsMax: number;
  /** Versions its owner may pin in one map; pinned versions are never thinned. */
  maxPinnedVersions: number;
  priceMonthlyCents: number;
}

const KiB = 1024;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** The typed configuration, built once from the environment and injected where needed. */
export abstract class AppConfig {
  abstract readonly env: 'development' | 'production' | 'test';
  abstract readonly http: HttpConfig;
  /** `url` unset means: the embedded PostgreSQL whose cluster `dataDir` (the DATA_DIR) records. */
  abstract readonly database: { url?: string; dataDir: string; embeddedPort: number };
  /**
   * `redisUrl` unset means: run jobs in-process. `prefix` namespaces every BullMQ key;
   * `debounceMs` is how long a job waits so that repeats of it merge into one run.
   */
  abstract readonly queue: { redisUrl?: string; prefix: string; debounceMs: number };
  abstract readonly blob: BlobStoreConfig;
  abstract readonly auth: {
    jwtSecret: string;
    /** HMAC key of the prelogin fakes: never the JWT key, so a fake says nothing about it. */
    preloginSecret: string;
    /** Seals TOTP secrets at rest and keys backup-code hashes: its own key, so a leaked JWT key reveals no second factor. */
    secondFactorSecret: string;
    /** WebAuthn: the relying party id passkeys are bound to, and the origins allowed (empty: every origin on that host). */
    webauthn: { rpId: string; origins: string[] };
    /** Seconds. */
    accessTtlS: number;
    /** Seconds a refresh token lives unused (the idle end). */
    refreshTtlS: number;
    /** Seconds a login lives at most, however often it is refreshed (the absolute end). */
    sessionMaxTtlS: number;
    rateLimitPerMinute: number;
    /** Per-account login backoff: failures allowed before waits start, and the longest wait (seconds). */
    loginThrottle: { freeAttempts: number; maxBackoffS: number };
  };
  /**
   * `maxConcurrentPerUser`: uploads one user may have streaming at once. `reservationTtlS`: seconds
   * an upload may take; its reserved quota is released after that even if the process died, and
   * an upload still streaming then is cut.
   */
  abstract readonly uploads: { maxBlobBytes: number; maxConcurrentPerUser: number; reservationTtlS: number };
  /** Quota charges (bytes): a version costs at least `minVersionBytes`, each map `mapBytes`. */
  abstract readonly charges: Charges;
  abstract readonly tiers: Record<Tier, TierPlan>;
  /**
   * `orphanGraceS`: age in seconds before the sweeper deletes an unreferenced object. Intervals in
   * seconds between runs of the recurring jobs, 0 for never: `reconcileIntervalS` (orphan sweep and
   * usage recount), `sessionPurgeIntervalS` (refresh rows past their end). A sweep that would delete
   * more than `maxDeleteShare` (0..1) of the store's objects deletes nothing, unless they are no more
   * than `deleteAlwaysAllowed` (a small store may always lose a few orphans).
   */
  abstract readonly maintenance: {
    orphanGraceS: number;
    reconcileIntervalS: number;
    sessionPurgeIntervalS: number;
    maxDeleteShare: number;
    deleteAlwaysAllowed: number;
  };
  abstract readonly billing: {
    /** Days a past-due subscription keeps its tier after the first failed payment. */
    graceDays: number;
    /** Unset: billing routes answer 503 BILLING_NOT_CONFIGURED. */
    stripe?: StripeConfig;
  };
  abstract readonly publicApi: { rateLimitPerMinute: number };
  abstract readonly logLevel: string;
  /** The built browser app (index.html, assets/) served at `/`; absent: only the API is served. */
  abstract readonly web: { distDir: string };
  abstract readonly logFormat: 'json' | 'pretty';
  /**
   * The metrics listener (Prometheus text at /metrics, the queue dashboard at /queues): its own
   * port, loopback by default; `token`, when set, is required of every request to it.
   */
  abstract readonly metrics: MetricsConfig;
  /** Server-Timing headers and the admin diagnostics route; off unless asked for. */
  abstract readonly diagnostics: { enabled: boolean };
  /** The per-user event stream (GET /api/events). */
  abstract readonly events: EventsConfig;
}

export interface EventsConfig {
  /** Seconds between heartbeats on an open stream. */
  heartbeatS: number;
  /** Streams one user may hold open on one API process. */
  maxStreamsPerUser: number;
  /** Events kept per user for replay, and seconds that log lives after the user's last event. */
  replayLength: number;
  replayWindowS: number;
  /** Bytes queued for a slow reader before its stream is closed. */
  maxBufferBytes: number;
  /** Milliseconds a client is told (`retry:`) to wait before reconnecting. */
  retryMs: number;
  /** Seconds a one-time stream ticket stays redeemable. */
  ticketTtlS: number;
}

export interface MetricsConfig {
  enabled: boolean;
  host: string;
  /** The API's port; 0 picks a free one. */
  port: number;
  /** The worker's port; 0 picks a free one. */
  workerPort: number;
  token?: string;
}

export interface HttpConfig {
  port: number;
  host: string;
  /** Largest JSON body (bytes) of a route that does not raise it. */
  jsonBodyLimitBytes: number;
  /** Milliseconds to receive the request headers. */
  headersTimeoutMs: number;
  /** Milliseconds to receive the whole request, headers and body. */
  bodyTimeoutMs: number;
  /** Milliseconds a connection may stay silent in the middle of a request. */
  idleTimeoutMs: number;
  /** Slowest accepted body (bytes a second), judged after `bodyRateGraceMs` of waiting on the client. */
  minBodyBytesPerS: number;
  bodyRateGraceMs: number;
  /**
   * After an answer sent before its body was read (401, 413, 429…): milliseconds and bytes the
   * server still reads and discards before closing, so the client can read the answer.
   */
  lingerMs: number;
  lingerBytes: number;
  /** Addresses/CIDRs (or proxy-addr's names, e.g. `loopback`) whose X-Forwarded-For is believed; empty: none. */
  trustProxy: string[];
  swaggerEnabled: boolean;
}

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  /** The Stripe price id of each paid tier. */
  prices: Record<Exclude<Tier, 'free'>, string>;
  successUrl: string;
  cancelUrl: string;
}

export class ConfigError extends Error {}

/** Validates the environment, naming every bad variable, and builds the typed config. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  if (env.ADMIN_EMAILS) {
    // NOTE: it used to make whoever registered a listed address first an administrator (no email is
    // verified). Refused rather than ignored, so an operator relying on it learns why no admin exists.
    throw new ConfigError(
      'invalid environment:\n  ADMIN_EMAILS: no longer supported; registering never grants a role. ' +
        'Register, then run `npm run cli -- create-admin EMAIL` (or `promote EMAIL`)',
    );
  }
  const parsed = plainToInstance(EnvSchema, stripEmpty(env), { enableImplicitConversion: false });
  const errors = validateSync(parsed, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  const nodeEnv = (parsed.NODE_ENV ?? 'development') as AppConfig['env'];
  const dataDir = resolve(parsed.DATA_DIR ?? 'data');
  if (nodeEnv === 'production') {
    const missing = (['JWT_SECRET', 'PRELOGIN_SECRET', 'SECOND_FACTOR_SECRET'] as const).filter((name) => !parsed[name]);
    if (missing.length > 0) {
      throw new ConfigError(`invalid environment:\n${missing.map((name) => `  ${name}: must be set to a secret of your own in production`).join('\n')}`);
    }
  }
  // NOTE: outside production an unset secret is generated once and kept (0600) in DATA_DIR, so
  // there is no built-in secret anyone could know, and tokens survive a restart.
  const jwtSecret = parsed.JWT_SECRET ?? persistentSecret(dataDir, 'jwt-secret');
  const preloginSecret = parsed.PRELOGIN_SECRET ?? persistentSecret(dataDir, 'prelogin-secret');
  const secondFactorSecret = parsed.SECOND_FACTOR_SECRET ?? persistentSecret(dataDir, 'second-factor-secret');
  const trustProxy = (parsed.TRUST_PROXY ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  const badProxies = trustProxy.filter((entry) => !isProxyEntry(entry));
  if (badProxies.length > 0) {
    throw new ConfigError(`invalid environment:\n  TRUST_PROXY: not an address or CIDR: ${badProxies.join(', ')}`);
  }
  const headersTimeoutMs = parsed.HTTP_HEADERS_TIMEOUT_MS ?? 10_000;
  const bodyTimeoutMs = parsed.HTTP_BODY_TIMEOUT_MS ?? 300_000;
  if (headersTimeoutMs > bodyTimeoutMs) {
    throw new ConfigError('invalid environment:\n  HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_BODY_TIMEOUT_MS');
  }
  const s3Vars = [parsed.S3_ENDPOINT, parsed.S3_ACCESS_KEY, parsed.S3_SECRET_KEY, parsed.S3_BUCKET];
  if (s3Vars.some(Boolean) && !s3Vars.every(Boolean)) {
    throw new ConfigError(
      'invalid environment:\n  S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET: set all four or none',
    );
  }
  const stripeVars = [
    parsed.STRIPE_SECRET_KEY,
    parsed.STRIPE_WEBHOOK_SECRET,
    parsed.STRIPE_PRICE_PRO,
    parsed.STRIPE_PRICE_TEAM,
    parsed.CHECKOUT_SUCCESS_URL,
    parsed.CHECKOUT_CANCEL_URL,
  ];
  if (stripeVars.some(Boolean) && !stripeVars.every(Boolean)) {
    throw new ConfigError(
      'invalid environment:\n  STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_PRICE_PRO, STRIPE_PRICE_TEAM, ' +
        'CHECKOUT_SUCCESS_URL, CHECKOUT_CANCEL_URL: set all six or none',
    );
  }
  const metricsHost = parsed.METRICS_HOST ?? '127.0.0.1';
  if (parsed.METRICS_ENABLED !== 'false' && !isLoopback(metricsHost) && !parsed.METRICS_TOKEN) {
    throw new ConfigError('invalid environment:\n  METRICS_TOKEN: must be set when METRICS_HOST is not a loopback address');
  }
  const stripe: StripeConfig | undefined = parsed.STRIPE_SECRET_KEY
    ? {
        secretKey: parsed.STRIPE_SECRET_KEY,
        webhookSecret: parsed.STRIPE_WEBHOOK_SECRET!,
        prices: { pro: parsed.STRIPE_PRICE_PRO!, team: parsed.STRIPE_PRICE_TEAM! },
        successUrl: parsed.CHECKOUT_SUCCESS_URL!,
        cancelUrl: parsed.CHECKOUT_CANCEL_URL!,
      }
    : undefined;
  const blob: BlobStoreConfig = parsed.S3_ENDPOINT
    ? {
        driver: 's3',
        endPoint: parsed.S3_ENDPOINT,
        accessKey: parsed.S3_ACCESS_KEY!,
        secretKey: parsed.S3_SECRET_KEY!,
        bucket: parsed.S3_BUCKET!,
        region: parsed.S3_REGION,
      }
    : { driver: 'fs', rootDir: resolve(dataDir, 'blobs') };

  return {
    env: nodeEnv,
    http: {
      port: parsed.PORT ?? 3000,
      // Loopback unless asked: the container images set HOST=0.0.0.0 themselves.
      host: parsed.HOST ?? '127.0.0.1',
      jsonBodyLimitBytes: parsed.JSON_BODY_LIMIT_BYTES ?? 64 * KiB,
      headersTimeoutMs,
      bodyTimeoutMs,
      idleTimeoutMs: parsed.HTTP_IDLE_TIMEOUT_MS ?? 60_000,
      minBodyBytesPerS: parsed.HTTP_MIN_BODY_BYTES_PER_S ?? 4 * KiB,
      bodyRateGraceMs: parsed.HTTP_BODY_RATE_GRACE_MS ?? 10_000,
      lingerMs: parsed.HTTP_LINGER_MS ?? 5_000,
      lingerBytes: parsed.HTTP_LINGER_BYTES ?? 64 * MiB,
      trustProxy,
      swaggerEnabled: parsed.SWAGGER_ENABLED === undefined ? nodeEnv !== 'production' : parsed.SWAGGER_ENABLED === 'true',
    },
    database: { url: parsed.DATABASE_URL, dataDir, embeddedPort: parsed.EMBEDDED_PG_PORT ?? 54329 },
    queue: { redisUrl: parsed.REDIS_URL, prefix: parsed.QUEUE_PREFIX ?? 'mindvault', debounceMs: parsed.JOB_DEBOUNCE_MS ?? 1000 },
    blob,
    auth: {
      jwtSecret,
      preloginSecret,
      secondFactorSecret,
      webauthn: {
        rpId: parsed.WEBAUTHN_RP_ID ?? 'localhost',
        origins: (parsed.WEBAUTHN_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
      },
      accessTtlS: parsed.JWT_ACCESS_TTL_S ?? 15 * 60,
      refreshTtlS: parsed.JWT_REFRESH_TTL_S ?? 30 * 24 * 3600,
      sessionMaxTtlS: parsed.SESSION_MAX_TTL_S ?? 90 * 24 * 3600,
      rateLimitPerMinute: parsed.AUTH_RATE_LIMIT_PER_MINUTE ?? 30,
      loginThrottle: { freeAttempts: parsed.LOGIN_FREE_ATTEMPTS ?? 5, maxBackoffS: parsed.LOGIN_MAX_BACKOFF_S ?? 900 },
    },
    uploads: {
      maxBlobBytes: parsed.MAX_BLOB_BYTES ?? 32 * MiB,
      maxConcurrentPerUser: parsed.MAX_CONCURRENT_UPLOADS ?? 4,
      reservationTtlS: parsed.UPLOAD_RESERVATION_TTL_S ?? 900,
    },
    charges: {
      minVersionBytes: parsed.MIN_VERSION_CHARGE_BYTES ?? 1024,
      mapBytes: parsed.MAP_CHARGE_BYTES ?? 1024,
    },
    tiers: {
      free: {
        tier: 'free',
        storageLimitBytes: parsed.FREE_STORAGE_BYTES ?? 100 * MiB,
        maxVersionsLimit: 50,
        maxMaps: parsed.MAX_MAPS_FREE ?? 100,
        maxShares: parsed.MAX_SHARES_FREE ?? 100,
        recentVersionsMax: 10,
        maxPinnedVersions: 10,
        priceMonthlyCents: 0,
      },
      pro: {
        tier: 'pro',
        storageLimitBytes: parsed.PRO_STORAGE_BYTES ?? 10 * GiB,
        maxVersionsLimit: 1000,
        maxMaps: parsed.MAX_MAPS_PRO ?? 2000,
        maxShares: parsed.MAX_SHARES_PRO ?? 2000,
        recentVersionsMax: 30,
        maxPinnedVersions: 100,
        priceMonthlyCents: 800,
      },
      team: {
        tier: 'team',
        storageLimitBytes: parsed.TEAM_STORAGE_BYTES ?? 100 * GiB,
        maxVersionsLimit: 1000,
        maxMaps: parsed.MAX_MAPS_TEAM ?? 10_000,
        maxShares: parsed.MAX_SHARES_TEAM ?? 10_000,
        recentVersionsMax: 60,
        maxPinnedVersions: 200,
        priceMonthlyCents: 2400,
      },
    },
    maintenance: {
      orphanGraceS: parsed.ORPHAN_GRACE_S ?? 3600,
      reconcileIntervalS: parsed.RECONCILE_INTERVAL_S ?? 6 * 3600,
      sessionPurgeIntervalS: parsed.SESSION_PURGE_INTERVAL_S ?? 3600,
      maxDeleteShare: parsed.RECONCILE_MAX_DELETE_SHARE ?? 0.05,
      deleteAlwaysAllowed: parsed.RECONCILE_DELETE_ALWAYS_ALLOWED ?? 10,
    },
    billing: { graceDays: parsed.BILLING_GRACE_DAYS ?? 7, stripe },
    publicApi: { rateLimitPerMinute: parsed.PUBLIC_RATE_LIMIT_PER_MINUTE ?? 60 },
    logLevel: parsed.LOG_LEVEL ?? 'info',
    web: { distDir: resolve(parsed.WEB_DIST_DIR ?? 'web/dist') },
    logFormat: (parsed.LOG_FORMAT ?? (nodeEnv === 'development' ? 'pretty' : 'json')) as AppConfig['logFormat'],
    metrics: {
      enabled: parsed.METRICS_ENABLED !== 'false',
      host: metricsHost,
      port: parsed.METRICS_PORT ?? 9464,
      workerPort: parsed.WORKER_METRICS_PORT ?? 9465,
      token: parsed.METRICS_TOKEN,
    },
    diagnostics: { enabled: parsed.DIAGNOSTICS_ENABLED === 'true' },
    events: {
      heartbeatS: parsed.EVENTS_HEARTBEAT_S ?? 20,
      maxStreamsPerUser: parsed.EVENTS_MAX_STREAMS_PER_USER ?? 10,
      replayLength: parsed.EVENTS_REPLAY_LENGTH ?? 1000,
      replayWindowS: parsed.EVENTS_REPLAY_WINDOW_S ?? 3600,
      maxBufferBytes: parsed.EVENTS_MAX_BUFFER_BYTES ?? 256 * KiB,
      retryMs: 2000,
      ticketTtlS: 30,
    },
  };
}

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine can reach. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `10.0.0.1`, `10.0.0.0/8`, `::1/128` or one of proxy-addr's names. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}
