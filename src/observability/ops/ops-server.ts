import { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Fastify, { FastifyInstance } from 'fastify';
import { collectDefaultMetrics } from 'prom-client';
import { AppConfig } from '../../config/app-config';
import { AppMetrics } from '../metrics/app-metrics';
import { requireToken } from './metrics-auth';
import { mountQueueDashboard } from './queue-dashboard';

/** Which process this is: the API also serves the queue dashboard. */
export type ProcessRole = 'api' | 'worker';
export const PROCESS_ROLE = Symbol('process role');

/**
 * The metrics listener: its own Fastify server on METRICS_HOST (loopback by default) at
 * METRICS_PORT (API) or WORKER_METRICS_PORT (worker), never the public one. GET /metrics answers
 * Prometheus text; the API adds the queue dashboard at /queues when jobs run on BullMQ.
 */
@Injectable()
export class OpsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: FastifyInstance;
  private closeDashboard?: () => Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: AppMetrics,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { host, port, workerPort, token } = this.config.metrics;
    const server = Fastify({ logger: false });
    this.server = server;
    if (token) requireToken(server, token);
    const registry = this.metrics.registry;
    collectDefaultMetrics({ register: registry });
    server.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
    const redisUrl = this.config.queue.redisUrl;
    if (this.role === 'api' && redisUrl) this.closeDashboard = await mountQueueDashboard(server, redisUrl, this.config.queue.prefix);
    await server.listen({ host, port: this.role === 'api' ? port : workerPort });
    this.logger.log(`metrics on ${this.url()}/metrics${this.closeDashboard ? `, queue dashboard on ${this.url()}/queues` : ''}`);
  }

  /** Where it listens, e.g. `http://127.0.0.1:9464`. */
  url(): string {
    const address = this.server?.server.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the metrics listener is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    await this.closeDashboard?.();
  }
}
