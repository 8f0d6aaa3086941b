import Fastify, { FastifyInstance } from 'fastify';
import pino from 'pino';
import { median } from './http-client';
import type { Figure } from './figure';
import { echoRequestId, requestIdGenerator } from '../src/observability/logging/request-id';
import { logRequests } from '../src/observability/logging/request-log';
import { AppMetrics } from '../src/observability/metrics/app-metrics';
import { meterHttp } from '../src/observability/metrics/http-metrics';

const ROUNDS = 15;
const PER_ROUND = 3000;

/**
 * What the per-request observability hooks cost, alone: the same one-route Fastify server bare, with
 * the metrics hooks (request id, its echo, the duration histogram), and with those plus the request
 * log line (serialised, written nowhere). CPU of this process per injected request, alternating
 * rounds, median of per-round differences. Unlike the end-to-end figures it needs a quiet core less.
 */
export async function benchHookCost(): Promise<Figure> {
  console.log('\n[hooks] per-request CPU of the metrics and request-log hooks, in isolation');
  const server = async (hooks: 'none' | 'metrics' | 'metrics+log') => {
    const instance = Fastify({ logger: false, genReqId: hooks === 'none' ? undefined : requestIdGenerator(() => false) });
    if (hooks !== 'none') {
      echoRequestId(instance);
      meterHttp(instance, new AppMetrics());
    }
    if (hooks === 'metrics+log') logRequests(instance, pino({ level: 'info' }, { write: () => undefined }));
    instance.get('/api/mindmaps/:id', async () => ({ id: 'x', maxVersions: 20 }));
    await instance.ready();
    return instance;
  };
  const variants = { none: await server('none'), metrics: await server('metrics'), logged: await server('metrics+log') };
  const cpuPerRequestUs = async (instance: FastifyInstance, count: number) => {
    const before = process.cpuUsage();
    for (let i = 0; i < count; i++) await instance.inject({ method: 'GET', url: '/api/mindmaps/1f0c' });
    const used = process.cpuUsage(before);
    return (used.user + used.system) / count;
  };
  for (const instance of Object.values(variants)) await cpuPerRequestUs(instance, PER_ROUND);
  const rounds = { none: [] as number[], metrics: [] as number[], logged: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = (round % 2 === 0 ? ['none', 'metrics', 'logged'] : ['logged', 'metrics', 'none']) as (keyof typeof rounds)[];
    for (const name of order) rounds[name].push(await cpuPerRequestUs(variants[name], PER_ROUND));
  }
  for (const instance of Object.values(variants)) await instance.close();
  const diff = (a: number[], b: number[]) => median(a.map((x, i) => x - b[i]));
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const metricsUs = diff(rounds.metrics, rounds.none);
  const logUs = diff(rounds.logged, rounds.metrics);
  return {
    name: 'observability hooks, CPU per request in isolation (µs)',
    goal: '—',
    ratio: round2(metricsUs),
    pass: null,
    raw: {
      metricsHooksUs: round2(metricsUs),
      requestLogLineUs: round2(logUs),
      bareInjectUs: round2(median(rounds.none)),
      rounds: { none: rounds.none.map(round2), metrics: rounds.metrics.map(round2), logged: rounds.logged.map(round2) },
    },
    note: 'ratio = µs the metrics hooks add to a request (request id, echo, histogram); raw.requestLogLineUs = what the info line adds (serialised, not written)',
  };
}
